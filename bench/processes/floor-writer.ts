/**
 * The SQLite half of the two-thread ingest floor (floor-subscriber.ts): a worker thread that
 * inserts the minute rows it is handed, one transaction per batch, and says how many it wrote.
 *
 *   workerData {dbPath}; message Float64Array [channel, minute, units]* → {written}
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openMinuteTable } from './floor-table';

const { insertBatch } = openMinuteTable((workerData as { dbPath: string }).dbPath);
parentPort?.on('message', (rows: Float64Array) => {
  insertBatch(rows, rows.length);
  parentPort?.postMessage({ written: rows.length / 3 });
});
