/**
 * Crash safety end to end (ARCHITECTURE.md §7, PROTOCOL.md §6 rule 14): the built headless console
 * (out/main/headless.js) counts two Plus 1PM devices from a real Mosquitto, is killed with SIGKILL
 * in the middle of the stream, misses more readings while it is down (its persistent session
 * queues them), is started again on the same database, and ends with exactly the energy the
 * devices metered after their first reading — read back both from the HTTP API and from the
 * retained aggregates it publishes. Nothing lost, nothing counted twice.
 *
 * Needs the build: `npx electron-vite build` (npm test builds before running vitest).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

const HEADLESS = resolve(__dirname, '../../out/main/headless.js');
const READINGS = 40; // per device
const KILL_AT = 20; // index of the first reading published after the kill
const WHILE_DOWN = 8; // readings published while the console is down
const PACE_MS = 15;

interface Meter {
  prefix: string;
  src: string;
  startMWh: number;
  /** Rise before reading i (i ≥ 1), mWh. */
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

/** Wh the console must end with per device: every rise after the first (baseline) reading. */
const expectedWh = (m: Meter): number => {
  let mWh = 0;
  for (let i = 1; i < READINGS; i++) mWh += m.rise(i);
  return mWh / 1000;
};
const ROOM_WH = Math.round(METERS.reduce((a, m) => a + expectedWh(m) * 1000, 0)) / 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let mosq: Mosquitto | undefined;
let dir: ReturnType<typeof tempDir> | undefined;
const children: ChildProcess[] = [];
let publisher: MqttClient | undefined;
let reader: MqttClient | undefined;
let apiBase = '';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the headless console and resolves when it prints its address. */
function startConsole(brokerUrl: string, dbPath: string): Promise<Started> {
  const env = { ...process.env };
  delete env.KILOWATCH_BROKER_PASSWORD;
  delete env.KILOWATCH_BROKER_USERNAME;
  const child = spawn(
    process.execPath,
    [
      HEADLESS,
      '--broker',
      brokerUrl,
      '--db',
      dbPath,
      '--port',
      '0',
      '--publish-interval',
      '0.2',
      '--subscribe',
      'Site/#',
    ],
    // Its own folder as cwd, so no kilowatch.toml lying around is picked up.
    { cwd: dir?.path, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the console did not start within 20 s:\n${out}`)),
      20_000,
    );
    const onData = () => {
      const m = /Kilowatch is running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolveStart({ child, url: m[1] as string, output: () => out });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the console exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

async function api<T>(command: string): Promise<T> {
  const res = await fetch(`${apiBase}/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${command}: ${body.error?.message}`);
  return body.value as T;
}

type Totals = Map<string, { energyWh: number; returnedWh: number }>;

async function apiTotals(): Promise<Totals> {
  const tree = await api<{
    nodes: unknown[];
    totals: Array<{ id: string; energyWh: number; returnedWh: number }>;
  }>('site.tree');
  return new Map(tree.totals.map((t) => [t.id, t]));
}

/** Polls until `check` passes or the time is up; returns the last value either way. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && check(v)) return v;
    if (Date.now() > deadline) return v as T;
    await sleep(100);
  }
}

function reading(m: Meter, i: number, firstMinuteS: number): { topic: string; payload: string } {
  let total = m.startMWh;
  for (let k = 1; k <= i; k++) total += m.rise(k);
  // Every message is a new minute; the keys are in the recent past, so the device clock is trusted.
  const minuteTsS = firstMinuteS + 60 * i;
  return {
    topic: `${m.prefix}/events/rpc`,
    payload: notifyStatus(m.src, m.prefix, { tsS: minuteTsS + 0.41, minuteTsS, totalMWh: total }),
  };
}

describe('kill -9 in the middle of a stream, then restart on the same database', () => {
  const retained = new Map<string, { energyWh: number }>();
  let journalAtKill = 0;

  beforeAll(async () => {
    if (!existsSync(HEADLESS))
      throw new Error(`${HEADLESS} is missing: run \`npx electron-vite build\` first.`);
    mosq = await startMosquitto();
    dir = tempDir('kw-kill9-');
    const dbPath = `${dir.path}/kw.db`;
    publisher = await mqtt.connectAsync(mosq.url, {
      clientId: `kw-kill9-pub-${process.pid}`,
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

    let current = await startConsole(mosq.url, dbPath);
    apiBase = current.url;
    for (let i = 0; i < KILL_AT; i++) await publish(i);
    // The baselines must be on disk before the crash (they are committed within 250 ms): a baseline
    // lost with the process would make the next reading the baseline, which is the rules' job, not
    // a crash-safety failure. Everything after it may be in flight when the process dies.
    const beforeKill = await until(
      apiTotals,
      (t) => METERS.every((m) => (t.get(`device:${m.prefix}`)?.energyWh ?? 0) > 0),
      10_000,
    );
    if (!METERS.every((m) => (beforeKill?.get(`device:${m.prefix}`)?.energyWh ?? 0) > 0)) {
      throw new Error(`the console counted nothing before the kill:\n${current.output()}`);
    }
    await sleep(300);
    await killHard(current.child);
    expect(current.child.signalCode).toBe('SIGKILL');
    // Killed within seconds of starting: its rollup increments are still in the journal, so the
    // restart below has to replay them (the history check at every resolution proves it did).
    const crashed = new Database(dbPath, { readonly: true, fileMustExist: true });
    journalAtKill = (crashed.prepare('SELECT count(*) AS n FROM rollup_journal').get() as { n: number }).n;
    crashed.close();

    for (let i = KILL_AT; i < KILL_AT + WHILE_DOWN; i++) await publish(i);
    current = await startConsole(mosq.url, dbPath);
    apiBase = current.url;
    for (let i = KILL_AT + WHILE_DOWN; i < READINGS; i++) await publish(i);

    await until(
      apiTotals,
      (t) => METERS.every((m) => t.get(`device:${m.prefix}`)?.energyWh === expectedWh(m)),
      15_000,
    );

    reader = await mqtt.connectAsync(mosq.url, {
      clientId: `kw-kill9-reader-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
    });
    reader.on('message', (topic, payload) => {
      try {
        retained.set(topic, JSON.parse(payload.toString('utf8')) as { energyWh: number });
      } catch {
        retained.set(topic, { energyWh: NaN });
      }
    });
    await reader.subscribeAsync('kilowatch/#', { qos: 1 });
    // All aggregates of one interval are published together, but may arrive a few ms apart.
    const wanted: Array<[string, number]> = [
      ...METERS.map((m): [string, number] => [`kilowatch/${m.prefix}/energy`, expectedWh(m)]),
      ['kilowatch/Site/Office/Room1/energy', ROOM_WH],
      ['kilowatch/Site/Office/energy', ROOM_WH],
      ['kilowatch/Site/energy', ROOM_WH],
    ];
    await until(
      async () => wanted.every(([topic, wh]) => retained.get(topic)?.energyWh === wh),
      (isDone) => isDone,
      10_000,
    );
  }, 90_000);

  afterAll(async () => {
    await publisher?.endAsync().catch(() => undefined);
    await reader?.endAsync().catch(() => undefined);
    for (const child of children) await killHard(child);
    await mosq?.stop();
    dir?.remove();
  });

  it('the HTTP API reports exactly the rises after each device’s first reading', async () => {
    const totals = await apiTotals();
    for (const m of METERS) {
      expect(totals.get(`device:${m.prefix}`)?.energyWh, m.prefix).toBe(expectedWh(m));
      expect(totals.get(`channel:${m.prefix}|switch:0`)?.energyWh, m.prefix).toBe(expectedWh(m));
    }
    for (const id of ['room:Site/Office/Room1', 'office:Site/Office', 'company:Site']) {
      expect(totals.get(id)?.energyWh, id).toBe(ROOM_WH);
      expect(totals.get(id)?.returnedWh, id).toBe(0);
    }
  });

  it('the retained aggregates on kilowatch/# carry the same exact totals', () => {
    for (const m of METERS) {
      expect(retained.get(`kilowatch/${m.prefix}/energy`)?.energyWh, m.prefix).toBe(expectedWh(m));
    }
    expect(retained.get('kilowatch/Site/Office/Room1/energy')?.energyWh).toBe(ROOM_WH);
    expect(retained.get('kilowatch/Site/Office/energy')?.energyWh).toBe(ROOM_WH);
    expect(retained.get('kilowatch/Site/energy')?.energyWh).toBe(ROOM_WH);
  });

  it('the broker replayed to the restarted console what arrived while it was down (persistent session)', async () => {
    const { received } = await api<{ received: number }>('stats.get');
    // Without the session only the readings published after the restart would arrive.
    expect(received).toBeGreaterThanOrEqual(METERS.length * (READINGS - KILL_AT));
  });

  it('history agrees with the totals at every resolution, and no minute is booked twice', async () => {
    expect(journalAtKill, 'rollup journal rows left by the killed console').toBeGreaterThan(0);
    for (const resolution of ['minute', 'hour', 'day', 'month']) {
      const res = await fetch(`${apiBase}/api/history.query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          node: 'room:Site/Office/Room1',
          from: '2000-01-01T00:00:00Z',
          to: '2100-01-01T00:00:00Z',
          resolution,
        }),
      });
      const body = (await res.json()) as { ok: boolean; value: { points: Array<{ energyWh: number }> } };
      expect(body.ok, resolution).toBe(true);
      const sum = body.value.points.reduce((s, p) => s + p.energyWh, 0);
      expect(Math.round(sum * 1000) / 1000, resolution).toBe(ROOM_WH);
    }
    const db = new Database(`${dir?.path}/kw.db`, { readonly: true, fileMustExist: true });
    const duplicates = db
      .prepare(
        'SELECT channel_id, minute, count(*) AS n FROM energy_minute GROUP BY channel_id, minute HAVING n > 1',
      )
      .all();
    db.close();
    expect(duplicates).toEqual([]);
  });

  it('the restarted console is the one that counted the end of the stream', () => {
    const [first, second] = children;
    expect(first?.signalCode).toBe('SIGKILL');
    expect(second?.exitCode).toBeNull();
    expect(second?.signalCode).toBeNull();
  });
});
