/**
 * The reads behind history, reports and CSVs. Long reads are cut into windows of about
 * WINDOW_ROWS minute rows and the reader breathes between them (read-pace.ts), so a year of
 * minutes never holds the core's thread for more than a slice. On a snapshot (history-snapshot.ts)
 * every window sees the same committed state however many batches are written in between.
 */
import type Database from 'better-sqlite3';
import type { Rollup } from './calendar';
import type { ReadPace } from './read-pace';
import type { PlaceMatch } from './store';

export interface RollupRow {
  startMin: number;
  energyUnits: number;
  returnedUnits: number;
}

export interface MinuteSum {
  minute: number;
  energyUnits: number;
  returnedUnits: number;
}

export interface BookedMinute extends MinuteSum {
  bookingId: number;
}

/** What one channel counted in a place within one bucket (`rows`: its minute rows there). */
export interface BucketSum {
  bucket: number;
  rows: number;
  energyUnits: number;
  returnedUnits: number;
}

/** Minute rows per read window: a few milliseconds of SQLite, then the reader breathes. */
export const WINDOW_ROWS = 20_000;
/** Bucket sums are read in pieces of at most a day, so a month bucket is no longer than an hour's. */
const PIECE_MIN = 1440;

/**
 * The place ids a PlaceMatch names, as a subquery: the same rows as joining `place` and comparing
 * its names (store.ts PLACE_MATCHES), without a join per minute row.
 */
const MATCHING_PLACES = `SELECT id FROM place WHERE company = :company AND (:office IS NULL OR office = :office)
  AND (:room IS NULL OR room = :room)`;
const placeParams = (place: PlaceMatch) => ({
  company: place.company,
  office: place.office ?? null,
  room: place.room ?? null,
});

/**
 * Minute rows live in two tables (migration 0010): energy_minute, keyed (channel, minute), and the
 * few recent ones in energy_minute_recent, keyed (minute, channel) until a commit folds them in.
 * Each read asks both, each by its own key: the channels' key ranges in the first, the time range
 * in the second. A minute can have a row in each; every read here adds rows up, so that is exact.
 */
const bothTables = (select: (table: 'energy_minute' | 'energy_minute_recent') => string): string =>
  `${select('energy_minute')}\n  UNION ALL\n  ${select('energy_minute_recent')}`;

/** A table's rows of the channels in [from, to), by that table's key, as `m`. */
const channelRows = (table: 'energy_minute' | 'energy_minute_recent'): string =>
  table === 'energy_minute'
    ? `json_each(:channels) AS c CROSS JOIN energy_minute AS m
         ON m.channel_id = c.value AND m.minute >= :from AND m.minute < :to WHERE true`
    : `energy_minute_recent AS m
         WHERE m.minute >= :from AND m.minute < :to AND m.channel_id IN (SELECT value FROM json_each(:channels))`;

const SQL = {
  rollup: (rollup: Rollup) =>
    `SELECT start_min AS startMin, energy_units AS energyUnits, returned_units AS returnedUnits
       FROM energy_${rollup} WHERE node_id = ? AND start_min >= ? AND start_min < ? ORDER BY start_min`,
  minutes: `${bothTables(
    (t) => `SELECT m.minute AS minute, m.energy_units AS energyUnits, m.returned_units AS returnedUnits
       FROM ${channelRows(t)}`,
  )}
    ORDER BY minute`,
  // Rows that remember no place (schema v1) count where their device is now: `placeless` lists
  // those channels, as the rollup rebuild attributes them.
  placeMinutes: `SELECT minute, sum(energyUnits) AS energyUnits, sum(returnedUnits) AS returnedUnits FROM (${bothTables(
    (t) => `SELECT m.minute AS minute, m.energy_units AS energyUnits, m.returned_units AS returnedUnits
       FROM ${channelRows(t)}
         AND m.booking_id IS NULL
         AND (m.place_id IN (${MATCHING_PLACES})
              OR (m.place_id IS NULL AND m.channel_id IN (SELECT value FROM json_each(:placeless))))`,
  )})
    GROUP BY minute ORDER BY minute`,
  bookedMinutes: `${bothTables(
    (t) => `SELECT m.minute AS minute, m.energy_units AS energyUnits, m.returned_units AS returnedUnits,
              m.booking_id AS bookingId
       FROM ${channelRows(t)} AND m.booking_id IS NOT NULL`,
  )}
    ORDER BY minute`,
  // One channel's rows in a place, summed per piece in SQLite: a key range per piece and table,
  // and no row leaves SQLite (reading them one by one into JavaScript cost twenty times as much).
  pieceSums: `WITH piece AS (SELECT key AS i, value AS s, lead(value) OVER (ORDER BY key) AS e FROM json_each(:bounds))
     SELECT piece.i AS i, (
       SELECT json_array(count(*), sum(e), sum(r)) FROM (${bothTables(
         (t) => `SELECT m.energy_units AS e, m.returned_units AS r FROM ${t} AS m
          WHERE m.channel_id = :channel AND m.minute >= piece.s AND m.minute < piece.e AND m.booking_id IS NULL
            AND ((m.place_id IS NULL AND :placeless) OR m.place_id IN (${MATCHING_PLACES}))`,
       )})
     ) AS sums
     FROM piece WHERE piece.e IS NOT NULL`,
};

export class HistoryReader {
  private readonly prepared = new Map<string, Database.Statement>();

  /**
   * `rollups`, when given, answers rollup reads instead of this connection: the store's own
   * method, which adds increments still in its journal when the disk refused to apply them.
   */
  constructor(
    private readonly db: Database.Database,
    readonly pace: ReadPace,
    private readonly rollups?: (
      rollup: Rollup,
      nodeId: number,
      fromMin: number,
      toMin: number,
    ) => RollupRow[],
  ) {}

  private statement(sql: string): Database.Statement {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Rollup buckets of one node, `start_min` in [fromMin, toMin): one bucket per row, few rows. */
  async rollupRows(rollup: Rollup, nodeId: number, fromMin: number, toMin: number): Promise<RollupRow[]> {
    await this.pace.breathe();
    if (this.rollups) return this.rollups(rollup, nodeId, fromMin, toMin);
    return this.statement(SQL.rollup(rollup)).all(nodeId, fromMin, toMin) as RollupRow[];
  }

  /** Every minute row of the channels, in minute order. */
  minutes(channelIds: readonly number[], fromMin: number, toMin: number): Promise<MinuteSum[]> {
    const channels = JSON.stringify(channelIds);
    return this.windowed(channelIds.length, fromMin, toMin, (from, to) =>
      this.statement(SQL.minutes).all({ channels, from, to }),
    );
  }

  /**
   * The minutes counted in one place, summed per minute, among `channelIds` (every channel that
   * can have been there). Rows counted under a booking are left to bookedMinutes.
   */
  placeMinutes(
    place: PlaceMatch,
    channelIds: readonly number[],
    placelessIds: readonly number[],
    fromMin: number,
    toMin: number,
  ): Promise<MinuteSum[]> {
    const channels = JSON.stringify(channelIds);
    const placeless = JSON.stringify(placelessIds);
    return this.windowed(channelIds.length, fromMin, toMin, (from, to) =>
      this.statement(SQL.placeMinutes).all({ channels, from, to, ...placeParams(place), placeless }),
    );
  }

  /** Minutes counted under a booking (metering roles in play), in minute order. */
  bookedMinutes(channelIds: readonly number[], fromMin: number, toMin: number): Promise<BookedMinute[]> {
    const channels = JSON.stringify(channelIds);
    return this.windowed(channelIds.length, fromMin, toMin, (from, to) =>
      this.statement(SQL.bookedMinutes).all({ channels, from, to }),
    );
  }

  /**
   * What one channel counted in a place per bucket, the buckets given by their bounds in minutes
   * (bucket i is [bounds[i], bounds[i + 1])). Only buckets holding at least one of its rows.
   */
  async placeBucketSums(
    place: PlaceMatch,
    channelId: number,
    isPlaceless: boolean,
    bounds: readonly number[],
  ): Promise<BucketSum[]> {
    // Pieces of at most a day, each remembering its bucket.
    const pieceBounds: number[] = [];
    const pieceBucket: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const end = bounds[i + 1] as number;
      for (let s = bounds[i] as number; s < end; s = Math.min(end, s + PIECE_MIN)) {
        pieceBounds.push(s);
        pieceBucket.push(i);
      }
    }
    const out = new Map<number, BucketSum>();
    const perWindow = Math.max(1, Math.floor(WINDOW_ROWS / PIECE_MIN));
    for (let first = 0; first < pieceBounds.length; first += perWindow) {
      const last = Math.min(pieceBounds.length, first + perWindow);
      // The window's bounds, closed by the next piece's start (or the last bucket's end).
      const windowBounds = pieceBounds.slice(first, last);
      windowBounds.push(
        last < pieceBounds.length ? (pieceBounds[last] as number) : (bounds.at(-1) as number),
      );
      const rows = this.statement(SQL.pieceSums).all({
        bounds: JSON.stringify(windowBounds),
        channel: channelId,
        placeless: isPlaceless ? 1 : 0,
        ...placeParams(place),
      }) as Array<{ i: number; sums: string }>;
      for (const row of rows) {
        const [count, energy, returned] = JSON.parse(row.sums) as [number, number | null, number | null];
        if (count === 0) continue;
        const bucket = pieceBucket[first + row.i] as number;
        const sum = out.get(bucket) ?? { bucket, rows: 0, energyUnits: 0, returnedUnits: 0 };
        sum.rows += count;
        sum.energyUnits += energy ?? 0;
        sum.returnedUnits += returned ?? 0;
        out.set(bucket, sum);
      }
      await this.pace.breathe();
    }
    return [...out.values()];
  }

  /**
   * Runs a minute-ordered read in windows of about WINDOW_ROWS rows (all at once when the pace
   * never yields), breathing between them. Windows are consecutive, so the rows stay in order.
   */
  private async windowed<T>(
    channels: number,
    fromMin: number,
    toMin: number,
    read: (from: number, to: number) => unknown[],
  ): Promise<T[]> {
    if (channels === 0 || toMin <= fromMin) return [];
    if (!this.pace.cooperative) return read(fromMin, toMin) as T[];
    const span = Math.max(60, Math.floor(WINDOW_ROWS / channels));
    const out: T[] = [];
    for (let from = fromMin; from < toMin; from += span) {
      await this.pace.breathe();
      for (const row of read(from, Math.min(toMin, from + span)) as T[]) out.push(row);
    }
    return out;
  }
}
