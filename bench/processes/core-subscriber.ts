/**
 * The subject for ingest: the real pipeline (openConsole on a temp SQLite file, .connect() to the
 * broker, mqtt.js → decode → energy → batch → totals), timed until `stats.applied` reaches the
 * expected count and `writer.flush()` has committed the rest. Then, untimed, it proves the work
 * was right: the company total in the store and in the published aggregate equal the energy the
 * fleet generator says it sent.
 *
 * Batches are committed on the batch writer's thread (out/main/store-writer.js, built by
 * `npm run bench`), as the console does in Electron and headless: timing inline commits would
 * measure a pipeline the product no longer runs.
 *
 *   start {url, filter, expected, expectedUnits, dbPath}
 *     → ready, done {firstAt, doneAt, applied, received}, verified {storeWh, publishedWh, isExact}
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { ConnectionProfile } from '../../src/shared/contract';
import { openConsole } from '../../src/main/core/open-console';
import { STORE_WRITER_ENTRY } from '../../src/main/core/store/commit-thread';
import { nodeId } from '../../src/main/core/site/placement';
import { nowMs, reply, serve } from '../lib/child-side';
import { BENCH_COMPANY } from '../lib/shelly-fleet';

const OUT_PREFIX = 'kilowatch';
const UNITS_PER_WH = 60_000;
const STALL_MS = 30_000;

async function readRetained(url: string, topic: string): Promise<Record<string, unknown>> {
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 });
  try {
    const received = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no retained message on ${topic}`)), 5000);
      client.on('message', (_t, payload) => {
        clearTimeout(timer);
        resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
      });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    return await received;
  } finally {
    await client.endAsync();
  }
}

serve(async (message) => {
  if (message.type !== 'start') throw new Error(`core-subscriber: unknown message ${message.type}`);
  const url = message.url as string;
  const expected = message.expected as number;
  const opened = openConsole({
    dbPath: message.dbPath as string,
    outPrefix: OUT_PREFIX,
    publishIntervalS: 15,
    commitThreadPath: join(__dirname, '..', '..', 'out', 'main', STORE_WRITER_ENTRY),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  await core.writer.ready();
  const profile: ConnectionProfile = {
    name: 'bench',
    url,
    protocolVersion: 4,
    keepaliveS: 30,
    subscribe: [message.filter as string],
  };
  const failure = await core.connect(profile);
  if (failure) throw new Error(`connect: ${failure.message}`);
  reply({ type: 'ready' });

  // Polled, not hooked: the pipeline runs exactly as in production. A 1 ms timer only runs
  // between socket reads, so it adds at most one read's worth of delay to the finish time.
  const { stats } = core;
  let firstAt = 0;
  let lastProgressAt = Date.now();
  let lastApplied = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (firstAt === 0 && stats.received > 0) firstAt = nowMs();
      if (stats.applied >= expected) {
        clearInterval(timer);
        resolve();
        return;
      }
      if (stats.applied !== lastApplied) {
        lastApplied = stats.applied;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > STALL_MS) {
        clearInterval(timer);
        const rejected = JSON.stringify(Object.fromEntries(stats.rejected));
        reject(
          new Error(`stalled: received ${stats.received}, applied ${stats.applied}, rejected ${rejected}`),
        );
      }
    }, 1);
  });
  if (!core.writer.flush()) throw new Error(`commit failed: ${core.writer.lastError?.message}`);
  const doneAt = nowMs();
  reply({ type: 'done', firstAt, doneAt, applied: stats.applied, received: stats.received });

  const company = nodeId.company({ company: BENCH_COMPANY });
  const storeUnits = store.loadTotals().find((t) => t.node === company)?.energyUnits ?? Number.NaN;
  await core.publishAggregates();
  const published = await readRetained(url, `${OUT_PREFIX}/${BENCH_COMPANY}/energy`);
  const expectedUnits = message.expectedUnits as number;
  const expectedWh = Math.round((expectedUnits / UNITS_PER_WH) * 1000) / 1000;
  const publishedWh = Number(published.energyWh);
  await core.close();
  store.close();
  reply({
    type: 'verified',
    storeWh: storeUnits / UNITS_PER_WH,
    publishedWh,
    expectedWh,
    isExact: storeUnits === expectedUnits && Math.abs(publishedWh - expectedWh) < 0.0015,
    rejected: Object.fromEntries(stats.rejected),
  });
});
