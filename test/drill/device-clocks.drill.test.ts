/**
 * Fault drill: device clocks that cannot be trusted, while the counters keep rising. What the
 * rules document (PROTOCOL.md §5.3, §6 rules 4, 6, 9, 10; shelly/payload.ts `trustedTimeS`,
 * shelly/components.ts, energy/counter-rules.ts):
 *
 * - A switch reading is ordered by `aenergy.minute_ts` when trusted (≥ 1e9 and at most 300 s
 *   ahead of arrival), else by `params.ts` when trusted, else by its arrival time.
 * - A clock that jumps back an hour is still trusted (a plausible epoch): its readings are older
 *   than the newest one accepted, so they change nothing (`out-of-order`, rule 6) until the clock
 *   passes that key again; the first reading after that counts the whole rise, because the counter
 *   is cumulative. Nothing is lost, it is counted late.
 * - A clock near 1970 (`ts` 1.61, 3.18… seconds since boot before SNTP, or stuck at 86400) and a
 *   clock a day ahead are not trusted: readings are ordered by arrival and every rise counts. An
 *   older copy arriving late is then a lower value with no reboot seen: a dip, ignored (rule 9).
 * - A reboot seen (`online` false → true) before a rise flags that rise as spanning a gap (rule 10).
 *
 * The drill publishes those timelines through a real Mosquitto to the built console and checks the
 * ledger says exactly that, the totals stand still while the clock is behind, and all the metered
 * energy is there at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiTotals,
  killHard,
  startConsole,
  until,
  watchAggregates,
  type AggregateWatch,
} from '../support/console-run';
import { assertBuilt, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';
import { minuteRises, SimDevice, switchNotify, UNITS_PER_MWH, type DeviceClock } from './support/fleet';
import { drillRng } from './support/prng';
import { expectedMWh, settleExact, storedFigures } from './support/readback';

const HOUR_S = 3600;
/** Readings before the jump, and with the clock an hour behind (enough to catch up and go on). */
const SYNCED = 10;
const BEHIND = 70;
/** Seconds since boot a Plus reports before its first SNTP sync (observed: 1.61, 3.18). */
const sinceBoot = (k: number): DeviceClock => {
  const tsS = 1.61 + 1.57 * k;
  return { tsS, minuteTsS: Math.floor(tsS / 60) * 60 };
};
const STUCK_1970: DeviceClock = { tsS: 86_400, minuteTsS: 86_400 };

describe('device clocks that jump back an hour, sit near 1970 or run a day ahead', () => {
  const random = drillRng('device-clocks');
  let broker: Mosquitto | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  let dbPath = '';
  let headless: Headless | undefined;
  let watch: AggregateWatch | undefined;
  let exact: Awaited<ReturnType<typeof settleExact>> | undefined;
  const startedMs = Date.now();

  const nowMinuteS = Math.floor(Date.now() / 60_000) * 60;
  /** Step i of a synced clock: one device-minute per reading, the last ones still in the past. */
  const synced = (i: number): DeviceClock => {
    const minuteTsS = nowMinuteS - 60 * (SYNCED + BEHIND + 30) + 60 * i;
    return { minuteTsS, tsS: minuteTsS + 0.41 };
  };
  const behind = (i: number): DeviceClock => ({
    minuteTsS: synced(i).minuteTsS - HOUR_S,
    tsS: synced(i).tsS - HOUR_S,
  });

  // Dev1 (Plus 1PM): clock jumps back an hour. Dev2 (Plus 2PM): synced, reboots, sits near 1970.
  // Dev3 (Plus 1PM): never synced. Dev4 (Plus 2PM): clock a day ahead.
  const jumpsBack = new SimDevice('Site/Office/Room1/Dev1', 'plus1pm', 1, 9_000_000);
  const reboots = new SimDevice('Site/Office/Room1/Dev2', 'plus2pm', 2, 420_000);
  const neverSynced = new SimDevice('Site/Office/Room2/Dev3', 'plus1pm', 3, 15_000);
  const ahead = new SimDevice('Site/Office/Room2/Dev4', 'plus2pm', 4, 77_777_000);
  const devices = [jumpsBack, reboots, neverSynced, ahead];

  /** Readings of the jumping device that are older than the newest accepted one (rule 6). */
  let olderThanNewest = 0;
  /** Its total before the jump, and what the console showed once every older reading was in. */
  let beforeJumpMWh = 0;
  let whileBehind: { apiWh: number | undefined; storedUnits: number | undefined } | undefined;

  /** The device meters a minute (a rise on every channel when `mustRise`) and reports it. */
  const report = async (device: SimDevice, clock: DeviceClock, mustRise = false) => {
    device.meter(mustRise ? device.channels.map(() => random.int(1, 3_000)) : minuteRises(device, random));
    expect(await device.report(clock), `${device.prefix} is connected`).toBe(true);
  };

  beforeAll(async () => {
    assertBuilt();
    broker = await startMosquitto();
    dir = tempDir('kw-drill-clocks-');
    dbPath = `${dir.path}/kw.db`;
    headless = await startConsole({ brokerUrl: broker.url, dbPath, dir: dir.path });
    const h = headless;
    for (const d of devices) await d.connect(broker.url, false);
    const dayAhead = (): DeviceClock => {
      const tsS = Date.now() / 1000 + 86_400;
      return { tsS, minuteTsS: Math.floor(tsS / 60) * 60 };
    };

    for (let i = 0; i < SYNCED; i++) {
      await report(jumpsBack, synced(i));
      await report(reboots, synced(i));
      await report(neverSynced, sinceBoot(i));
      await report(ahead, dayAhead());
    }
    beforeJumpMWh = (jumpsBack.channels[0]?.counterMWh ?? 0) - (jumpsBack.channels[0]?.firstSentMWh ?? 0);

    // Dev2 reboots: its last will says offline, it comes back before SNTP has set its clock.
    await reboots.send('online', 'false');
    await reboots.send('online', 'true');

    const newestKeyS = synced(SYNCED - 1).minuteTsS;
    let i = SYNCED;
    let late: { clock: DeviceClock; mWh: number } | undefined;
    for (; behind(i).minuteTsS < newestKeyS; i++) {
      await report(jumpsBack, behind(i));
      olderThanNewest++;
      const k = i - SYNCED;
      // The first rise after the reboot is the one that spans it (a reading without one would not).
      await report(reboots, sinceBoot(k), k === 0);
      if (k === 3) late = { clock: sinceBoot(k), mWh: reboots.channels[0]?.counterMWh ?? 0 };
      await report(neverSynced, sinceBoot(i));
      await report(ahead, dayAhead());
    }
    // Every reading from behind is in the ledger (committed within 250 ms): the totals stand still.
    const jumpNode = jumpsBack.channels[0]?.node as string;
    await until(
      async () => storedFigures(dbPath).ledger.get(jumpNode)?.get('out-of-order') ?? 0,
      (n) => n === olderThanNewest,
      20_000,
    );
    whileBehind = {
      apiWh: (await apiTotals(h)).get(`device:${jumpsBack.prefix}`)?.energyWh,
      storedUnits: storedFigures(dbPath).totals.get(jumpNode),
    };

    // A copy of an older reading arrives late, and the last one again: neither changes anything.
    if (!late) throw new Error('no reading was kept for the late copy');
    await reboots.send('events/rpc', switchNotify(reboots.src, reboots.prefix, 0, late.clock, late.mWh));
    // The clock behind catches up and goes on; Dev2 and Dev3 sit at 86400; Dev4 stays a day ahead.
    for (; i < SYNCED + BEHIND; i++) {
      await report(jumpsBack, behind(i));
      await report(reboots, STUCK_1970);
      await report(neverSynced, STUCK_1970);
      await report(ahead, dayAhead());
    }

    watch = await watchAggregates(broker.url);
    exact = await settleExact(h, watch, dbPath, devices, 30_000);
  }, 120_000);

  afterAll(async () => {
    const published = devices.reduce((n, d) => n + d.acknowledged, 0);
    console.log(
      `[drill] device-clocks: ${published} messages published, ${olderThanNewest} readings from a clock an hour ` +
        `behind ignored then caught up, ${expectedMWh(devices).size} node totals checked, ` +
        `${((Date.now() - startedMs) / 1000).toFixed(1)} s, seed ${random.seed}`,
    );
    await watch?.stop();
    for (const d of devices) await d.close();
    if (headless) await killHard(headless.child);
    await broker?.stop();
    dir?.remove();
  });

  it('a clock an hour behind changes nothing until it passes the newest reading again', () => {
    expect(olderThanNewest).toBeGreaterThan(0);
    expect(whileBehind?.apiWh).toBe(beforeJumpMWh / 1000);
    expect(whileBehind?.storedUnits).toBe(beforeJumpMWh * UNITS_PER_MWH);
  });

  it('the ledger says why: out-of-order for the clock behind, a gap after the reboot, a dip for the late copy', () => {
    const ledger = storedFigures(dbPath).ledger;
    const kinds = (d: SimDevice, channel: number) =>
      Object.fromEntries(ledger.get(d.channels[channel]?.node as string) ?? []);
    expect(kinds(jumpsBack, 0)).toEqual({ baseline: 1, 'out-of-order': olderThanNewest });
    // Untrusted clocks are ordered by arrival: every later reading is newer, none is out of order.
    expect(kinds(reboots, 0)).toEqual({ baseline: 1, gap: 1, 'dip-ignored': 1 });
    expect(kinds(reboots, 1)).toEqual({ baseline: 1, gap: 1 });
    expect(kinds(neverSynced, 0)).toEqual({ baseline: 1 });
    expect(kinds(ahead, 0)).toEqual({ baseline: 1 });
    expect(kinds(ahead, 1)).toEqual({ baseline: 1 });
  });

  it('in the end every node shows all the energy metered after the first reading, to 1e-6 Wh', () => {
    expect(exact?.api).toEqual([]);
    expect(exact?.aggregates).toEqual([]);
    expect(exact?.stored).toEqual([]);
  });
});
