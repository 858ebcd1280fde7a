/**
 * The batch writer's own thread (src/main/worker/store-writer.ts) and its own SQLite connection:
 * committing a batch (thousands of minute rows, totals, the rollup journal, and now and then a WAL
 * checkpoint) takes tens to hundreds of milliseconds, and on the core's thread every command and
 * live push would wait for it. The core hands a batch over and keeps counting; at most one batch is
 * in flight (batch-writer.ts), so batches land in order and a failed one can be taken back.
 *
 * Acknowledgements arrive as messages; `waitFor` also takes one synchronously (Atomics.wait, then
 * receiveMessageOnPort) for the callers that must know a batch is on disk before they go on: an
 * explicit flush (history queries, shutdown).
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ApiError, Result } from '../../../shared/result';
import type { BatchWire } from './batch-wire';
import type { JournalRange } from './store';
import { sizeWorkerYoungGeneration, WRITER_SEMI_SPACE_MB } from '../../worker/young-generation';

/** The thread's entry in out/main (electron.vite.config.ts names it). */
export const STORE_WRITER_ENTRY = 'store-writer.js';

/**
 * A batch to commit, and/or journal rows to add to the rollup tables: the rollups move there every
 * few seconds, and that too is work this thread should not wait for.
 */
export interface CommitRequest {
  id: number;
  batch: BatchWire | null;
  apply: JournalRange | null;
}

export interface CommitAck {
  id: number;
  /** The journal row the batch's rollups went to, or why it failed (the batch was not written). */
  committed: Result<number | null, ApiError> | null;
  /** Whether the journal rows were applied (false: another connection had), or why it failed. */
  applied: Result<boolean, ApiError> | null;
  /**
   * The batch's buffers, handed back: the writer makes so little garbage that it seldom collects,
   * and buffers left to its collector piled up by tens of MB; here they go with the next scavenge.
   */
  buffers: ArrayBuffer[];
}

export interface StoreWriterData {
  dbPath: string;
  port: MessagePort;
  /** Incremented after every acknowledgement is posted: what a synchronous wait sleeps on. */
  acks: SharedArrayBuffer;
}

export class CommitThread {
  private onAck: (ack: CommitAck) => void = () => undefined;
  private onLost: (error: Error) => void = () => undefined;
  private isEnded = false;
  /** Settles once the thread runs (or could not start): see BatchWriter.ready. */
  readonly online: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly acks: Int32Array,
  ) {
    port.on('message', (ack: CommitAck) => this.onAck(ack));
    // Commits are asked for by timers; the thread must never keep a stopping process alive.
    port.unref();
    worker.unref();
    this.online = new Promise((resolve) => {
      worker.once('online', resolve);
      worker.once('exit', () => resolve());
    });
    worker.on('error', (e) => this.lost(e));
    worker.on('exit', (code) => this.lost(new Error(`the batch writer's thread exited (code ${code})`)));
  }

  static start(workerPath: string, dbPath: string): CommitThread {
    const { port1, port2 } = new MessageChannel();
    const acks = new SharedArrayBuffer(4);
    // V8 flags, read when the thread's isolate is made: every later start sets its own size again.
    sizeWorkerYoungGeneration(WRITER_SEMI_SPACE_MB);
    const worker = new Worker(workerPath, {
      workerData: { dbPath, port: port2, acks } satisfies StoreWriterData,
      transferList: [port2],
    });
    return new CommitThread(worker, port1, new Int32Array(acks));
  }

  /** Where acknowledgements go, and what happens if the thread dies (its batch was not written). */
  listen(onAck: (ack: CommitAck) => void, onLost: (error: Error) => void): void {
    this.onAck = onAck;
    this.onLost = onLost;
  }

  get isAlive(): boolean {
    return !this.isEnded;
  }

  /** Hands a packed batch over (batch-preparation.ts), its arrays moved rather than copied. */
  send(
    request: { id: number; apply: JournalRange | null },
    batch: { wire: BatchWire; transfer: ArrayBuffer[] } | null,
  ): void {
    if (!batch) return this.port.postMessage({ ...request, batch: null } satisfies CommitRequest);
    this.port.postMessage({ ...request, batch: batch.wire } satisfies CommitRequest, batch.transfer);
  }

  /** Blocks until acknowledgement `id` arrives (handed to the listener first); false on timeout. */
  waitFor(id: number, timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.acks, 0);
      const received = receiveMessageOnPort(this.port) as { message: CommitAck } | undefined;
      if (received) {
        this.onAck(received.message);
        if (received.message.id === id) return true;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.isEnded) return false;
      Atomics.wait(this.acks, 0, seen, left);
    }
  }

  private lost(error: Error): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.onLost(error);
  }

  async stop(): Promise<void> {
    this.isEnded = true;
    this.port.close();
    await this.worker.terminate();
  }
}
