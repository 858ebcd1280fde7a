/**
 * The minute table the ingest floors write: shaped like energy_minute (same columns, same pragmas)
 * but with nothing else around it, so a floor pays only for storing the minute.
 *
 * The key is energy_minute's, (channel, minute), or the other way round. Keyed by channel, a batch
 * of five minutes of a thousand channels touches a thousand leaf pages, each rewritten to the WAL;
 * keyed by minute, it appends to a few. The time-major floor shows what that layout would be worth
 * (its cost: a channel's minutes are no longer together for the per-device queries).
 */
import Database from 'better-sqlite3';

export interface MinuteTable {
  /** Inserts `length / 3` rows from a flat [channel, minute, units]* array, in one transaction. */
  insertBatch(rows: ArrayLike<number>, length: number): void;
  sumUnits(): number;
  close(): void;
}

export type MinuteKey = 'channel-minute' | 'minute-channel';

/** `key` applies when the table is created; a second opener (the writer thread) gets what is there. */
export function openMinuteTable(path: string, key: MinuteKey = 'channel-minute'): MinuteTable {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS energy_minute (
    channel_id INTEGER NOT NULL, minute INTEGER NOT NULL, energy_units INTEGER NOT NULL,
    returned_units INTEGER NOT NULL, gap_from_s REAL, place_id INTEGER,
    PRIMARY KEY (${key === 'channel-minute' ? 'channel_id, minute' : 'minute, channel_id'})) WITHOUT ROWID`);
  const insert = db.prepare('INSERT INTO energy_minute VALUES (?, ?, ?, 0, NULL, 1)');
  const insertBatch = db.transaction((rows: ArrayLike<number>, length: number) => {
    for (let i = 0; i < length; i += 3) insert.run(rows[i], rows[i + 1], rows[i + 2]);
  });
  return {
    insertBatch: (rows, length) => void insertBatch(rows, length),
    sumUnits: () =>
      (
        db.prepare('SELECT coalesce(sum(energy_units), 0) AS units FROM energy_minute').get() as {
          units: number;
        }
      ).units,
    close: () => db.close(),
  };
}
