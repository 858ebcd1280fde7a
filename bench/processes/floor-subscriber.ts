/**
 * The floor under ingest (issue #4): a subscriber that does only what no ingest pipeline can skip
 * for this stream. mqtt.js receives, JSON.parse, each channel's `aenergy.total` becomes a delta
 * against the channel's last one, and every delta is stored as a minute row in SQLite, 5,000
 * readings per transaction as the core's writer batches them. No validation, no energy rules, no
 * rollups, totals, counter state or ledger. It shows how much of the bare client's rate is left
 * once the minutes are stored at all, so the core's ratio can be read against it.
 *
 *   thread false   the inserts run on the MQTT thread, as the core's do;
 *   thread true    they run on a worker thread (floor-writer.ts), handed over as transferred
 *                  Float64Arrays, so receiving and storing overlap on two cores.
 *
 *   start {url, filter, expected, expectedUnits, dbPath, floor: {thread, key}}
 *     → ready, done {firstAt, doneAt, count, storedUnits}
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { nowMs, reply, serve } from '../lib/child-side';
import { connectSubscriber } from '../lib/subscriber-session';
import { openMinuteTable, type MinuteKey } from './floor-table';

const BATCH_READINGS = 5000;
const UNITS_PER_MWH = 60;

interface Frame {
  params?: Record<string, { aenergy?: { total?: number; minute_ts?: number } } | number>;
}

serve(async (message) => {
  if (message.type !== 'start') throw new Error(`floor-subscriber: unknown message ${message.type}`);
  const expected = message.expected as number;
  const dbPath = message.dbPath as string;
  const floor = message.floor as { thread: boolean; key: MinuteKey };
  const isThreaded = floor.thread;
  const table = openMinuteTable(dbPath, floor.key);

  // A worker does not inherit the parent's tsx loader: it registers tsx itself, then loads the
  // TypeScript file.
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(resolve(__dirname, 'floor-writer.ts'))});`;
  const worker = isThreaded ? new Worker(boot, { eval: true, workerData: { dbPath } }) : null;
  let written = 0;
  let sent = 0;
  let onWritten = (): void => {};
  worker?.on('message', (m: { written: number }) => {
    written += m.written;
    onWritten();
  });
  worker?.on('error', (e) => {
    throw e;
  });

  const channels = new Map<string, number>();
  let lastMwh = new Float64Array(1024);
  const rows = new Float64Array(BATCH_READINGS * 3);
  let length = 0;
  const flush = (): void => {
    if (length === 0) return;
    if (worker) {
      const batch = rows.subarray(0, length).slice();
      sent += length / 3;
      worker.postMessage(batch, [batch.buffer]);
    } else {
      table.insertBatch(rows, length);
      written += length / 3;
    }
    length = 0;
  };

  const client = await connectSubscriber(message.url as string, 'floor');
  let count = 0;
  let firstAt = 0;
  const finished = new Promise<void>((done) => {
    client.on('message', (topic, payload) => {
      if (count === 0) firstAt = nowMs();
      const params = (JSON.parse(payload.toString()) as Frame).params ?? {};
      for (const key in params) {
        const energy = (params[key] as { aenergy?: { total?: number; minute_ts?: number } }).aenergy;
        if (energy?.total === undefined || energy.minute_ts === undefined) continue;
        const channelKey = `${topic}|${key}`;
        let channel = channels.get(channelKey);
        if (channel === undefined) {
          channel = channels.size + 1;
          channels.set(channelKey, channel);
          if (channel >= lastMwh.length) {
            const grown = new Float64Array(lastMwh.length * 2);
            grown.set(lastMwh);
            lastMwh = grown;
          }
        }
        const mwh = Math.round(energy.total * 1000);
        const previous = lastMwh[channel] as number;
        lastMwh[channel] = mwh;
        // The first reading of a channel is its baseline, as in the core.
        if (previous === 0) continue;
        rows[length] = channel;
        rows[length + 1] = Math.floor(energy.minute_ts / 60);
        rows[length + 2] = (mwh - previous) * UNITS_PER_MWH;
        length += 3;
        if (length === rows.length) flush();
      }
      count++;
      if (count === expected) {
        flush();
        if (!worker || written === sent) done();
        else onWritten = () => written === sent && done();
      }
    });
  });
  await client.subscribeAsync(message.filter as string, { qos: 1 });
  reply({ type: 'ready' });
  await finished;
  const doneAt = nowMs();
  await worker?.terminate();
  await client.endAsync();
  const storedUnits = table.sumUnits();
  table.close();
  reply({ type: 'done', firstAt, doneAt, count, storedUnits });
});
