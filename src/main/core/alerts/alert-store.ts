/**
 * The `alert` table (migration 0005): one row per fault and subject. Only this module writes it.
 * Writes are single statements or one short transaction, never interleaved with an ingest batch
 * (better-sqlite3 is synchronous).
 */
import type Database from 'better-sqlite3';
import type { AlertKind } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { guardedWrite } from '../store/storage-error';

export interface AlertRow {
  id: number;
  key: string;
  kind: AlertKind;
  severity: 'info' | 'warning' | 'error';
  node: string | null;
  path: string | null;
  message: string;
  /** JSON text of the technical detail, or null. */
  detail: string | null;
  count: number;
  firstMs: number;
  lastMs: number;
  ackedMs: number | null;
  ackedBy: string | null;
  clearedMs: number | null;
  /** When the fault ended by itself (a device back online); the alert stays until cleared. */
  resolvedMs: number | null;
}

/** One occurrence of a fault, as raised (before it is counted against what is stored). */
export type Occurrence = Pick<AlertRow, 'key' | 'kind' | 'severity' | 'node' | 'path' | 'message' | 'detail'>;

const toRow = (r: Record<string, unknown>): AlertRow => ({
  id: r.id as number,
  key: r.dedup_key as string,
  kind: r.kind as AlertKind,
  severity: r.severity as AlertRow['severity'],
  node: r.node as string | null,
  path: r.path as string | null,
  message: r.message as string,
  detail: r.detail as string | null,
  count: r.count as number,
  firstMs: r.first_ms as number,
  lastMs: r.last_ms as number,
  ackedMs: r.acked_ms as number | null,
  ackedBy: r.acked_by as string | null,
  clearedMs: r.cleared_ms as number | null,
  resolvedMs: (r.resolved_ms ?? null) as number | null,
});

export class AlertStore {
  private readonly byKey;
  private readonly byId;
  private readonly insert;
  private readonly repeat;
  private readonly remove;
  private readonly ackRow;
  private readonly clearRow;
  private readonly resolveRow;
  private readonly record: (o: Occurrence, atMs: number) => AlertRow;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    this.byKey = db.prepare('SELECT * FROM alert WHERE dedup_key = ?');
    this.byId = db.prepare('SELECT * FROM alert WHERE id = ?');
    this.insert = db.prepare(
      `INSERT INTO alert (dedup_key, kind, severity, node, path, message, detail, count, first_ms, last_ms)
       VALUES (@key, @kind, @severity, @node, @path, @message, @detail, 1, @atMs, @atMs) RETURNING *`,
    );
    // The latest words and place win: a device renamed or moved since is named as it is now.
    this.repeat = db.prepare(
      `UPDATE alert SET count = count + 1, last_ms = max(last_ms, @atMs), severity = @severity,
         node = @node, path = @path, message = @message, detail = @detail, resolved_ms = NULL
       WHERE id = @id RETURNING *`,
    );
    this.remove = db.prepare('DELETE FROM alert WHERE id = ?');
    this.ackRow = db.prepare(
      'UPDATE alert SET acked_ms = ?, acked_by = ? WHERE id = ? AND acked_ms IS NULL AND cleared_ms IS NULL',
    );
    this.clearRow = db.prepare('UPDATE alert SET cleared_ms = ? WHERE id = ? AND cleared_ms IS NULL');
    this.resolveRow = db.prepare(
      `UPDATE alert SET resolved_ms = @atMs
       WHERE dedup_key = @key AND cleared_ms IS NULL AND resolved_ms IS NULL RETURNING *`,
    );
    this.record = db.transaction((o: Occurrence, atMs: number): AlertRow => {
      const found = this.byKey.get(o.key) as Record<string, unknown> | undefined;
      const open = found && found.acked_ms === null && found.cleared_ms === null;
      if (found && open)
        return toRow(this.repeat.get({ ...o, atMs, id: found.id }) as Record<string, unknown>);
      // Acknowledged or cleared: this is news again, under a new id nobody has acknowledged.
      if (found) this.remove.run(found.id);
      return toRow(this.insert.get({ ...o, atMs }) as Record<string, unknown>);
    });
  }

  /** Counts the occurrence on its open alert, or opens one. */
  raise(o: Occurrence, atMs: number): Result<AlertRow, ApiError> {
    return this.guard(() => this.record(o, atMs));
  }

  /** Marks the open alert of this fault as over; undefined when none is open (or it already is). */
  resolve(key: string, atMs: number): Result<AlertRow | undefined, ApiError> {
    return this.guard(() => {
      const r = this.resolveRow.get({ key, atMs }) as Record<string, unknown> | undefined;
      return r ? toRow(r) : undefined;
    });
  }

  get(id: number): AlertRow | undefined {
    const r = this.byId.get(id) as Record<string, unknown> | undefined;
    return r ? toRow(r) : undefined;
  }

  /** Newest activity first. */
  list(options: { kinds?: readonly AlertKind[]; includeCleared: boolean; limit: number }): AlertRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM alert
         WHERE (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
           AND (@includeCleared = 1 OR cleared_ms IS NULL)
         ORDER BY last_ms DESC, id DESC LIMIT @limit`,
      )
      .all({
        kinds: options.kinds ? JSON.stringify(options.kinds) : null,
        includeCleared: options.includeCleared ? 1 : 0,
        limit: options.limit,
      }) as Array<Record<string, unknown>>;
    return rows.map(toRow);
  }

  acknowledge(id: number, by: string, atMs: number): Result<AlertRow, ApiError> {
    return this.change(id, () => this.ackRow.run(atMs, by, id));
  }

  clear(id: number, atMs: number): Result<AlertRow, ApiError> {
    return this.change(id, () => this.clearRow.run(atMs, id));
  }

  /** Clears every open alert (of these kinds); returns the rows it cleared. */
  clearAll(kinds: readonly AlertKind[] | undefined, atMs: number): Result<AlertRow[], ApiError> {
    return this.guard(() =>
      (
        this.db
          .prepare(
            `UPDATE alert SET cleared_ms = @atMs
             WHERE cleared_ms IS NULL AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
             RETURNING *`,
          )
          .all({ atMs, kinds: kinds ? JSON.stringify(kinds) : null }) as Array<Record<string, unknown>>
      ).map(toRow),
    );
  }

  /** An acknowledgement or clearing: done once, and a repeat of it changes nothing. */
  private change(id: number, write: () => unknown): Result<AlertRow, ApiError> {
    const written = this.guard(write);
    if (!written.ok) return written;
    const row = this.get(id);
    if (!row)
      return err(
        'not-found',
        'No such alert: it was cleared and has happened again since, or it never existed. Reload the alerts.',
      );
    return ok(row);
  }

  private guard<T>(write: () => T): Result<T, ApiError> {
    return guardedWrite(this.path, write);
  }
}
