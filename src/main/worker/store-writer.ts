/**
 * The batch writer's thread (core/store/commit-thread.ts): commits the batches the core hands
 * over, on a connection of its own, and acknowledges each. An error that is not a storage error
 * (a bug) is not caught here: the thread dies, the core takes the batch back and commits on its
 * own thread from then on, where the same error surfaces as it always did.
 */
import { workerData } from 'node:worker_threads';
import type { CommitAck, CommitRequest, StoreWriterData } from '../core/store/commit-thread';
import { fromWire, wireBuffers } from '../core/store/batch-wire';
import { Store } from '../core/store/store';

const { dbPath, port, acks } = workerData as StoreWriterData;
const acknowledged = new Int32Array(acks);

function acknowledge(ack: CommitAck): void {
  port.postMessage(ack, ack.buffers);
  Atomics.add(acknowledged, 0, 1);
  Atomics.notify(acknowledged, 0);
}

const opened = Store.openForBatches(dbPath);
// Without its own connection this thread is no use: dying hands the batches back to the core.
if (!opened.ok) throw new Error(opened.error.message);
const store = opened.value;
port.on('message', ({ id, batch, apply }: CommitRequest) => {
  acknowledge({
    id,
    committed: batch ? store.commitRows(fromWire(batch)) : null,
    applied: apply ? store.applyJournal(apply) : null,
    buffers: batch ? wireBuffers(batch) : [],
  });
});
