/**
 * Fault drill: the console killed with SIGKILL at random moments (DRILL_KILLS, default 15) of a
 * QoS 1 stream from Plus 1PM and Plus 2PM devices, restarted each time on the same SQLite file.
 * The devices keep publishing while it is down; its persistent session queues what it misses.
 * Afterwards every node must show exactly the energy the devices metered after their first
 * reading (PROTOCOL.md §6 rules 3, 6, 14): nothing lost with a killed process, nothing counted
 * twice when the broker redelivers what was processed but not yet acknowledged.
 *
 * The moments come from a seeded PRNG; the seed is printed, DRILL_SEED=<seed> replays it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  killHard,
  sleep,
  startConsole,
  watchAggregates,
  type AggregateWatch,
} from '../support/console-run';
import { assertBuilt, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';
import { drillFleet, MinuteStream, publishedMessages, type SimDevice } from './support/fleet';
import { drillCount, drillRng } from './support/prng';
import { baselinesStored, expectedMWh, settleExact } from './support/readback';

const KILLS = drillCount('DRILL_KILLS', 15);
const DEVICES = 4; // two Plus 1PM, two Plus 2PM: six channels in two rooms
/** Below the flood guard's 50 messages/s per device (a Plus 2PM sends two per minute step). */
const PACE_MS = 60;
/** Longest the console lives before a kill, and longest it stays down, ms. */
const MAX_ALIVE_MS = 1_500;
const MAX_DOWN_MS = 1_000;

describe(`the console killed -9 at ${KILLS} random moments of a QoS 1 stream`, () => {
  const random = drillRng('kill-restart');
  const consoles: Headless[] = [];
  const current = (): Headless => consoles[consoles.length - 1] as Headless;
  let broker: Mosquitto | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  let dbPath = '';
  let devices: SimDevice[] = [];
  let watch: AggregateWatch | undefined;
  let exact: Awaited<ReturnType<typeof settleExact>> | undefined;
  let streamError: unknown = null;
  const startedMs = Date.now();

  beforeAll(async () => {
    assertBuilt();
    broker = await startMosquitto();
    dir = tempDir('kw-drill-kill-');
    dbPath = `${dir.path}/kw.db`;
    const setup = { brokerUrl: broker.url, dbPath, dir: dir.path };
    // The console subscribes first, so its session holds every reading from the first one on.
    consoles.push(await startConsole(setup));
    devices = drillFleet(DEVICES, random);
    for (const d of devices) await d.connect(broker.url, false);
    const stream = new MinuteStream(devices, random.fork(), 10_000);
    await stream.next();
    // A baseline lost with a killed process would make the next reading the baseline: that is
    // rule 3 doing its job, not a crash-safety failure, so the first kill waits for them.
    await baselinesStored(dbPath, devices, 20_000);

    let isStreaming = true;
    const pump = (async () => {
      while (isStreaming) {
        await stream.next();
        await sleep(PACE_MS);
      }
    })().catch((e: unknown) => (streamError = e));

    for (let k = 0; k < KILLS; k++) {
      // Fault moments, not waits for I/O: the stream goes on meanwhile, paced on its own.
      await sleep(random.int(0, MAX_ALIVE_MS));
      await killHard(current().child);
      await sleep(random.int(50, MAX_DOWN_MS));
      consoles.push(await startConsole(setup));
    }
    await sleep(500);
    isStreaming = false;
    await pump;

    watch = await watchAggregates(broker.url);
    exact = await settleExact(current(), watch, dbPath, devices, 60_000);
  }, 300_000);

  afterAll(async () => {
    console.log(
      `[drill] kill-restart: ${consoles.length - 1} kills survived, ${publishedMessages(devices)} messages ` +
        `published, ${expectedMWh(devices).size} node totals checked, ` +
        `${((Date.now() - startedMs) / 1000).toFixed(1)} s, seed ${random.seed}`,
    );
    await watch?.stop();
    for (const d of devices) await d.close();
    for (const c of consoles) await killHard(c.child);
    await broker?.stop();
    dir?.remove();
  });

  it('survived every kill: each console died of SIGKILL, the last one is still counting', () => {
    expect(streamError).toBeNull();
    expect(consoles).toHaveLength(KILLS + 1);
    for (const c of consoles.slice(0, -1)) expect(c.child.signalCode).toBe('SIGKILL');
    expect(current().child.exitCode).toBeNull();
    expect(current().child.signalCode).toBeNull();
  });

  it('the HTTP API shows exactly the metered energy on every channel, device, room, office and company', () => {
    expect(exact?.api).toEqual([]);
  });

  it('the retained aggregates on the broker carry the same exact totals', () => {
    expect(exact?.aggregates).toEqual([]);
  });

  it('the SQLite file agrees: node totals, minutes and counter state, to the unit', () => {
    expect(exact?.stored).toEqual([]);
  });

  it('history at every resolution adds up to the company total', async () => {
    const want = (expectedMWh(devices).get('company:Site') ?? NaN) / 1000;
    for (const resolution of ['minute', 'hour', 'day', 'month']) {
      const { points } = await command<{ points: Array<{ energyWh: number }> }>(current(), 'history.query', {
        node: 'company:Site',
        from: '2000-01-01T00:00:00Z',
        to: '2100-01-01T00:00:00Z',
        resolution,
      });
      const sum = points.reduce((s, p) => s + p.energyWh, 0);
      expect(Math.abs(sum - want), `${resolution}: ${sum} Wh, want ${want} Wh`).toBeLessThan(1e-6);
    }
  });
});
