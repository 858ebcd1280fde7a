/**
 * The one SQLite file (better-sqlite3). Statements are prepared once; every ingest batch is one
 * synchronous transaction (never `await` inside one: another task could interleave its writes).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import type { Direction } from '../shelly/types';
import type { Place } from '../site/placement';
import type { Batch, BatchRows } from './batch';
import type { Rollup } from './calendar';
import { migrate, SCHEMA_VERSION } from './migrations';
import { PendingRollups } from './rollup-journal';
import { guardedWrite, storageError } from './storage-error';
import type { ChannelRow, CounterRow, DeviceRow, LedgerRow, PlaceRow, RollupRows, TotalRow } from './rows';

type Row = Record<string, unknown>;

/**
 * A place energy was counted in: a company, an office of it, or a room of that. Unassigned is the
 * reserved place with empty names (key-index.ts UNASSIGNED_PLACE): `{ company: '' }`.
 */
export interface PlaceMatch {
  company: string;
  office?: string;
  room?: string;
}

/** A row (alias `t`, joined to `place AS p`) counted in the place, or placeless and its channel listed. */
const PLACE_MATCHES = (t: string): string =>
  `((p.id IS NOT NULL AND p.company = ? AND (? IS NULL OR p.office = ?) AND (? IS NULL OR p.room = ?))
     OR (${t}.place_id IS NULL AND ${t}.channel_id IN (SELECT value FROM json_each(?))))`;

const placeParams = (place: PlaceMatch, placelessIds: readonly number[]): unknown[] => [
  place.company,
  place.office ?? null,
  place.office ?? null,
  place.room ?? null,
  place.room ?? null,
  JSON.stringify(placelessIds),
];

/** Journal rows seq firstSeq..lastSeq, `journalRows` of them (the count proves none is missing). */
export interface JournalRange {
  firstSeq: number;
  lastSeq: number;
  journalRows: number;
}

/** The batch writer's page cache, KiB (negative: SQLite's way of saying KiB, not pages). */
const WRITER_CACHE_KIB = -2000;

/**
 * Rows energy_minute_recent may hold before a commit folds them into energy_minute (about 500 KB).
 * A batch's minutes are appended there in time order, to a handful of pages, where energy_minute
 * would have its last page per channel rewritten; the fold then rewrites each channel's last page
 * once per this many rows instead of once per batch. Measured side by side: bench `store` 0.64–0.65
 * of raw inserts against 0.57–0.61; at 10,000 channels in 250 ms commits, 35 KiB of log per
 * commit against 52. History queries scan the recent rows in their time range, so the table stays
 * small (bench `query-device-minute-1d` with it full: 4.4 ms).
 */
export const RECENT_MINUTE_ROWS = 20_000;

/**
 * Pages the WAL may hold before a commit copies them back into the database file (about 40 MB).
 * SQLite's default of 1,000 made nearly every batch a checkpoint: a batch touches the last page of
 * every channel's minutes, so each of those pages was copied back after each batch, and the file
 * synced twice. Ten times the room lets a page take ten batches' rows before it is copied once
 * (bench `store`: 156,000–170,000 readings/s against 136,000).
 */
export const WAL_CHECKPOINT_PAGES = 10_000;

/**
 * WAL lets readers (history queries) and the batch writer's own connection run beside each other.
 * In WAL mode synchronous=NORMAL can lose the last transactions on power loss but never corrupts
 * the file, and the counters re-carry any lost energy on the next reading (ARCHITECTURE.md §7).
 * Exported for the store bench's raw baseline, which must write with the same settings.
 */
export function setPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 2000');
  db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
}

/**
 * Creates missing folders one level at a time. `mkdirSync(…, { recursive: true })` never returns
 * on some special file systems (a path under /proc loops forever on Node 20).
 */
function ensureDir(dir: string): void {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) {
    missing.unshift(current);
    current = dirname(current);
  }
  for (const folder of missing) mkdirSync(folder);
}
const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === 1);

/** Thrown inside a transaction to roll it back; caught right there (see applyRollups). */
class StaleJournal extends Error {}

/** A journal row that cannot be what a commit wrote: the file is damaged. */
class DamagedJournal extends Error {
  constructor(readonly seq: number) {
    super(`rollup journal row ${seq} is damaged`);
  }
}

/** Pending rollup buckets that make a commit add them to the rollup tables at once (memory bound). */
const MAX_PENDING_ROLLUPS = 200_000;

export class Store {
  private readonly statements;
  private readonly bookingCache = new Map<number, ReadonlyArray<readonly [number, number]>>();
  /** Rollup increments in the journal, not yet in the rollup tables (see rollup-journal.ts). */
  private readonly pending = new PendingRollups();
  /** Read statements prepared on first use and kept: preparing costs more than a small query. */
  private readonly prepared = new Map<string, Database.Statement>();
  /**
   * About how many rows energy_minute_recent holds (a minute added to twice counts twice): when to
   * fold. Each connection keeps its own; only the batch writer's commits add rows.
   */
  private recentRows: number;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.statements = {
      upsertDevice: db.prepare(
        `INSERT INTO device (key, shelly_id, generation, model, name, firmware, epoch, offline_count, is_online,
           uptime_s, first_seen_ms, last_seen_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET shelly_id = excluded.shelly_id, model = excluded.model,
           name = excluded.name, firmware = excluded.firmware, epoch = excluded.epoch,
           offline_count = excluded.offline_count, is_online = excluded.is_online, uptime_s = excluded.uptime_s,
           last_seen_ms = excluded.last_seen_ms`,
      ),
      insertChannel: db.prepare(
        `INSERT OR IGNORE INTO channel (id, device_key, component, is_gross, is_phase)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      deleteCounter: db.prepare('DELETE FROM counter_state WHERE channel_id = ? AND direction = ?'),
      upsertCounter: db.prepare(
        `INSERT INTO counter_state (channel_id, direction, value_units, order_primary, order_secondary, arrival_s,
           epoch, offline_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel_id, direction) DO UPDATE SET value_units = excluded.value_units,
           order_primary = excluded.order_primary, order_secondary = excluded.order_secondary,
           arrival_s = excluded.arrival_s, epoch = excluded.epoch, offline_count = excluded.offline_count`,
      ),
      addMinute: db.prepare(
        `INSERT INTO energy_minute_recent (channel_id, minute, energy_units, returned_units, gap_from_s, place_id, booking_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (minute, channel_id) DO UPDATE SET
           energy_units = energy_units + excluded.energy_units,
           returned_units = returned_units + excluded.returned_units,
           gap_from_s = coalesce(excluded.gap_from_s, gap_from_s)`,
      ),
      // In channel order, so each channel's last page is written once; `WHERE true` tells SQLite's
      // parser that ON CONFLICT belongs to the INSERT, not to a join. Merged as addMinute merges.
      foldRecent: db.prepare(
        `INSERT INTO energy_minute (channel_id, minute, energy_units, returned_units, gap_from_s, place_id, booking_id)
         SELECT channel_id, minute, energy_units, returned_units, gap_from_s, place_id, booking_id
           FROM energy_minute_recent WHERE true ORDER BY channel_id, minute
         ON CONFLICT (channel_id, minute) DO UPDATE SET
           energy_units = energy_units + excluded.energy_units,
           returned_units = returned_units + excluded.returned_units,
           gap_from_s = coalesce(excluded.gap_from_s, gap_from_s)`,
      ),
      clearRecent: db.prepare('DELETE FROM energy_minute_recent'),
      insertPlace: db.prepare('INSERT OR IGNORE INTO place (id, company, office, room) VALUES (?, ?, ?, ?)'),
      insertNode: db.prepare('INSERT OR IGNORE INTO node (id, node) VALUES (?, ?)'),
      insertBooking: db.prepare('INSERT OR IGNORE INTO booking (id, targets) VALUES (?, ?)'),
      insertGap: db.prepare(
        'INSERT INTO energy_gap (channel_id, place_id, from_s, to_s) VALUES (?, ?, ?, ?)',
      ),
      addRollup: Object.fromEntries(
        (['hour', 'day', 'week', 'month'] as const).map((r) => [
          r,
          db.prepare(
            `INSERT INTO energy_${r} (node_id, start_min, energy_units, returned_units)
             VALUES (?, ?, ?, ?)
             ON CONFLICT (node_id, start_min) DO UPDATE SET
               energy_units = energy_units + excluded.energy_units,
               returned_units = returned_units + excluded.returned_units`,
          ),
        ]),
      ) as Record<Rollup, Database.Statement>,
      insertJournal: db.prepare('INSERT INTO rollup_journal (deltas) VALUES (?)'),
      deleteJournal: db.prepare('DELETE FROM rollup_journal WHERE seq BETWEEN ? AND ?'),
      upsertTotal: db.prepare(
        `INSERT INTO node_total (node, energy_units, returned_units, since_ms)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (node) DO UPDATE SET energy_units = excluded.energy_units,
           returned_units = excluded.returned_units`,
      ),
      insertLedger: db.prepare(
        `INSERT INTO ledger (at_ms, channel_id, direction, kind, reason, previous_units, value_units, counted_units)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertAssignment: db.prepare(
        `INSERT INTO assignment (device_id, company, office, room, device_name, assigned_ms)
         VALUES (@deviceId, @company, @office, @room, @device, @atMs)
         ON CONFLICT (device_id) DO UPDATE SET company = excluded.company, office = excluded.office,
           room = excluded.room, device_name = excluded.device_name, assigned_ms = excluded.assigned_ms`,
      ),
      upsertName: db.prepare(
        `INSERT INTO node_name (node, name) VALUES (?, ?) ON CONFLICT (node) DO UPDATE SET name = excluded.name`,
      ),
    };
    this.recentRows = (db.prepare('SELECT count(*) AS n FROM energy_minute_recent').get() as { n: number }).n;
  }

  static open(path: string): Result<Store, ApiError> {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') ensureDir(dirname(path));
      db = new Database(path);
      // Read the version before any pragma that writes: even switching to WAL rewrites the
      // header of a file we may have to leave untouched.
      const found = db.pragma('user_version', { simple: true }) as number;
      if (found > SCHEMA_VERSION) {
        db.close();
        return err(
          'storage-corrupt',
          `The database ${path} was written by a newer Kilowatch (schema ${found}, this build knows ` +
            `${SCHEMA_VERSION}). It was not changed. Update Kilowatch or choose another --db file.`,
        );
      }
      setPragmas(db);
      const migrated = migrate(db);
      if (!migrated.ok) throw new Error(`user_version changed while opening ${path}`);
      const store = new Store(db, path);
      // What the last run journaled but never added to the rollups (it stopped or crashed).
      store.loadJournal();
      // A failure leaves the rows in the journal and the sums here; readers add them.
      store.applyRollups();
      return ok(store);
    } catch (e) {
      db?.close();
      if (e instanceof DamagedJournal) {
        return err(
          'storage-corrupt',
          `${path} is damaged: row ${e.seq} of its rollup journal is not one Kilowatch wrote. It was left ` +
            `untouched; move it away or choose another --db file.`,
          { path, journalSeq: e.seq },
        );
      }
      const mapped = storageError(e, path);
      if (mapped) return { ok: false, error: mapped };
      throw e;
    }
  }

  /**
   * A second connection to a store another connection has opened (Store.open: migrated, journal
   * loaded), for the batch writer's thread: it only commits batches (commitRows) and never reads
   * rollups, so it keeps no pending sums of its own; the opener notes what it journals
   * (noteCommitted).
   */
  static openForBatches(path: string): Result<Store, ApiError> {
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { fileMustExist: true });
      setPragmas(db);
      // 2 MB of page cache instead of better-sqlite3's 16: a batch touches the last page of every
      // channel's minutes, more than 16 MB at 10,000 channels, so the bigger cache hit little and
      // only held memory (bench memory-peak: 13 MB lower peak).
      db.pragma(`cache_size = ${WRITER_CACHE_KIB}`);
      const found = db.pragma('user_version', { simple: true }) as number;
      if (found !== SCHEMA_VERSION) {
        db.close();
        return err(
          'storage-corrupt',
          `The database ${path} is at schema ${found} where ${SCHEMA_VERSION} was expected; it was opened by another Kilowatch.`,
        );
      }
      return ok(new Store(db, path));
    } catch (e) {
      db?.close();
      const mapped = storageError(e, path);
      if (mapped) return { ok: false, error: mapped };
      throw e;
    }
  }

  private cached(sql: string): Database.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Adds what the journal holds to the rollups first; if that fails the journal keeps it. */
  close(): void {
    this.applyRollups();
    this.db.close();
  }

  private loadJournal(): void {
    this.pending.clear();
    const rows = this.db.prepare('SELECT seq, deltas FROM rollup_journal ORDER BY seq').all() as Array<{
      seq: number;
      deltas: Buffer;
    }>;
    for (const row of rows) {
      if (!(row.deltas instanceof Uint8Array) || !PendingRollups.isEncoding(row.deltas))
        throw new DamagedJournal(row.seq);
      this.pending.addEncoded(row.deltas);
      this.pending.noteRow(row.seq);
    }
  }

  get pendingRollups(): number {
    return this.pending.size;
  }

  /**
   * Adds the journaled rollup increments to the rollup tables and empties the journal, in one
   * transaction: each increment lands exactly once, whether this succeeds, fails or is cut short.
   */
  applyRollups(): Result<number, ApiError> {
    if (this.pending.size === 0) return ok(0);
    const applied = this.applySums(this.pending);
    if (!applied.ok) return applied;
    if (applied.value === null) {
      this.loadJournal();
      return this.applyRollups();
    }
    this.pending.clear();
    return ok(applied.value);
  }

  /** The journal rows this connection's readers add (null when none): what the thread may apply. */
  get journalRange(): JournalRange | null {
    const { firstSeq, lastSeq, journalRows } = this.pending;
    return journalRows === 0 ? null : { firstSeq, lastSeq, journalRows };
  }

  /**
   * For the batch writer's thread: adds journal rows `range` to the rollup tables, read back from
   * the file (this connection keeps no sums). Ok(false): they were not all there (applied by
   * another connection), so nothing was added.
   */
  applyJournal(range: JournalRange): Result<boolean, ApiError> {
    const sums = new PendingRollups();
    try {
      // One row at a time: a few seconds of journal is tens of MB of blobs.
      const rows = this.cached(
        'SELECT seq, deltas FROM rollup_journal WHERE seq BETWEEN ? AND ? ORDER BY seq',
      ).iterate(range.firstSeq, range.lastSeq) as IterableIterator<{ seq: number; deltas: Buffer }>;
      for (const row of rows) {
        if (!(row.deltas instanceof Uint8Array) || !PendingRollups.isEncoding(row.deltas))
          throw new DamagedJournal(row.seq);
        sums.addEncoded(row.deltas);
        sums.noteRow(row.seq);
      }
    } catch (e) {
      if (e instanceof DamagedJournal)
        return err(
          'storage-corrupt',
          `${this.path} is damaged: row ${e.seq} of its rollup journal is not one Kilowatch wrote.`,
        );
      const mapped = storageError(e, this.path);
      if (mapped) return { ok: false, error: mapped };
      throw e;
    }
    if (sums.journalRows !== range.journalRows) return ok(false);
    const applied = this.applySums(sums);
    return applied.ok ? ok(applied.value !== null) : applied;
  }

  /** The batch writer's thread applied `range` (or found it gone): this connection's readers stop adding it. */
  forgetApplied(range: JournalRange, wasApplied: boolean): void {
    const { firstSeq, lastSeq, journalRows } = this.pending;
    const isSame =
      range.firstSeq === firstSeq && range.lastSeq === lastSeq && range.journalRows === journalRows;
    if (wasApplied && isSame) this.pending.clear();
    else this.loadJournal();
  }

  /**
   * Adds `sums` to the rollup tables and deletes their journal rows, in one transaction: each
   * increment lands exactly once, whether this succeeds, fails or is cut short. Ok(null): the rows
   * were not all there any more (another connection applied them) and nothing was written.
   */
  private applySums(sums: PendingRollups): Result<number | null, ApiError> {
    const st = this.statements;
    const { firstSeq, lastSeq, journalRows } = sums;
    try {
      const result = this.guard(() =>
        this.db.transaction(() => {
          // Only the rows summed here, and only if they are all still there: had another
          // connection applied them, adding them again would count them twice.
          if (st.deleteJournal.run(firstSeq, lastSeq).changes !== journalRows) throw new StaleJournal();
          for (const r of sums.rows())
            st.addRollup[r.rollup].run(r.nodeId, r.startMin, r.energyUnits, r.returnedUnits);
        })(),
      );
      return result.ok ? ok(sums.size) : result;
    } catch (e) {
      if (e instanceof StaleJournal) return ok(null);
      throw e;
    }
  }

  /**
   * Writes one batch atomically: counters, the energy they produced, totals and ledger together.
   * `rollups: 'direct'` adds the batch's rollups to the rollup tables in this transaction instead
   * of journaling them: for bulk history (the demo's backfill), where each bucket is touched once
   * and the journal would only double the work.
   */
  commit(batch: Batch, options: { rollups?: 'journal' | 'direct' } = {}): Result<void, ApiError> {
    const committed = this.commitRows(batch, options);
    if (!committed.ok) return committed;
    this.noteCommitted(batch.rollups, committed.value);
    return ok(undefined);
  }

  /**
   * The rollups a batch journaled (row `journalSeq`) on this or another connection: readers add
   * them until applyRollups moves them into the rollup tables.
   */
  noteCommitted(rollups: RollupRows, journalSeq: number | null): void {
    if (journalSeq !== null) {
      this.pending.addRows(rollups);
      this.pending.noteRow(journalSeq);
    }
    // The batch is safe either way: a failure here leaves its increments in the journal.
    if (this.pending.size >= MAX_PENDING_ROLLUPS) this.applyRollups();
  }

  /**
   * The batch's transaction alone; returns the journal row its rollups went to (null when none
   * or `direct`). The batch is plain data here: it may be a structured clone from another thread.
   */
  commitRows(
    batch: BatchRows,
    options: { rollups?: 'journal' | 'direct' } = {},
  ): Result<number | null, ApiError> {
    let journalSeq: number | null = null;
    let recentRows = this.recentRows;
    try {
      // Positional parameters and no per-row objects: this runs for every row of every batch, and
      // binding by name costs a fifth more here.
      const st = this.statements;
      this.db.transaction(() => {
        for (const d of batch.devices.values()) {
          st.upsertDevice.run(
            d.key,
            d.shellyId,
            d.generation,
            d.model,
            d.name,
            d.firmware,
            d.epoch,
            d.offlineCount,
            d.isOnline === null ? null : d.isOnline ? 1 : 0,
            d.uptimeS,
            d.firstSeenMs,
            d.lastSeenMs,
          );
        }
        for (const c of batch.channels.values())
          st.insertChannel.run(c.id, c.deviceKey, c.component, c.isGross ? 1 : 0, c.isPhase ? 1 : 0);
        for (const c of batch.forgottenCounters.values()) st.deleteCounter.run(c.channelId, c.direction);
        for (const { channelId, direction, memory: m } of batch.counters.values()) {
          st.upsertCounter.run(
            channelId,
            direction,
            m.valueUnits,
            m.order.primaryS,
            m.order.secondaryS,
            m.arrivalS,
            m.epoch,
            m.offlineCount,
          );
        }
        for (const p of batch.places.values()) st.insertPlace.run(p.id, p.company, p.office, p.room);
        for (const [id, node] of batch.nodes) st.insertNode.run(id, node);
        for (const [id, targets] of batch.bookings) st.insertBooking.run(id, targets);
        for (const m of batch.minutes.values()) {
          st.addMinute.run(
            m.channelId,
            m.minute,
            m.energyUnits,
            m.returnedUnits,
            m.gapFromS,
            m.placeId ?? null,
            m.bookingId ?? null,
          );
          recentRows++;
        }
        if (recentRows >= RECENT_MINUTE_ROWS) {
          st.foldRecent.run();
          st.clearRecent.run();
          recentRows = 0;
        }
        // One journal row instead of an upsert per bucket; applyRollups adds them up later.
        if (options.rollups === 'direct') {
          for (const r of batch.rollups)
            st.addRollup[r.rollup].run(r.nodeId, r.startMin, r.energyUnits, r.returnedUnits);
        } else if (batch.rollups.length > 0)
          journalSeq = Number(st.insertJournal.run(PendingRollups.encode(batch.rollups)).lastInsertRowid);
        for (const g of batch.gaps) st.insertGap.run(g.channelId, g.placeId, g.fromS, g.toS);
        for (const t of batch.totals) st.upsertTotal.run(t.node, t.energyUnits, t.returnedUnits, t.sinceMs);
        for (const l of batch.ledger) {
          st.insertLedger.run(
            l.atMs,
            l.channelId,
            l.direction,
            l.kind,
            l.reason,
            l.previousUnits,
            l.valueUnits,
            l.countedUnits,
          );
        }
      })();
    } catch (e) {
      const mapped = storageError(e, this.path);
      if (mapped) return { ok: false, error: mapped };
      throw e;
    }
    // Only now: a transaction that rolled back added nothing and folded nothing.
    this.recentRows = recentRows;
    return ok(journalSeq);
  }

  /**
   * Moves every recent minute row into energy_minute now (commits do it on their own once enough
   * have gathered): for a file that should hold its minutes in one place, as the store bench's
   * comparison with raw inserts does.
   */
  foldRecentMinutes(): Result<void, ApiError> {
    return this.guard(() =>
      this.db.transaction(() => {
        this.statements.foldRecent.run();
        this.statements.clearRecent.run();
        this.recentRows = 0;
      })(),
    );
  }

  saveAssignment(deviceId: string, place: Place, atMs: number): Result<void, ApiError> {
    return this.guard(() => this.statements.upsertAssignment.run({ deviceId, ...place, atMs }));
  }

  saveName(node: string, name: string): Result<void, ApiError> {
    return this.guard(() => this.statements.upsertName.run(node, name));
  }

  private guard(write: () => unknown): Result<void, ApiError> {
    return guardedWrite(this.path, () => void write());
  }

  loadDevices(): DeviceRow[] {
    return (this.db.prepare('SELECT * FROM device').all() as Row[]).map((r) => ({
      key: r.key as string,
      shellyId: r.shelly_id as string | null,
      generation: r.generation as 1 | 2,
      model: r.model as string | null,
      name: r.name as string | null,
      firmware: r.firmware as string | null,
      epoch: r.epoch as number,
      offlineCount: r.offline_count as number,
      isOnline: bool(r.is_online),
      uptimeS: r.uptime_s as number | null,
      firstSeenMs: r.first_seen_ms as number,
      lastSeenMs: r.last_seen_ms as number,
    }));
  }

  loadChannels(): ChannelRow[] {
    return (this.db.prepare('SELECT * FROM channel ORDER BY id').all() as Row[]).map((r) => ({
      id: r.id as number,
      deviceKey: r.device_key as string,
      component: r.component as string,
      isGross: r.is_gross === 1,
      isPhase: r.is_phase === 1,
    }));
  }

  loadCounters(): CounterRow[] {
    return (this.db.prepare('SELECT * FROM counter_state').all() as Row[]).map((r) => ({
      channelId: r.channel_id as number,
      direction: r.direction as Direction,
      valueUnits: r.value_units as number,
      order: { primaryS: r.order_primary as number, secondaryS: r.order_secondary as number },
      arrivalS: r.arrival_s as number,
      epoch: r.epoch as number,
      offlineCount: r.offline_count as number,
    }));
  }

  loadTotals(): TotalRow[] {
    return (this.db.prepare('SELECT * FROM node_total').all() as Row[]).map((r) => ({
      node: r.node as string,
      energyUnits: r.energy_units as number,
      returnedUnits: r.returned_units as number,
      sinceMs: r.since_ms as number,
    }));
  }

  loadAssignments(): Array<{ deviceId: string; place: Place }> {
    return (this.db.prepare('SELECT * FROM assignment').all() as Row[]).map((r) => ({
      deviceId: r.device_id as string,
      place: {
        company: r.company as string,
        office: r.office as string,
        room: r.room as string,
        device: r.device_name as string,
      },
    }));
  }

  loadNames(): Map<string, string> {
    const rows = this.db.prepare('SELECT node, name FROM node_name').all() as Row[];
    return new Map(rows.map((r) => [r.node as string, r.name as string]));
  }

  /** The outages counted in one place (see placeMinutes), among `channelIds`. */
  placeGaps(
    place: PlaceMatch,
    channelIds: readonly number[],
    placelessIds: readonly number[],
    fromS: number,
    toS: number,
  ): Array<{ fromS: number; toS: number }> {
    if (channelIds.length === 0) return [];
    return this.cached(
      `SELECT g.from_s AS fromS, g.to_s AS toS FROM energy_gap AS g LEFT JOIN place AS p ON p.id = g.place_id
         WHERE g.to_s > ? AND g.from_s < ? AND g.channel_id IN (SELECT value FROM json_each(?))
           AND ${PLACE_MATCHES('g')}
         ORDER BY g.from_s`,
    ).all(fromS, toS, JSON.stringify(channelIds), ...placeParams(place, placelessIds)) as Array<{
      fromS: number;
      toS: number;
    }>;
  }

  /** The place a stored minute row of a channel remembers (undefined: no row, or none remembered). */
  minutePlace(channelId: number, minute: number): PlaceRow | undefined {
    const row = this.cached(
      // The row in energy_minute is the older when both tables have one, and a fold keeps its place.
      `SELECT p.id AS id, p.company AS company, p.office AS office, p.room AS room
         FROM (SELECT place_id, 0 AS age FROM energy_minute WHERE channel_id = ? AND minute = ?
               UNION ALL
               SELECT place_id, 1 AS age FROM energy_minute_recent WHERE minute = ? AND channel_id = ?) AS m
         LEFT JOIN place AS p ON p.id = m.place_id ORDER BY m.age LIMIT 1`,
    ).get(channelId, minute, minute, channelId) as { id: number | null } | undefined;
    return row === undefined || row.id === null ? undefined : (row as PlaceRow);
  }

  place(id: number): PlaceRow | undefined {
    return this.cached('SELECT id, company, office, room FROM place WHERE id = ?').get(id) as
      PlaceRow | undefined;
  }

  /** The devices (Shelly id or key, as assigned) whose latest assignment was made at or after `ms`. */
  assignedSince(ms: number): string[] {
    return this.cached('SELECT device_id FROM assignment WHERE assigned_ms >= ?').pluck().all(ms) as string[];
  }

  ledger(channelIds: readonly number[], fromMs: number, toMs: number, limit: number): LedgerRow[] {
    const rows = this.cached(
      `SELECT * FROM ledger WHERE channel_id IN (SELECT value FROM json_each(?)) AND at_ms >= ? AND at_ms < ?
         ORDER BY at_ms DESC, id DESC LIMIT ?`,
    ).all(JSON.stringify(channelIds), fromMs, toMs, limit) as Row[];
    return rows.map((r) => ({
      atMs: r.at_ms as number,
      channelId: r.channel_id as number,
      direction: r.direction as Direction,
      kind: r.kind as string,
      reason: r.reason as string | null,
      previousUnits: r.previous_units as number | null,
      valueUnits: r.value_units as number | null,
      countedUnits: r.counted_units as number,
    }));
  }

  setting(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM setting WHERE key = ?').get(key) as Row | undefined;
    return row ? (row.value as string) : undefined;
  }

  /** Keeps a setting; null removes it. */
  saveSetting(key: string, value: string | null): Result<void, ApiError> {
    return this.guard(() =>
      value === null
        ? this.db.prepare('DELETE FROM setting WHERE key = ?').run(key)
        : this.db
            .prepare(
              'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
            )
            .run(key, value),
    );
  }

  loadPlaces(): Array<{ id: number; company: string; office: string; room: string }> {
    return this.db.prepare('SELECT id, company, office, room FROM place').all() as Array<{
      id: number;
      company: string;
      office: string;
      room: string;
    }>;
  }

  /** The bookings minutes were counted under once metering roles were in play (id → targets JSON). */
  loadBookings(): Array<{ id: number; key: string }> {
    return this.db.prepare('SELECT id, targets AS key FROM booking').all() as Array<{
      id: number;
      key: string;
    }>;
  }

  /** A booking's targets as [nodeId, shape] pairs (bookings never change once written). */
  bookingTargets(id: number): ReadonlyArray<readonly [number, number]> {
    let targets = this.bookingCache.get(id);
    if (!targets) {
      const text = this.cached('SELECT targets FROM booking WHERE id = ?').pluck().get(id) as
        string | undefined;
      // Not on disk yet (a commit failing on a full disk): unknown now, not empty for ever.
      if (text === undefined) return [];
      targets = JSON.parse(text) as Array<[number, number]>;
      this.bookingCache.set(id, targets);
    }
    return targets;
  }

  /** Stored metering roles (site/meter-roles.ts). */
  loadMeterRoles(): Array<{
    meter: string;
    role: string;
    scope: string | null;
    source: string;
    setMs: number;
  }> {
    return this.db
      .prepare('SELECT meter, role, scope, source, set_ms AS setMs FROM meter_role')
      .all() as Array<{ meter: string; role: string; scope: string | null; source: string; setMs: number }>;
  }

  /** Stores (or with `null`, removes) a meter's role. */
  saveMeterRole(
    meter: string,
    role: { role: string; scope: string | null; source: string; setMs: number } | null,
  ): Result<void, ApiError> {
    return this.guard(() => {
      if (!role) this.db.prepare('DELETE FROM meter_role WHERE meter = ?').run(meter);
      else
        this.db
          .prepare(
            `INSERT INTO meter_role (meter, role, scope, source, set_ms) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (meter) DO UPDATE SET role = excluded.role, scope = excluded.scope,
               source = excluded.source, set_ms = excluded.set_ms`,
          )
          .run(meter, role.role, role.scope, role.source, role.setMs);
    });
  }

  /** Device categories set by staff (site/device-categories.ts). */
  loadDeviceCategories(): Array<{ deviceKey: string; category: string }> {
    return this.db.prepare('SELECT device_key AS deviceKey, category FROM device_category').all() as Array<{
      deviceKey: string;
      category: string;
    }>;
  }

  /** Stores (or with `null`, removes) a device's category. */
  saveDeviceCategory(deviceKey: string, category: string | null, setMs: number): Result<void, ApiError> {
    return this.guard(() => {
      if (category === null)
        this.db.prepare('DELETE FROM device_category WHERE device_key = ?').run(deviceKey);
      else
        this.db
          .prepare(
            `INSERT INTO device_category (device_key, category, set_ms) VALUES (?, ?, ?)
             ON CONFLICT (device_key) DO UPDATE SET category = excluded.category, set_ms = excluded.set_ms`,
          )
          .run(deviceKey, category, setMs);
    });
  }

  loadNodes(): Array<{ id: number; key: string }> {
    return this.db.prepare('SELECT id, node AS key FROM node').all() as Array<{ id: number; key: string }>;
  }

  /** Rollup buckets of one node, `start_min` in [fromMin, toMin), journaled increments included. */
  rollupRows(
    rollup: Rollup,
    nodeId: number,
    fromMin: number,
    toMin: number,
  ): Array<{ startMin: number; energyUnits: number; returnedUnits: number }> {
    this.applyRollups();
    const rows = this.cached(
      `SELECT start_min AS startMin, energy_units AS energyUnits, returned_units AS returnedUnits
         FROM energy_${rollup} WHERE node_id = ? AND start_min >= ? AND start_min < ? ORDER BY start_min`,
    ).all(nodeId, fromMin, toMin) as Array<{ startMin: number; energyUnits: number; returnedUnits: number }>;
    if (this.pending.size === 0) return rows;
    // The disk refused the journal's increments just now: add them here, so no reader misses them.
    const byStart = new Map(rows.map((r) => [r.startMin, { ...r }]));
    for (const p of this.pending.rows()) {
      if (p.rollup !== rollup || p.nodeId !== nodeId || p.startMin < fromMin || p.startMin >= toMin) continue;
      const row = byStart.get(p.startMin) ?? { startMin: p.startMin, energyUnits: 0, returnedUnits: 0 };
      row.energyUnits += p.energyUnits;
      row.returnedUnits += p.returnedUnits;
      byStart.set(p.startMin, row);
    }
    return [...byStart.values()].sort((a, b) => a.startMin - b.startMin);
  }

  gaps(channelIds: readonly number[], fromS: number, toS: number): Array<{ fromS: number; toS: number }> {
    if (channelIds.length === 0) return [];
    return this.cached(
      `SELECT from_s AS fromS, to_s AS toS FROM energy_gap
         WHERE to_s > ? AND from_s < ? AND channel_id IN (SELECT value FROM json_each(?)) ORDER BY from_s`,
    ).all(fromS, toS, JSON.stringify(channelIds)) as Array<{ fromS: number; toS: number }>;
  }

  /** Drops minute rows older than `beforeMinute`; their energy lives on in the rollups. */
  pruneMinutes(beforeMinute: number): Result<number, ApiError> {
    try {
      // One primary-key range per channel: a plain `minute < ?` would scan the whole table.
      const channels = this.db.prepare('SELECT id FROM channel').pluck().all() as number[];
      const remove = this.db.prepare('DELETE FROM energy_minute WHERE channel_id = ? AND minute < ?');
      let removed = 0;
      for (const id of channels) removed += remove.run(id, beforeMinute).changes;
      // Energy that arrived late for so old a minute and was not folded yet: one key range here.
      removed += this.db
        .prepare('DELETE FROM energy_minute_recent WHERE minute < ?')
        .run(beforeMinute).changes;
      return ok(removed);
    } catch (e) {
      const mapped = storageError(e, this.path);
      if (mapped) return { ok: false, error: mapped };
      throw e;
    }
  }

  /** The raw handle, for the rollup rebuild and the benchmarks' generators only. */
  get database(): Database.Database {
    return this.db;
  }

  /** Every node's rollup bucket starting at `startMin` (today's totals after a restart). */
  rollupsStartingAt(
    rollup: Rollup,
    startMin: number,
  ): Array<{ node: string; energyUnits: number; returnedUnits: number }> {
    this.applyRollups();
    const rows = this.db
      .prepare(
        `SELECT n.node AS node, r.energy_units AS energyUnits, r.returned_units AS returnedUnits
         FROM energy_${rollup} r JOIN node n ON n.id = r.node_id WHERE r.start_min = ?`,
      )
      .all(startMin) as Array<{ node: string; energyUnits: number; returnedUnits: number }>;
    if (this.pending.size === 0) return rows;
    const nodes = new Map(this.loadNodes().map((n) => [n.id, n.key]));
    const byNode = new Map(rows.map((r) => [r.node, { ...r }]));
    for (const p of this.pending.rows()) {
      const node = nodes.get(p.nodeId);
      if (p.rollup !== rollup || p.startMin !== startMin || node === undefined) continue;
      const row = byNode.get(node) ?? { node, energyUnits: 0, returnedUnits: 0 };
      row.energyUnits += p.energyUnits;
      row.returnedUnits += p.returnedUnits;
      byNode.set(node, row);
    }
    return [...byNode.values()];
  }

  /** A cheap liveness probe for /healthz. */
  isHealthy(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch (e) {
      if (storageError(e, this.path)) return false;
      throw e;
    }
  }
}
