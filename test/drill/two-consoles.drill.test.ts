/**
 * Fault drill: two built headless consoles (each its own SQLite file, so its own client id) on one
 * real Mosquitto while devices report. Only the holder of the aggregator lease
 * (`kilowatch/_lease/aggregator`, src/main/core/aggregate/aggregator-lease.ts) may publish the
 * aggregates; the other counts everything and stands by. Who published what is read from the
 * broker's own log ("Received PUBLISH from <client id> … '<topic>'"), not from anything the
 * consoles say about themselves. Then the aggregator is killed with SIGKILL: its Last Will empties
 * the lease, the standby claims it and publishes totals equal to the ground truth. Last, the new
 * holder closes gracefully and empties the lease itself.
 *
 * The second console gets the lower client id on purpose: arriving to find the lease held, it must
 * stand by all the same (the lowest id only breaks ties between claims made at once).
 */
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  killHard,
  sleep,
  startConsole,
  until,
  watchAggregates,
  type AggregateWatch,
} from '../support/console-run';
import { Store } from '../../src/main/core/store/store';
import { assertBuilt, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';
import { drillFleet, MinuteStream, type SimDevice } from './support/fleet';
import { drillRng } from './support/prng';
import { aggregateMismatches, baselinesStored, expectedMWh } from './support/readback';

const DEVICES = 4;
const PACE_MS = 250;
/** Readings per device while both run, and after the kill. */
const STEPS_BOTH = 16;
const STEPS_AFTER = 12;
const LEASE_TOPIC = 'kilowatch/_lease/aggregator';
/** The client ids the consoles will use (they keep the one saved in their database). */
const FIRST_ID = 'kilowatch-ffffffffff';
const SECOND_ID = 'kilowatch-0000000000';

/** `/healthz` (open, no login) says whether this console publishes the aggregates. */
async function healthSaysAggregator(h: Headless): Promise<boolean> {
  const body = (await (await fetch(`${h.url}/healthz`)).json()) as { aggregator?: unknown };
  return body.aggregator === true;
}

function seedClientId(dbPath: string, clientId: string): void {
  const opened = Store.open(dbPath);
  if (!opened.ok) throw new Error(opened.error.message);
  const saved = opened.value.saveSetting('client-id', clientId);
  opened.value.close();
  if (!saved.ok) throw new Error(saved.error.message);
}

interface LeaseStats {
  aggregator: boolean;
  lease: { clientId: string; role: string; holder: string | null; since: string | null };
}

/** Client ids that published to an aggregate topic (`kilowatch/…/energy`), with how often, per the broker. */
function aggregatePublishers(log: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of log.matchAll(/Received PUBLISH from (\S+) \([^)]*'(kilowatch\/[^']*\/energy)'/g)) {
    const client = m[1] as string;
    out.set(client, (out.get(client) ?? 0) + 1);
  }
  return out;
}

describe('two consoles on one broker: one aggregator, and a standby that takes over', () => {
  const random = drillRng('two-consoles');
  let broker: Mosquitto | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  let logPath = '';
  let first: Headless | undefined;
  let second: Headless | undefined;
  let firstStats: LeaseStats | undefined;
  let secondStats: LeaseStats | undefined;
  let devices: SimDevice[] = [];
  let watch: AggregateWatch | undefined;
  let leaseWatch: MqttClient | undefined;
  const leaseSeen: Array<{ payload: string; atMs: number }> = [];
  const aggregatesSeenAtMs: number[] = [];
  let beforeKill = new Map<string, number>();
  let afterKill = new Map<string, number>();
  let killedAtMs = 0;
  let takeoverMs = Number.NaN;
  let firstAggregateAfterKillMs = Number.NaN;
  let mismatches: string[] = [];
  let takenOver: LeaseStats | undefined;
  let leaseAfterClose: string | null = null;
  let closeCode: number | null = null;
  let releasedByHolder = false;
  /** `/healthz` aggregator flags: [first, second] while both ran, then the second after the kill. */
  let healthBoth: boolean[] = [];
  let healthAfter = false;

  const brokerLog = () => readFileSync(logPath, 'utf8');

  beforeAll(async () => {
    assertBuilt();
    dir = tempDir('kw-drill-two-');
    // Mosquitto drops root to its own user: its log file must be writable to it.
    chmodSync(dir.path, 0o777);
    logPath = `${dir.path}/mosquitto.log`;
    broker = await startMosquitto(['log_type debug', `log_dest file ${logPath}`]);
    const root = dir.path;
    const brokerUrl = broker.url;
    // Each console its own folder: its database (so its own client id), config and API token.
    const setup = (name: string, clientId: string) => {
      mkdirSync(`${root}/${name}`);
      seedClientId(`${root}/${name}/kw.db`, clientId);
      return { brokerUrl, dbPath: `${root}/${name}/kw.db`, dir: `${root}/${name}` };
    };

    leaseWatch = await mqtt.connectAsync(broker.url, {
      clientId: `kw-lease-watch-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
    });
    leaseWatch.on('message', (topic, payload) => {
      if (topic === LEASE_TOPIC) leaseSeen.push({ payload: payload.toString('utf8'), atMs: Date.now() });
      else if (topic.endsWith('/energy')) aggregatesSeenAtMs.push(Date.now());
    });
    await leaseWatch.subscribeAsync('kilowatch/#', { qos: 1 });

    // The first console takes the free lease; the second finds it held.
    first = await startConsole(setup('a', FIRST_ID));
    const a = first;
    firstStats = await until(
      () => command<LeaseStats>(a, 'stats.get'),
      (s) => s.aggregator,
      10_000,
    );
    second = await startConsole(setup('b', SECOND_ID));
    const b = second;
    secondStats = await until(
      () => command<LeaseStats>(b, 'stats.get'),
      (s) => s.lease.role === 'standby',
      10_000,
    );

    // Both subscribed before the first reading: both count from the same baselines.
    devices = drillFleet(DEVICES, random);
    for (const d of devices) await d.connect(broker.url, false);
    watch = await watchAggregates(broker.url);
    const stream = new MinuteStream(devices, random, STEPS_BOTH + STEPS_AFTER + 5);
    await stream.next();
    await baselinesStored(`${dir.path}/a/kw.db`, devices, 20_000);
    await baselinesStored(`${dir.path}/b/kw.db`, devices, 20_000);
    for (let i = 1; i < STEPS_BOTH; i++) {
      await stream.next();
      await sleep(PACE_MS);
    }
    // The aggregator has published what both counted (its interval is 0.2 s).
    await until(
      async () => aggregateMismatches(watch as AggregateWatch, expectedMWh(devices)),
      (m) => m.length === 0,
      10_000,
    );
    beforeKill = aggregatePublishers(brokerLog());
    healthBoth = [await healthSaysAggregator(a), await healthSaysAggregator(b)];
    const logBeforeKill = brokerLog().length;

    const seenBefore = leaseSeen.length;
    killedAtMs = Date.now();
    await killHard(a.child);
    // The will empties the lease; the standby claims it and publishes everything again.
    const claimed = await until(
      async () =>
        leaseSeen.slice(seenBefore).find((l) => l.payload.includes(secondStats?.lease.clientId ?? '?')),
      (l) => l !== undefined,
      10_000,
    );
    takeoverMs = (claimed?.atMs ?? Number.NaN) - killedAtMs;
    takenOver = await command<LeaseStats>(b, 'stats.get');
    healthAfter = await healthSaysAggregator(b);

    for (let i = 0; i < STEPS_AFTER; i++) {
      await stream.next();
      await sleep(PACE_MS);
    }
    mismatches = await until(
      async () => aggregateMismatches(watch as AggregateWatch, expectedMWh(devices)),
      (m) => m.length === 0,
      10_000,
    );
    afterKill = aggregatePublishers(brokerLog().slice(logBeforeKill));
    // Once the standby has claimed, the old aggregator is long dead: any aggregate is the new one's.
    const claimedAtMs = claimed?.atMs ?? Number.NaN;
    firstAggregateAfterKillMs =
      (aggregatesSeenAtMs.find((at) => at >= claimedAtMs) ?? Number.NaN) - killedAtMs;

    // A graceful close: the holder empties the lease itself (a will would too, but is no PUBLISH
    // received from the client in the broker's log).
    const logBeforeClose = brokerLog().length;
    closeCode = await b.stop('SIGTERM');
    await until(
      async () => leaseSeen.at(-1)?.payload ?? null,
      (p) => p === '',
      10_000,
    );
    leaseAfterClose = leaseSeen.at(-1)?.payload ?? null;
    releasedByHolder = new RegExp(
      `Received PUBLISH from ${SECOND_ID} \\(d0, q1, r1, m\\d+, '${LEASE_TOPIC}', \\.\\.\\. \\(0 bytes\\)\\)`,
    ).test(brokerLog().slice(logBeforeClose));
  }, 120_000);

  afterAll(async () => {
    console.log(
      `[drill] two-consoles: before the kill ${[...beforeKill].map(([c, n]) => `${c} ${n}`).join(', ')} aggregate publications; ` +
        `after it ${[...afterKill].map(([c, n]) => `${c} ${n}`).join(', ')}; lease claimed by the standby ` +
        `${takeoverMs} ms after the kill, its first aggregate ${firstAggregateAfterKillMs} ms after it`,
    );
    await watch?.stop();
    await leaseWatch?.endAsync().catch(() => undefined);
    for (const d of devices) await d.close();
    for (const h of [first, second]) if (h) await killHard(h.child);
    await broker?.stop();
    dir?.remove();
  });

  it('the first holds the lease; the second, though its client id is lower, stands by', () => {
    const a = firstStats as LeaseStats;
    const b = secondStats as LeaseStats;
    expect([a.lease.clientId, b.lease.clientId]).toEqual([FIRST_ID, SECOND_ID]);
    expect(a).toMatchObject({ aggregator: true, lease: { role: 'aggregator', holder: a.lease.clientId } });
    expect(b).toMatchObject({ aggregator: false, lease: { role: 'standby', holder: a.lease.clientId } });
    expect(healthBoth).toEqual([true, false]);
  });

  it('while both ran, only the aggregator published aggregates (per the broker’s log)', () => {
    const a = firstStats?.lease.clientId as string;
    expect([...beforeKill.keys()]).toEqual([a]);
    expect(beforeKill.get(a)).toBeGreaterThan(0);
  });

  it('killed -9, its will emptied the lease and the standby claimed it within a second', () => {
    const b = secondStats?.lease.clientId as string;
    const afterKill = leaseSeen.filter((l) => l.atMs >= killedAtMs);
    expect(afterKill[0]?.payload).toBe('');
    expect(JSON.parse(afterKill[1]?.payload ?? '{}')).toMatchObject({ clientId: b });
    expect(takeoverMs).toBeLessThan(1_000);
    // It publishes at its next interval (0.2 s) after claiming.
    expect(firstAggregateAfterKillMs).toBeLessThan(2_000);
    expect(takenOver).toMatchObject({ aggregator: true, lease: { role: 'aggregator', holder: b } });
    expect(healthAfter).toBe(true);
  });

  it('after the kill only the new aggregator published, and its totals equal the ground truth', () => {
    const b = secondStats?.lease.clientId as string;
    expect([...afterKill.keys()]).toEqual([b]);
    expect(mismatches).toEqual([]);
  });

  it('closed gracefully, the holder emptied the lease itself', () => {
    expect(closeCode).toBe(0);
    expect(leaseAfterClose).toBe('');
    expect(releasedByHolder).toBe(true);
  });
});
