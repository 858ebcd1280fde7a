/**
 * The heater stream the cost e2e tests share, with its hand-worked cost at 0.20 €/kWh from 08:00 to
 * 10:30 and 0.30 €/kWh the rest of the day (a reading's rise belongs to the minute before it):
 *
 *   yesterday 23:57  100 Wh × 0.30 = 3 c     23:58   50 Wh × 0.30 = 1.5 c
 *   today     10:28 1000 Wh × 0.20 = 20 c    10:29  600 Wh × 0.20 = 12 c
 *             10:30  400 Wh × 0.30 = 12 c    10:31   50 Wh × 0.30 = 1.5 c
 *
 * so today is 2050 Wh and 45.5 c (46 c), yesterday 150 Wh and 4.5 c, both 2200 Wh and 50 c
 * (rounded once; adding the rounded days would give 51 c).
 */
import type { MqttClient } from 'mqtt';
import { energyFrame, publish, type FixtureDevice } from './e2e-fixtures';

const MINUTE_S = 60;
const HOUR_S = 3600;

/** [seconds from today's local midnight, the heater's counter in Wh]. */
export const COST_STREAM: ReadonlyArray<readonly [number, number]> = [
  [-3 * MINUTE_S, 900],
  [-2 * MINUTE_S, 1000],
  [-1 * MINUTE_S, 1050],
  [10 * HOUR_S + 28 * MINUTE_S, 1050],
  [10 * HOUR_S + 29 * MINUTE_S, 2050],
  [10 * HOUR_S + 30 * MINUTE_S, 2650],
  [10 * HOUR_S + 31 * MINUTE_S, 3050],
  [10 * HOUR_S + 32 * MINUTE_S, 3100],
];

/** Publishes the stream for `heater`, today being the local day starting at `dayStartS`. */
export async function publishCostStream(
  client: MqttClient,
  heater: FixtureDevice,
  dayStartS: number,
): Promise<void> {
  for (const [offsetS, totalWh] of COST_STREAM)
    await publish(
      client,
      `${heater.prefix}/events/rpc`,
      energyFrame(heater, { minuteTsS: dayStartS + offsetS, totalWh }),
    );
}
