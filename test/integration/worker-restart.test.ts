/**
 * The core on its worker thread (issue #15): the built headless console counts two Plus 1PM
 * devices from a real Mosquitto; in the middle of the stream its counting engine dies as an
 * uncaught bug would (SIGUSR2, listened for only with KILOWATCH_TEST_HOOKS=1). The process and
 * its bridge stay up, the engine is started again on the same database and reconnected, the
 * totals end exact, and an alert that stays says what happened — live on the event stream too.
 *
 * Needs the build: `npx electron-vite build` (npm test builds before running vitest).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RESTART_ALERT_MESSAGE } from '../../src/main/worker/core-host';
import { apiTotals, command, killHard, sleep, until } from '../support/console-run';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { assertBuilt, sessionCookie, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

const READINGS = 40; // per device
const CRASH_AT = 20; // index of the first reading published after the crash
const PACE_MS = 15;

interface Meter {
  prefix: string;
  src: string;
  startMWh: number;
  rise: (i: number) => number;
}

const METERS: Meter[] = [
  { prefix: 'Site/Office/Room1/Dev1', src: plus1pmId(1), startMWh: 5_000_123, rise: (i) => 1_000 + 37 * i },
  {
    prefix: 'Site/Office/Room1/Dev2',
    src: plus1pmId(2),
    startMWh: 77_000,
    rise: (i) => 2_500 + ((i * 11) % 97),
  },
];

/** Wh per device: every rise after the first (baseline) reading. */
const expectedWh = (m: Meter): number => {
  let mWh = 0;
  for (let i = 1; i < READINGS; i++) mWh += m.rise(i);
  return mWh / 1000;
};
const ROOM_WH = Math.round(METERS.reduce((a, m) => a + expectedWh(m) * 1000, 0)) / 1000;

function reading(m: Meter, i: number, firstMinuteS: number): { topic: string; payload: string } {
  let total = m.startMWh;
  for (let k = 1; k <= i; k++) total += m.rise(k);
  const minuteTsS = firstMinuteS + 60 * i;
  return {
    topic: `${m.prefix}/events/rpc`,
    payload: notifyStatus(m.src, m.prefix, { tsS: minuteTsS + 0.41, minuteTsS, totalMWh: total }),
  };
}

interface AlertEvent {
  event: string;
  payload: { kind: string; message: string; count: number };
}

interface LiveEvent {
  event: 'totals.live';
  payload: { seq: number };
}

interface StateEvent {
  event: 'connection.state';
  payload: { status: string };
}

let mosq: Mosquitto | undefined;
let dir: ReturnType<typeof tempDir> | undefined;
let headless: Headless | undefined;
let publisher: MqttClient | undefined;
let events: WebSocket | undefined;
const heard: AlertEvent[] = [];
/** The broker status of every connection.state event the page was sent. */
const statuses: string[] = [];
/** Each totals.live push's seq, and whether the engine had died before it ('reconnecting'). */
const pushes: Array<{ seq: number; isAfterCrash: boolean }> = [];
let pidBefore: number | undefined;

describe('the counting engine dies mid-stream; the console restarts it and stays exact', () => {
  beforeAll(async () => {
    assertBuilt();
    mosq = await startMosquitto();
    dir = tempDir('kw-worker-restart-');
    const config = join(dir.path, 'kilowatch.toml');
    writeFileSync(config, '[site]\ntimezone = "UTC"\n');
    headless = await startHeadless(
      [
        ...['--config', config, '--broker', mosq.url, '--db', join(dir.path, 'kw.db'), '--port', '0'],
        ...['--publish-interval', '0.2', '--subscribe', 'Site/#'],
      ],
      {
        KILOWATCH_TEST_HOOKS: '1',
        KILOWATCH_BROKER_PASSWORD: undefined,
        KILOWATCH_BROKER_USERNAME: undefined,
      },
    );
    pidBefore = headless.child.pid;
    const cookie = await sessionCookie(headless.url);
    events = new WebSocket(`${headless.url.replace(/^http/, 'ws')}/api/events`, { headers: { cookie } });
    events.on('message', (d: Buffer) => {
      const message = JSON.parse(d.toString()) as AlertEvent | StateEvent | LiveEvent;
      if (message.event === 'alert') heard.push(message as AlertEvent);
      if (message.event === 'connection.state') statuses.push((message as StateEvent).payload.status);
      if (message.event === 'totals.live')
        pushes.push({
          seq: (message as LiveEvent).payload.seq,
          isAfterCrash: statuses.includes('reconnecting'),
        });
    });
    await new Promise((resolve, reject) => events?.once('open', resolve).once('error', reject));

    publisher = await mqtt.connectAsync(mosq.url, {
      clientId: `kw-worker-restart-pub-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
    });
    const firstMinuteS = Math.floor(Date.now() / 60_000) * 60 - 60 * (READINGS + 5);
    const publish = async (i: number) => {
      for (const m of METERS) {
        const r = reading(m, i, firstMinuteS);
        await publisher?.publishAsync(r.topic, r.payload, { qos: 1 });
      }
      await sleep(PACE_MS);
    };

    for (let i = 0; i < CRASH_AT; i++) await publish(i);
    // The baselines must be committed before the crash; everything after may be in flight.
    const counted = await until(
      () => apiTotals(headless as Headless),
      (t) => METERS.every((m) => (t.get(`device:${m.prefix}`)?.energyWh ?? 0) > 0),
      10_000,
    );
    if (!METERS.every((m) => (counted?.get(`device:${m.prefix}`)?.energyWh ?? 0) > 0))
      throw new Error(`nothing counted before the crash:\n${headless.output()}`);

    headless.child.kill('SIGUSR2');
    // The rest of the stream goes out at once: part of it reaches the dying engine, part the
    // broker's persistent session while no engine is connected.
    for (let i = CRASH_AT; i < READINGS; i++) await publish(i);

    await until(
      () => apiTotals(headless as Headless),
      (t) => METERS.every((m) => t.get(`device:${m.prefix}`)?.energyWh === expectedWh(m)),
      20_000,
    );
  }, 90_000);

  afterAll(async () => {
    events?.terminate();
    await publisher?.endAsync().catch(() => undefined);
    if (headless) await killHard(headless.child);
    await mosq?.stop();
    dir?.remove();
  });

  it('the engine really died and was started again, in the same process', () => {
    const output = headless?.output() ?? '';
    expect(output).toContain('crash requested by a test (KILOWATCH_TEST_HOOKS=1)');
    expect(output).toContain('the counting engine stopped (exit code 1); starting it again');
    expect(headless?.child.exitCode).toBe(null);
    expect(headless?.child.pid).toBe(pidBefore);
  });

  it('every device and the room end with exactly the energy metered after the first reading', async () => {
    const totals = await apiTotals(headless as Headless);
    for (const m of METERS) expect(totals.get(`device:${m.prefix}`)?.energyWh, m.prefix).toBe(expectedWh(m));
    for (const id of ['room:Site/Office/Room1', 'office:Site/Office', 'company:Site'])
      expect(totals.get(id)?.energyWh, id).toBe(ROOM_WH);
  });

  it('the restarted engine numbers its totals.live pushes on from the last one consoles heard', async () => {
    // A snapshot pushes what changed first: the new engine's first push, if the timer has not yet.
    const snapshot = await command<{ seq: number }>(headless as Headless, 'totals.get', {});
    await until(
      async () => pushes.filter((p) => p.isAfterCrash).length,
      (n) => n > 0,
      5_000,
    );
    const before = pushes.filter((p) => !p.isAfterCrash).map((p) => p.seq);
    const after = pushes.filter((p) => p.isAfterCrash).map((p) => p.seq);
    expect(before.length).toBeGreaterThan(0);
    // One stream, one order: a snapshot of the new engine never ranks below a push of the old one.
    const seqs = [...before, ...after];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(after[0]).toBe((before.at(-1) as number) + 1);
    expect(snapshot.seq).toBeGreaterThanOrEqual(after[0] as number);
  });

  it('history agrees with the totals: nothing lost, nothing booked twice', async () => {
    const { points } = await command<{ points: Array<{ energyWh: number }> }>(
      headless as Headless,
      'history.query',
      {
        node: 'room:Site/Office/Room1',
        from: '2000-01-01T00:00:00Z',
        to: '2100-01-01T00:00:00Z',
        resolution: 'minute',
      },
    );
    const sum = points.reduce((s, p) => s + p.energyWh, 0);
    expect(Math.round(sum * 1000) / 1000).toBe(ROOM_WH);
  });

  it('an alert that stays says the engine restarted, and open consoles heard it live', async () => {
    const { alerts } = await command<{ alerts: Array<{ kind: string; message: string; count: number }> }>(
      headless as Headless,
      'alerts.query',
      { kinds: ['engine'] },
    );
    expect(alerts.map((a) => [a.kind, a.message, a.count])).toEqual([['engine', RESTART_ALERT_MESSAGE, 1]]);
    const live = heard.filter((e) => e.payload.kind === 'engine');
    expect(live.map((e) => e.payload.message)).toEqual([RESTART_ALERT_MESSAGE]);
  });

  it('the restarted engine is connected to the broker again and answers health', async () => {
    const res = await fetch(`${headless?.url}/healthz`);
    const health = (await res.json()) as { broker: string; subscribed: boolean; db: string };
    expect([res.status, health.broker, health.subscribed, health.db]).toEqual([200, 'connected', true, 'ok']);
    // The page saw the broker go while the engine was down, and come back.
    const gone = statuses.indexOf('reconnecting');
    expect(statuses[0]).toBe('connected');
    expect(gone).toBeGreaterThan(0);
    expect(statuses.slice(gone).at(-1)).toBe('connected');
  });
});
