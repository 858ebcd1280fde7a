/**
 * Fault drill: Mosquitto, with persistence on, stopped by its PID and started again on the same
 * port and data folder (DRILL_BROKER_RESTARTS, default 4) in the middle of a stream. The devices
 * publish only while their broker is up and reconnect by themselves, as real ones do; their
 * counters go on rising meanwhile. The console must notice each loss, say so (alert, connection
 * state, /healthz), reconnect to its persistent session, and end with exactly the energy the
 * devices metered: what was queued for it survives the restarts, and what is redelivered or
 * re-sent is not counted twice (PROTOCOL.md §6 rules 6, 14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killHard,
  sleep,
  startConsole,
  until,
  watchAggregates,
  type AggregateWatch,
} from '../support/console-run';
import { assertBuilt, type Headless } from '../support/headless';
import { tempDir } from '../support/temp-dir';
import { RestartableBroker } from './support/broker';
import { EventLog, healthWithin } from './support/console-watch';
import { drillFleet, MinuteStream, publishedMessages, type SimDevice } from './support/fleet';
import { drillCount, drillRng } from './support/prng';
import { expectedMWh, messagesRead, settleExact, storedFigures } from './support/readback';

const RESTARTS = drillCount('DRILL_BROKER_RESTARTS', 4);
const DEVICES = 4;
/** Below the flood guard's 50 messages/s per device (a Plus 2PM sends two per minute step). */
const PACE_MS = 60;
/** /healthz must stop saying "connected" this soon after the broker went away. */
const NOTICE_MS = 20_000;

interface Outage {
  /** How long the console took to report the loss, and to be connected and subscribed again. */
  noticedMs: number | null;
  recoveredMs: number | null;
}

describe(`Mosquitto (persistence on) restarted ${RESTARTS} times in the middle of a stream`, () => {
  const random = drillRng('broker-restart');
  let broker: RestartableBroker | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  let dbPath = '';
  let headless: Headless | undefined;
  let events: EventLog | undefined;
  let devices: SimDevice[] = [];
  let watch: AggregateWatch | undefined;
  let exact: Awaited<ReturnType<typeof settleExact>> | undefined;
  const outages: Outage[] = [];
  let streamError: unknown = null;
  const startedMs = Date.now();

  beforeAll(async () => {
    assertBuilt();
    broker = await RestartableBroker.create();
    dir = tempDir('kw-drill-broker-');
    dbPath = `${dir.path}/kw.db`;
    headless = await startConsole({ brokerUrl: broker.url, dbPath, dir: dir.path });
    events = await EventLog.open(headless);
    devices = drillFleet(DEVICES, random);
    for (const d of devices) await d.connect(broker.url, true);
    const stream = new MinuteStream(devices, random.fork(), 10_000);
    // The first reports are acknowledged before any fault: they are the baselines.
    await stream.next();

    let isStreaming = true;
    const pump = (async () => {
      while (isStreaming) {
        // Not awaited: a report cut off by the broker going away never completes, and the device
        // does not wait for it either; it reports the next minute if it is connected by then.
        void stream.next().catch(() => undefined);
        await sleep(PACE_MS);
      }
    })().catch((e: unknown) => (streamError = e));

    const h = headless;
    for (let r = 0; r < RESTARTS; r++) {
      // Fault moments, not waits for I/O: the stream goes on meanwhile, paced on its own.
      await sleep(random.int(300, 1_500));
      const stoppedMs = Date.now();
      await broker.stop();
      const noticedMs = await healthWithin(h, (s) => s.broker !== 'connected', NOTICE_MS, stoppedMs);
      await sleep(random.int(100, 1_000));
      await broker.start();
      broker.restarts++;
      const startedAgainMs = Date.now();
      const back = await healthWithin(h, (s) => s.broker === 'connected' && s.subscribed, 60_000);
      outages.push({ noticedMs, recoveredMs: back === null ? null : Date.now() - startedAgainMs });
    }
    await sleep(500);
    isStreaming = false;
    await pump;
    // The last minute every device reports on a steady broker: its counters are the final truth.
    await until(
      async () => devices.every((d) => d.isConnected),
      (isDone) => isDone,
      20_000,
    );
    await stream.next();

    watch = await watchAggregates(broker.url);
    exact = await settleExact(h, watch, dbPath, devices, 60_000);
  }, 300_000);

  afterAll(async () => {
    const ledger = storedFigures(dbPath).ledger;
    const outOfOrder = [...ledger.values()].reduce((n, kinds) => n + (kinds.get('out-of-order') ?? 0), 0);
    const noticed = outages.map((o) => o.noticedMs ?? 'never').join('/');
    const recovered = outages.map((o) => o.recoveredMs ?? 'never').join('/');
    console.log(
      `[drill] broker-restart: ${broker?.restarts} restarts, loss seen after ${noticed} ms, connected again ` +
        `${recovered} ms after the broker was back, ${publishedMessages(devices)} messages published, ` +
        `${expectedMWh(devices).size} node totals checked, ${outOfOrder} re-sent older readings ignored, ` +
        `${((Date.now() - startedMs) / 1000).toFixed(1)} s, seed ${random.seed}`,
    );
    events?.close();
    await watch?.stop();
    for (const d of devices) await d.close();
    if (headless) await killHard(headless.child);
    await broker?.remove();
    dir?.remove();
  });

  it(`/healthz reported each loss within ${NOTICE_MS / 1000} s and each recovery`, () => {
    expect(streamError).toBeNull();
    expect(broker?.restarts).toBe(RESTARTS);
    expect(outages).toHaveLength(RESTARTS);
    for (const o of outages) {
      expect(o.noticedMs).not.toBeNull();
      expect(o.noticedMs).toBeLessThanOrEqual(NOTICE_MS);
      expect(o.recoveredMs).not.toBeNull();
    }
  });

  it('pushed a "lost the broker" and a "connected" alert for every restart, in turn', () => {
    const alerts = events?.alerts('broker') ?? [];
    expect(alerts.map((a) => a.severity)).toEqual(
      Array.from({ length: RESTARTS }, () => ['error', 'info']).flat(),
    );
    expect(alerts[0]?.message).toMatch(/^Lost the broker/);
    expect(alerts[1]?.message).toMatch(/^Connected to/);
    // The socket is told the state when it opens, then every change (repeats folded).
    expect(events?.statuses()).toEqual([
      'connected',
      ...Array.from({ length: RESTARTS }, () => ['reconnecting', 'connected']).flat(),
    ]);
  });

  it('the persistent session lost nothing: every acknowledged reading reached the console', async () => {
    const read = await messagesRead(headless as Headless, devices);
    expect(read.received).toBeGreaterThanOrEqual(read.published);
    expect(read.rejected).toEqual({});
  });

  it('the HTTP API shows exactly the metered energy on every node', () => {
    expect(exact?.api).toEqual([]);
  });

  it('the retained aggregates on the broker carry the same exact totals', () => {
    expect(exact?.aggregates).toEqual([]);
  });

  it('the SQLite file agrees to the unit: nothing lost, nothing counted twice', () => {
    expect(exact?.stored).toEqual([]);
  });
});
