/**
 * Exact Shelly traffic for console tests on a private Mosquitto: Gen2 NotifyStatus frames with
 * known `aenergy.total` rises at known minutes, availability messages, and broken frames.
 */
import type { MqttClient } from 'mqtt';

export interface FixtureDevice {
  /** The topic prefix: `Company/Office/Room/Device` places it. */
  prefix: string;
  /** The Shelly id (`src`). */
  src: string;
}

/** A NotifyStatus for switch:0 with a cumulative total at a given minute (Wh, 3 decimals). */
export function energyFrame(
  device: FixtureDevice,
  o: { minuteTsS: number; totalWh: number; output?: boolean; powerW?: number },
): string {
  const status: Record<string, unknown> = {
    id: 0,
    aenergy: { by_minute: [0, 0, 0], minute_ts: o.minuteTsS, total: Number(o.totalWh.toFixed(3)) },
  };
  if (o.output !== undefined) status.output = o.output;
  if (o.powerW !== undefined) status.apower = o.powerW;
  return JSON.stringify({
    src: device.src,
    dst: `${device.prefix}/events`,
    method: 'NotifyStatus',
    params: { ts: o.minuteTsS + 59, 'switch:0': status },
  });
}

/** A NotifyStatus carrying only the instantaneous power (no counter). */
export function powerFrame(device: FixtureDevice, powerW: number, tsS: number): string {
  return JSON.stringify({
    src: device.src,
    dst: `${device.prefix}/events`,
    method: 'NotifyStatus',
    params: { ts: tsS, 'switch:0': { id: 0, apower: powerW } },
  });
}

export async function publish(client: MqttClient, topic: string, payload: string): Promise<void> {
  await client.publishAsync(topic, payload, { qos: 1 });
}

/**
 * Publishes a device's readings: one per minute from `firstMinuteS`, the first a baseline (counts
 * nothing), each later one `rises[i]` Wh above the one before. Returns the minute of each reading
 * and the Wh the console should count (the sum of the rises after the baseline).
 */
export async function publishRises(
  client: MqttClient,
  device: FixtureDevice,
  firstMinuteS: number,
  startWh: number,
  rises: number[],
): Promise<{ minutesS: number[]; countedWh: number; lastTotalWh: number }> {
  let total = startWh;
  const minutesS: number[] = [];
  for (let i = 0; i < rises.length; i++) {
    total += i === 0 ? 0 : (rises[i] as number);
    const minuteTsS = firstMinuteS + 60 * i;
    minutesS.push(minuteTsS);
    await publish(client, `${device.prefix}/events/rpc`, energyFrame(device, { minuteTsS, totalWh: total }));
  }
  return { minutesS, countedWh: total - startWh, lastTotalWh: total };
}
