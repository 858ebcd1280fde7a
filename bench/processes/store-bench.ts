/**
 * Store throughput (issue #8 §2), in its own process.
 *
 * The batches are the pipeline's own: a fleet's frames go through the real core in-process
 * (openConsole + ingest.handle with a clock), and every batch the BatchWriter hands to
 * `Store.commit` is captured (deep-copied, not written). Then, alternating per repetition and each
 * on a fresh file:
 *   store  `Store.commit(batch)` for every batch — devices, channels, counters, minute energy,
 *          totals, rollup journal, ledger: everything one ingest transaction writes, the minutes
 *          folded from energy_minute_recent when enough have gathered — and then the last recent
 *          minutes folded and `applyRollups()`, which adds the journaled increments to the rollups;
 *   raw    the same readings as plain better-sqlite3 inserts, batched the same way: one prepared
 *          INSERT per minute row (channel, minute, energy) in one transaction per batch, into a
 *          table shaped like energy_minute, with the store's pragmas (setPragmas).
 * Readings/s = the counter readings the batches carry (`batch.readings`: one per channel and
 * direction, as ARCHITECTURE.md defines a Reading; a Plus 2PM message carries two) ÷ seconds.
 *
 *   run {dir, spec, minutes, warmups, repetitions} → result {store: number[], raw: number[], …}
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openConsole } from '../../src/main/core/open-console';
import { Batch } from '../../src/main/core/store/batch';
import { PackedRollups } from '../../src/main/core/store/packed-rollups';
import { setPragmas, Store } from '../../src/main/core/store/store';
import { reply, serve } from '../lib/child-side';
import { FleetStream, minuteSAgo, type FleetSpec } from '../lib/shelly-fleet';

/**
 * A deep copy that keeps Batch's methods; structuredClone copies its Maps, Sets and arrays, but
 * a class instance comes out a plain object, so the packed rollups are made whole again.
 */
function copyBatch(batch: Batch): Batch {
  const copy = Object.assign(Object.create(Batch.prototype) as Batch, structuredClone({ ...batch }));
  copy.rollups = new PackedRollups(copy.rollups.values);
  return copy;
}

/** A batch field the breakdown can empty and count: its Maps, Sets, arrays and packed rollups. */
const isRowField = (v: unknown): v is Map<unknown, unknown> | Set<unknown> | unknown[] | PackedRollups =>
  v instanceof Map || v instanceof Set || Array.isArray(v) || v instanceof PackedRollups;

function captureBatches(dir: string, spec: FleetSpec, minutes: number): Batch[] {
  const fleet = new FleetStream(spec, minuteSAgo(minutes + 2));
  let nowMs = fleet.startMinuteS * 1000;
  const opened = openConsole({
    dbPath: join(dir, 'capture.db'),
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  const batches: Batch[] = [];
  store.commit = (batch) => {
    batches.push(copyBatch(batch));
    return { ok: true, value: undefined };
  };
  for (let m = 0; m < minutes; m++) {
    // Frames arrive half a second after their minute, as a fleet's do.
    nowMs = (fleet.startMinuteS + 60 * m) * 1000 + 500;
    for (const frame of fleet.minute()) core.ingest.handle(frame.topic, Buffer.from(frame.payload), false);
  }
  core.writer.flush();
  if (core.stats.applied !== spec.devices * minutes)
    throw new Error(`capture: applied ${core.stats.applied} of ${spec.devices * minutes}`);
  void core.close();
  store.close();
  return batches;
}

function timeStore(path: string, batches: Batch[]): number {
  const opened = Store.open(path);
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const copies = batches.map(copyBatch);
  const started = performance.now();
  for (const batch of copies) {
    const result = store.commit(batch);
    if (!result.ok) throw new Error(`store commit: ${result.error.message}`);
  }
  // The journaled rollup increments are part of the work: timed until they are in the rollups, and
  // the last recent minutes until they are in energy_minute, where the raw side put all of its.
  const folded = store.foldRecentMinutes();
  if (!folded.ok) throw new Error(`fold recent minutes: ${folded.error.message}`);
  const applied = store.applyRollups();
  if (!applied.ok) throw new Error(`apply rollups: ${applied.error.message}`);
  const ms = performance.now() - started;
  store.close();
  return ms;
}

function timeRaw(path: string, batches: Batch[]): number {
  const db = new Database(path);
  setPragmas(db);
  db.exec(`CREATE TABLE reading_minute (
    channel_id INTEGER NOT NULL, minute INTEGER NOT NULL, energy_units INTEGER NOT NULL,
    returned_units INTEGER NOT NULL, gap_from_s REAL, PRIMARY KEY (channel_id, minute)) WITHOUT ROWID`);
  const insert = db.prepare('INSERT INTO reading_minute VALUES (?, ?, ?, ?, ?)');
  const rows = batches.map((b) =>
    [...b.minutes.values()].map((m) => [m.channelId, m.minute, m.energyUnits, m.returnedUnits, m.gapFromS]),
  );
  const write = db.transaction((batch: Array<Array<number | null>>) => {
    for (const r of batch) insert.run(r);
  });
  const started = performance.now();
  for (const batch of rows) write(batch);
  const ms = performance.now() - started;
  db.close();
  return ms;
}

/** Fields whose rows the others reference (foreign keys): always written first. */
const IDENTITY_FIELDS = ['devices', 'channels', 'places', 'nodes'];

/**
 * Where the commit time goes, measured rather than guessed: the batches are committed again with
 * only some of their row kinds kept, adding one kind at a time (identity rows first, then the
 * batch's fields in declaration order), so each step's extra time is that kind's cost.
 */
function breakdown(dir: string, batches: Batch[]): Array<{ rows: string; ms: number; count: number }> {
  const sample = batches[0] as Batch;
  const fields = Object.keys(sample).filter((k) =>
    isRowField((sample as unknown as Record<string, unknown>)[k]),
  );
  const order = [
    ...IDENTITY_FIELDS.filter((f) => fields.includes(f)),
    ...fields.filter((f) => !IDENTITY_FIELDS.includes(f)),
  ];
  const only = (keep: string[]): Batch[] =>
    batches.map((b) => {
      const copy = copyBatch(b) as unknown as Record<string, unknown>;
      for (const f of order) {
        if (keep.includes(f)) continue;
        const v = copy[f];
        if (v instanceof Map || v instanceof Set) v.clear();
        else copy[f] = v instanceof PackedRollups ? PackedRollups.EMPTY : [];
      }
      return copy as unknown as Batch;
    });
  const steps: Array<{ rows: string; ms: number; count: number }> = [];
  const identity = IDENTITY_FIELDS.filter((f) => fields.includes(f)).length;
  const rowsOf = (f: string) =>
    batches.reduce((n, b) => {
      const v = (b as unknown as Record<string, unknown>)[f];
      if (!isRowField(v)) return n;
      return n + (v instanceof Map || v instanceof Set ? v.size : v.length);
    }, 0);
  let before = 0;
  for (let k = identity; k <= order.length; k++) {
    const keep = order.slice(0, k);
    const ms = Math.min(
      ...[0, 1, 2].map((i) => {
        const path = join(dir, `breakdown-${k}-${i}.db`);
        const t = timeStore(path, only(keep));
        for (const x of ['', '-wal', '-shm']) rmSync(path + x, { force: true });
        return t;
      }),
    );
    const added = k === identity ? keep : [order[k - 1] as string];
    const count = added.reduce((n, f) => n + rowsOf(f), 0);
    if (count > 0 || k === identity) steps.push({ rows: added.join('+'), ms: ms - before, count });
    before = ms;
  }
  return steps;
}

/** Both files must hold the same energy, or the comparison measured different work. */
function energyOf(path: string, table: string): { rows: number; units: number } {
  const db = new Database(path, { readonly: true });
  const row = db
    .prepare(`SELECT count(*) AS n, coalesce(sum(energy_units), 0) AS units FROM ${table}`)
    .get() as { n: number; units: number };
  db.close();
  return { rows: row.n, units: row.units };
}

serve((message) => {
  if (message.type !== 'run') throw new Error(`store-bench: unknown message ${message.type}`);
  const dir = message.dir as string;
  const spec = message.spec as FleetSpec;
  const minutes = message.minutes as number;
  const captureStarted = performance.now();
  const batches = captureBatches(dir, spec, minutes);
  const captureMs = performance.now() - captureStarted;
  const readings = batches.reduce((n, b) => n + b.readings, 0);
  const messages = batches.reduce((n, b) => n + b.messages, 0);
  const minuteRows = batches.reduce((n, b) => n + b.minutes.size, 0);
  const store: number[] = [];
  const raw: number[] = [];
  let check = { store: { rows: 0, units: 0 }, raw: { rows: 0, units: 0 } };
  const runs = (message.warmups as number) + (message.repetitions as number);
  for (let i = 0; i < runs; i++) {
    const storePath = join(dir, `store-${i}.db`);
    const rawPath = join(dir, `raw-${i}.db`);
    // Alternate which side writes first, so neither always finds a warmer page cache.
    const storeMs = i % 2 === 0 ? timeStore(storePath, batches) : Number.NaN;
    const rawMs = timeRaw(rawPath, batches);
    const storeMs2 = i % 2 === 1 ? timeStore(storePath, batches) : storeMs;
    check = { store: energyOf(storePath, 'energy_minute'), raw: energyOf(rawPath, 'reading_minute') };
    if (check.store.units !== check.raw.units || check.store.rows !== check.raw.rows)
      throw new Error(`store and raw files differ: ${JSON.stringify(check)}`);
    for (const f of [storePath, rawPath])
      for (const s of ['', '-wal', '-shm']) rmSync(f + s, { force: true });
    if (i < (message.warmups as number)) continue;
    store.push(readings / (storeMs2 / 1000));
    raw.push(readings / (rawMs / 1000));
  }
  // A quarter of the batches is enough to see the shares, and keeps the full run short.
  const steps = breakdown(dir, batches.slice(0, Math.max(1, Math.ceil(batches.length / 4))));
  reply({
    type: 'result',
    store,
    raw,
    readings,
    messages,
    minuteRows,
    batches: batches.length,
    captureMs,
    check,
    steps,
  });
});
