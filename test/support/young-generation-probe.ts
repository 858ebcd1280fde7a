/**
 * Run in a process of its own by test/integration/young-generation.test.ts: sizes the young
 * generations as one of the console's set-ups does (the mode is the first argument), starts a
 * worker, makes both threads allocate the way ingest does (many objects, a batch of them alive at
 * a time) and prints each thread's new space in bytes, the main thread's also before anything.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import {
  holdMainYoungGeneration,
  releaseMainYoungGeneration,
  sizeWorkerYoungGeneration,
  WRITER_SEMI_SPACE_MB,
} from '../../src/main/worker/young-generation';

// Plain JavaScript, so the worker needs no loader; the same allocation on either thread.
const CHURN = `
  let batch = [];
  for (let i = 0; i < 3e6; i++) {
    batch.push({ channel: i, energy: 'e' + i });
    if (batch.length > 200000) batch = [];
  }
`;
const newSpaceBytes = (): number =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? -1;

const mode = process.argv[2] ?? 'default';

/** Starts a worker that churns, then reports its new space (bytes). */
const churnedWorker = (): Promise<{ worker: Worker; bytes: number }> => {
  const worker = new Worker(
    `${CHURN}
     const { getHeapSpaceStatistics } = require('node:v8');
     require('node:worker_threads').parentPort.postMessage(
       getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`,
    { eval: true },
  );
  return new Promise((resolve) => worker.once('message', (bytes: number) => resolve({ worker, bytes })));
};

/** The engine's worker sized first, then the batch writer's size set before it starts (commit-thread.ts). */
async function probeWriter(): Promise<void> {
  sizeWorkerYoungGeneration();
  const core = await churnedWorker();
  sizeWorkerYoungGeneration(WRITER_SEMI_SPACE_MB);
  const writer = await churnedWorker();
  process.stdout.write(JSON.stringify({ core: core.bytes, writer: writer.bytes }));
  await Promise.all([core.worker.terminate(), writer.worker.terminate()]);
}

async function probeMainAndWorker(): Promise<void> {
  // What the main thread already grew to before the console sizes anything (tsx's start-up).
  const mainBefore = newSpaceBytes();
  if (mode !== 'default') holdMainYoungGeneration(); // as serve.ts does, first
  if (mode === 'sized') sizeWorkerYoungGeneration();
  const { worker, bytes } = await churnedWorker();
  if (mode === 'sized') holdMainYoungGeneration(); // as core-host.ts does once the worker is up
  if (mode === 'released') releaseMainYoungGeneration(); // KILOWATCH_CORE=main-thread
  new Function(CHURN)();
  process.stdout.write(JSON.stringify({ mainBefore, main: newSpaceBytes(), worker: bytes }));
  await worker.terminate();
}

void (mode === 'writer' ? probeWriter() : probeMainAndWorker());
