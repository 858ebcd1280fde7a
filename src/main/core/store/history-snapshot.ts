/**
 * Where a history read reads from. A heavy one (a CSV, a long minute history) gets a read-only
 * connection of its own to the same WAL file, inside one read transaction: it can breathe between
 * windows while ingest keeps committing on the writer's connection, and still sees one consistent
 * state from its first row to its last (a report's rows and its total never disagree because a
 * batch landed halfway). A light read, or a store that only its own connection can see (`:memory:`),
 * reads on the writer's connection at once.
 */
import Database from 'better-sqlite3';
import { HistoryReader } from './history-reader';
import { AT_ONCE, SlicedPace } from './read-pace';
import type { Store } from './store';

export interface HistorySnapshot {
  reader: HistoryReader;
  /** The sliced pace when the read is cooperative (its longest slice is measured there). */
  pace: SlicedPace | null;
  close(): void;
}

/** The writer's own connection, read at once: for light reads. */
export function directReads(store: Store): HistorySnapshot {
  // The raw handle: the same file and the same state the store just committed. Rollups go through
  // the store, which applies its journal first (and adds what the disk refused to take).
  const reader = new HistoryReader(store.database, AT_ONCE, (rollup, nodeId, fromMin, toMin) =>
    store.rollupRows(rollup, nodeId, fromMin, toMin),
  );
  return { reader, pace: null, close: () => undefined };
}

/**
 * A read transaction on a connection of its own, taken now: call right after the writer flushed,
 * in the same turn of the event loop, so it holds everything committed so far.
 */
export function openSnapshot(store: Store): HistorySnapshot {
  if (store.path === ':memory:') return directReads(store);
  // The journal's increments into the rollup tables first, so the snapshot's rollups are whole.
  store.applyRollups();
  const db = new Database(store.path, { readonly: true, fileMustExist: true });
  try {
    db.exec('BEGIN');
    // A deferred transaction takes its snapshot at its first read: take it now, not after a yield.
    db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  } catch (e) {
    db.close();
    throw e;
  }
  const pace = new SlicedPace();
  // The disk refused the journal just now: only the store knows those increments (and no batch
  // can commit while the disk refuses, so its rollups are as current as this snapshot).
  const rollups =
    store.pendingRollups > 0
      ? (rollup: Parameters<Store['rollupRows']>[0], nodeId: number, fromMin: number, toMin: number) =>
          store.rollupRows(rollup, nodeId, fromMin, toMin)
      : undefined;
  return {
    reader: new HistoryReader(db, pace, rollups),
    pace,
    close: () => {
      pace.finish();
      db.close();
    },
  };
}
