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
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiTotals,
  command,
  killHard,
  sleep,
  startConsole,
  until,
  watchAggregates,
  type AggregateWatch,
} from '../support/console-run';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { assertBuilt, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

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

let mosq: Mosquitto | undefined;
let dir: ReturnType<typeof tempDir> | undefined;
const consoles: Headless[] = [];
let publisher: MqttClient | undefined;
let aggregates: AggregateWatch | undefined;
/** The console that is running now. */
const current = (): Headless => consoles[consoles.length - 1] as Headless;

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
  let journalAtKill = 0;

  beforeAll(async () => {
    assertBuilt();
    mosq = await startMosquitto();
    dir = tempDir('kw-kill9-');
    const setup = { brokerUrl: mosq.url, dbPath: `${dir.path}/kw.db`, dir: dir.path };
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

    consoles.push(await startConsole(setup));
    for (let i = 0; i < KILL_AT; i++) await publish(i);
    // The baselines must be on disk before the crash (they are committed within 250 ms): a baseline
    // lost with the process would make the next reading the baseline, which is the rules' job, not
    // a crash-safety failure. Everything after it may be in flight when the process dies.
    const beforeKill = await until(
      () => apiTotals(current()),
      (t) => METERS.every((m) => (t.get(`device:${m.prefix}`)?.energyWh ?? 0) > 0),
      10_000,
    );
    if (!METERS.every((m) => (beforeKill?.get(`device:${m.prefix}`)?.energyWh ?? 0) > 0)) {
      throw new Error(`the console counted nothing before the kill:\n${current().output()}`);
    }
    await sleep(300);
    await killHard(current().child);
    expect(current().child.signalCode).toBe('SIGKILL');
    // Killed within seconds of starting: its rollup increments are still in the journal, so the
    // restart below has to replay them (the history check at every resolution proves it did).
    const crashed = new Database(setup.dbPath, { readonly: true, fileMustExist: true });
    journalAtKill = (crashed.prepare('SELECT count(*) AS n FROM rollup_journal').get() as { n: number }).n;
    crashed.close();

    for (let i = KILL_AT; i < KILL_AT + WHILE_DOWN; i++) await publish(i);
    consoles.push(await startConsole(setup));
    for (let i = KILL_AT + WHILE_DOWN; i < READINGS; i++) await publish(i);

    await until(
      () => apiTotals(current()),
      (t) => METERS.every((m) => t.get(`device:${m.prefix}`)?.energyWh === expectedWh(m)),
      15_000,
    );

    aggregates = await watchAggregates(mosq.url);
    // All aggregates of one interval are published together, but may arrive a few ms apart.
    const wanted: Array<[string, number]> = [
      ...METERS.map((m): [string, number] => [`kilowatch/${m.prefix}/energy`, expectedWh(m)]),
      ['kilowatch/Site/Office/Room1/energy', ROOM_WH],
      ['kilowatch/Site/Office/energy', ROOM_WH],
      ['kilowatch/Site/energy', ROOM_WH],
    ];
    await until(
      async () => wanted.every(([topic, wh]) => aggregates?.latest.get(topic)?.energyWh === wh),
      (isDone) => isDone,
      10_000,
    );
  }, 90_000);

  afterAll(async () => {
    await publisher?.endAsync().catch(() => undefined);
    await aggregates?.stop();
    for (const c of consoles) await killHard(c.child);
    await mosq?.stop();
    dir?.remove();
  });

  it('the HTTP API reports exactly the rises after each device’s first reading', async () => {
    const totals = await apiTotals(current());
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
      expect(aggregates?.latest.get(`kilowatch/${m.prefix}/energy`)?.energyWh, m.prefix).toBe(expectedWh(m));
    }
    expect(aggregates?.latest.get('kilowatch/Site/Office/Room1/energy')?.energyWh).toBe(ROOM_WH);
    expect(aggregates?.latest.get('kilowatch/Site/Office/energy')?.energyWh).toBe(ROOM_WH);
    expect(aggregates?.latest.get('kilowatch/Site/energy')?.energyWh).toBe(ROOM_WH);
  });

  it('the broker replayed to the restarted console what arrived while it was down (persistent session)', async () => {
    const { received } = await command<{ received: number }>(current(), 'stats.get');
    // Without the session only the readings published after the restart would arrive.
    expect(received).toBeGreaterThanOrEqual(METERS.length * (READINGS - KILL_AT));
  });

  it('history agrees with the totals at every resolution, and no minute is booked twice', async () => {
    expect(journalAtKill, 'rollup journal rows left by the killed console').toBeGreaterThan(0);
    for (const resolution of ['minute', 'hour', 'day', 'month']) {
      const { points } = await command<{ points: Array<{ energyWh: number }> }>(current(), 'history.query', {
        node: 'room:Site/Office/Room1',
        from: '2000-01-01T00:00:00Z',
        to: '2100-01-01T00:00:00Z',
        resolution,
      });
      const sum = points.reduce((s, p) => s + p.energyWh, 0);
      expect(Math.round(sum * 1000) / 1000, resolution).toBe(ROOM_WH);
    }
    const db = new Database(`${dir?.path}/kw.db`, { readonly: true, fileMustExist: true });
    const duplicates = db
      .prepare(
        'SELECT channel_id, minute, count(*) AS n FROM energy_minute_all GROUP BY channel_id, minute HAVING n > 1',
      )
      .all();
    db.close();
    expect(duplicates).toEqual([]);
  });

  it('the restarted console is the one that counted the end of the stream', () => {
    const [first, second] = consoles;
    expect(first?.child.signalCode).toBe('SIGKILL');
    expect(second?.child.exitCode).toBeNull();
    expect(second?.child.signalCode).toBeNull();
  });
});
