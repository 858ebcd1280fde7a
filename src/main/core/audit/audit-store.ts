/**
 * The `audit` table (migration 0006). Only appended to: the schema's triggers refuse updates and
 * deletions, and this module has no statement for either.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditOutcome, Role } from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import { guardedWrite } from '../store/storage-error';

export interface AuditRecord {
  atMs: number;
  role: Role;
  actor: string;
  action: string;
  target: string | null;
  before: string | null;
  after: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

export interface AuditFilter {
  fromMs?: number;
  toMs?: number;
  action?: string;
  outcome?: AuditOutcome;
  actor?: string;
  limit: number;
}

const toEntry = (r: Record<string, unknown>): AuditEntry => ({
  id: r.id as number,
  at: new Date(r.at_ms as number).toISOString(),
  role: r.role as Role,
  actor: r.actor as string,
  action: r.action as string,
  target: r.target as string | null,
  before: r.before as string | null,
  after: r.after as string | null,
  outcome: r.outcome as AuditOutcome,
  detail: r.detail as string | null,
});

export class AuditStore {
  private readonly insert;
  private readonly select;

  constructor(
    db: Database.Database,
    private readonly path: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit (at_ms, role, actor, action, target, before, after, outcome, detail)
       VALUES (@atMs, @role, @actor, @action, @target, @before, @after, @outcome, @detail)`,
    );
    // An actor filter matches a part of the name, taken literally (a % or _ typed is not a wildcard).
    this.select = db.prepare(
      `SELECT * FROM audit
       WHERE (@fromMs IS NULL OR at_ms >= @fromMs) AND (@toMs IS NULL OR at_ms < @toMs)
         AND (@action IS NULL OR action = @action) AND (@outcome IS NULL OR outcome = @outcome)
         AND (@actor IS NULL OR instr(lower(actor), lower(@actor)) > 0)
       ORDER BY at_ms DESC, id DESC LIMIT @limit`,
    );
  }

  append(record: AuditRecord): Result<void, ApiError> {
    return guardedWrite(this.path, () => void this.insert.run(record));
  }

  query(filter: AuditFilter): AuditEntry[] {
    const rows = this.select.all({
      fromMs: filter.fromMs ?? null,
      toMs: filter.toMs ?? null,
      action: filter.action ?? null,
      outcome: filter.outcome ?? null,
      actor: filter.actor ?? null,
      limit: filter.limit,
    }) as Array<Record<string, unknown>>;
    return rows.map(toEntry);
  }
}
