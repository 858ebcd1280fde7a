/**
 * Fault drill: the broker frozen with SIGSTOP for longer than the console's MQTT keepalive (30 s),
 * then thawed with SIGCONT. A frozen broker keeps its sockets open and says nothing, so TCP never
 * reports the loss; the console must notice by itself: /healthz stops saying "connected" within
 * 20 s of the freeze, it says so in an alert, and it is connected again after the thaw. The
 * devices know nothing (their sockets look fine) and go on publishing into the frozen broker; once
 * it runs again it takes their readings and the console's session delivers them, and the totals
 * end exact.
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
import { baselinesStored, expectedMWh, messagesRead, settleExact } from './support/readback';

/** The profile's default keepalive; the freeze lasts longer, so no keepalive can hide it. */
const KEEPALIVE_MS = 30_000;
const FREEZE_MS = drillCount('DRILL_FREEZE_MS', KEEPALIVE_MS + 5_000);
/** The contract: /healthz leaves "connected" this soon after the broker froze. */
const NOTICE_MS = 20_000;
const DEVICES = 4;
/**
 * Slower than the other drills: everything sent during the freeze reaches the console in one
 * burst after the thaw, which must stay short of the flood guard's five loud seconds.
 */
const PACE_MS = 150;

describe(`the broker frozen (SIGSTOP) for ${FREEZE_MS / 1000} s, then thawed`, () => {
  const random = drillRng('broker-freeze');
  let broker: RestartableBroker | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  let dbPath = '';
  let headless: Headless | undefined;
  let events: EventLog | undefined;
  let devices: SimDevice[] = [];
  let watch: AggregateWatch | undefined;
  let exact: Awaited<ReturnType<typeof settleExact>> | undefined;
  let noticedMs: number | null = null;
  let recoveredMs: number | null = null;
  let publishedWhileFrozen = 0;
  let streamError: unknown = null;
  const startedMs = Date.now();

  beforeAll(async () => {
    assertBuilt();
    broker = await RestartableBroker.create();
    dir = tempDir('kw-drill-freeze-');
    dbPath = `${dir.path}/kw.db`;
    headless = await startConsole({ brokerUrl: broker.url, dbPath, dir: dir.path });
    const h = headless;
    events = await EventLog.open(h);
    devices = drillFleet(DEVICES, random);
    for (const d of devices) await d.connect(broker.url, true);
    const stream = new MinuteStream(devices, random.fork(), 10_000);
    await stream.next();
    await baselinesStored(dbPath, devices, 20_000);

    let isStreaming = true;
    const pump = (async () => {
      while (isStreaming) {
        // Not awaited: reports into the frozen broker are acknowledged only after the thaw.
        void stream.next().catch((e: unknown) => (streamError = e));
        await sleep(PACE_MS);
      }
    })().catch((e: unknown) => (streamError = e));

    // A fault moment, not a wait for I/O: the stream goes on meanwhile.
    await sleep(random.int(500, 2_000));
    const frozenMs = Date.now();
    const beforeFreeze = publishedMessages(devices);
    broker.freeze();
    noticedMs = await healthWithin(h, (s) => s.broker !== 'connected', NOTICE_MS, frozenMs);
    // The freeze itself: past the keepalive, whatever the console noticed meanwhile.
    await sleep(Math.max(0, frozenMs + FREEZE_MS - Date.now()));
    broker.thaw();
    const thawedMs = Date.now();
    recoveredMs = await healthWithin(h, (s) => s.broker === 'connected' && s.subscribed, 60_000, thawedMs);
    await sleep(1_000);
    isStreaming = false;
    await pump;
    // Every report, those sent into the frozen broker included, is acknowledged after the thaw.
    const acknowledged = await until(
      async () => devices.every((d) => d.pending === 0),
      (isDone) => isDone,
      60_000,
    );
    if (!acknowledged) throw new Error('the devices’ reports were not all acknowledged after the thaw');
    publishedWhileFrozen = publishedMessages(devices) - beforeFreeze;

    watch = await watchAggregates(broker.url);
    exact = await settleExact(h, watch, dbPath, devices, 60_000);
  }, 300_000);

  afterAll(async () => {
    console.log(
      `[drill] broker-freeze: frozen ${FREEZE_MS / 1000} s, /healthz left "connected" after ${noticedMs ?? 'never'} ms, ` +
        `connected again ${recoveredMs ?? 'never'} ms after the thaw, ${publishedMessages(devices)} messages ` +
        `published (${publishedWhileFrozen} from the freeze on), ${expectedMWh(devices).size} node totals checked, ` +
        `${((Date.now() - startedMs) / 1000).toFixed(1)} s, seed ${random.seed}`,
    );
    events?.close();
    await watch?.stop();
    for (const d of devices) await d.close();
    if (headless) await killHard(headless.child);
    await broker?.remove();
    dir?.remove();
  });

  it(`/healthz stopped saying "connected" within ${NOTICE_MS / 1000} s of the freeze`, () => {
    expect(streamError).toBeNull();
    expect(noticedMs).not.toBeNull();
    expect(noticedMs).toBeLessThanOrEqual(NOTICE_MS);
  });

  it('was connected and subscribed again after the thaw, and said both in alerts', () => {
    expect(recoveredMs).not.toBeNull();
    const alerts = events?.alerts('broker') ?? [];
    expect(alerts.map((a) => a.severity)).toEqual(['error', 'info']);
    expect(alerts[0]?.message).toMatch(/^Lost the broker/);
    expect(alerts[1]?.message).toMatch(/^Connected to/);
    const statuses = events?.statuses() ?? [];
    expect(statuses[0]).toBe('connected');
    expect(statuses[statuses.length - 1]).toBe('connected');
    expect(statuses.filter((s) => s === 'connected')).toHaveLength(2);
  });

  it('the readings sent into the frozen broker all reached the console', async () => {
    expect(publishedWhileFrozen).toBeGreaterThan(0);
    const read = await messagesRead(headless as Headless, devices);
    expect(read.received).toBeGreaterThanOrEqual(read.published);
    expect(read.rejected).toEqual({});
  });

  it('the HTTP API, the retained aggregates and the SQLite file show exactly the metered energy', () => {
    expect(exact?.api).toEqual([]);
    expect(exact?.aggregates).toEqual([]);
    expect(exact?.stored).toEqual([]);
  });
});
