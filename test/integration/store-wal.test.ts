/**
 * The store's write-ahead log on a real file: a commit does not copy the log back into the
 * database at SQLite's default 1,000 pages (that made nearly every batch a checkpoint), the log
 * still stops growing at WAL_CHECKPOINT_PAGES, and every minute written is read back. Both ways a
 * store is opened are covered: the core's own connection and the batch writer's.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/main/core/store/batch';
import { Store, WAL_CHECKPOINT_PAGES } from '../../src/main/core/store/store';
import { deviceRow } from '../support/store-rows';
import { tempDir } from '../support/temp-dir';

const CHANNELS = 3000;
/**
 * Batches, one minute each: well past WAL_CHECKPOINT_PAGES in all. Each appends its minutes to
 * energy_minute_recent, and every seventh folds them in, touching every channel's last page.
 */
const MINUTES = 120;
const DEVICE = 'shellypro3em-wal';
/** A WAL frame: a 24-byte header and one 4,096-byte page; the file starts with a 32-byte header. */
const FRAME_BYTES = 24 + 4096;
const walFrames = (path: string): number => Math.max(0, (statSync(`${path}-wal`).size - 32) / FRAME_BYTES);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** One minute row for every channel. */
function minuteBatch(minute: number): Batch {
  const batch = new Batch();
  if (minute === 0) {
    batch.devices.set(DEVICE, deviceRow(DEVICE, 'SPEM-003CEBEU'));
    for (let id = 1; id <= CHANNELS; id++)
      batch.channels.set(id, {
        id,
        deviceKey: DEVICE,
        component: `em1:${id}`,
        isGross: false,
        isPhase: false,
      });
  }
  for (let id = 1; id <= CHANNELS; id++) batch.addMinute(id, 29_000_000 + minute, 1000 + id, 0, null);
  return batch;
}

type Opened = { commit(batch: Batch): void; close(): void };

const ways: Array<[string, (path: string) => Opened]> = [
  [
    'the core’s own connection (Store.open)',
    (path) => {
      const store = ok(Store.open(path));
      return { commit: (b) => void ok(store.commit(b)), close: () => store.close() };
    },
  ],
  [
    'the batch writer’s connection (Store.openForBatches)',
    (path) => {
      const opener = ok(Store.open(path));
      const writer = ok(Store.openForBatches(path));
      return {
        commit: (b) => void ok(writer.commitRows(b)),
        close: () => {
          writer.close();
          opener.close();
        },
      };
    },
  ],
];

function ok<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('the store’s write-ahead log', () => {
  it.each(ways)('grows past 1,000 pages, stops at WAL_CHECKPOINT_PAGES and loses nothing: %s', (_, open) => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'kw.db');
    const store = open(path);
    cleanups.push(() => store.close());

    const sizes: number[] = [];
    for (let minute = 0; minute < MINUTES; minute++) {
      store.commit(minuteBatch(minute));
      sizes.push(walFrames(path));
    }
    const largest = Math.max(...sizes);
    const mostInOneCommit = Math.max(...sizes.map((s, i) => s - (sizes[i - 1] ?? 0)));
    // SQLite's default copies the log back once it holds 1,000 pages: it would stop under 2,000.
    expect(largest).toBeGreaterThan(3 * 1000);
    // Copied back past WAL_CHECKPOINT_PAGES, and reused from its start since: the last 20 commits
    // (hundreds of pages each) did not make the file any longer.
    expect(largest).toBeLessThanOrEqual(WAL_CHECKPOINT_PAGES + mostInOneCommit);
    expect(sizes.slice(-20)).toEqual(Array(20).fill(largest));

    // Read on a connection of its own, as history queries do: what the log holds counts too.
    const db = new Database(path, { readonly: true });
    cleanups.push(() => db.close());
    const read = db
      .prepare('SELECT count(*) AS n, sum(energy_units) AS units FROM energy_minute_all')
      .get() as {
      n: number;
      units: number;
    };
    expect(read.n).toBe(MINUTES * CHANNELS);
    expect(read.units).toBe(MINUTES * (1000 * CHANNELS + (CHANNELS * (CHANNELS + 1)) / 2));
  });
});
