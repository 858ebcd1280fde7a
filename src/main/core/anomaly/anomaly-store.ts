/**
 * The anomaly tables (migration 0009): rules set on nodes, episodes under way, and since when each
 * relay has been on. Only this module writes them; each write is one statement.
 */
import type Database from 'better-sqlite3';
import { RULE_KINDS, type RuleKind } from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import { guardedWrite } from '../store/storage-error';
import { parseSetting, type RuleSetting } from './rule-kinds';

export interface StoredRule {
  node: string;
  kind: RuleKind;
  setting: RuleSetting;
}

const isRuleKind = (kind: string): kind is RuleKind => (RULE_KINDS as readonly string[]).includes(kind);

export class AnomalyStore {
  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {}

  /** The stored rules, and in words each row set aside (edited by hand into something invalid). */
  loadRules(): { rules: StoredRule[]; setAside: string[] } {
    const rows = this.db
      .prepare('SELECT node, kind, params FROM anomaly_rule ORDER BY node, kind')
      .all() as Array<{
      node: string;
      kind: string;
      params: string;
    }>;
    const rules: StoredRule[] = [];
    const setAside: string[] = [];
    for (const row of rows) {
      const parsed = isRuleKind(row.kind) ? parseSetting(row.kind, parseJson(row.params)) : null;
      if (parsed?.ok) rules.push({ node: row.node, kind: row.kind as RuleKind, setting: parsed.value });
      else
        setAside.push(
          `the ${row.kind} rule of ${row.node} (${parsed ? parsed.error.message : 'no such rule kind'})`,
        );
    }
    return { rules, setAside };
  }

  saveRule(node: string, kind: RuleKind, setting: RuleSetting | null, atMs: number): Result<void, ApiError> {
    return guardedWrite(this.path, () => {
      if (setting === null)
        this.db.prepare('DELETE FROM anomaly_rule WHERE node = ? AND kind = ?').run(node, kind);
      else
        this.db
          .prepare(
            `INSERT INTO anomaly_rule (node, kind, params, set_ms) VALUES (?, ?, ?, ?)
             ON CONFLICT (node, kind) DO UPDATE SET params = excluded.params, set_ms = excluded.set_ms`,
          )
          .run(node, kind, JSON.stringify(setting), atMs);
    });
  }

  loadEpisodes(): Map<string, number> {
    const rows = this.db
      .prepare('SELECT subject, started_ms AS startedMs FROM anomaly_episode')
      .all() as Array<{
      subject: string;
      startedMs: number;
    }>;
    return new Map(rows.map((r) => [r.subject, r.startedMs]));
  }

  startEpisode(subject: string, atMs: number): Result<void, ApiError> {
    return guardedWrite(this.path, () => {
      this.db
        .prepare('INSERT OR REPLACE INTO anomaly_episode (subject, started_ms) VALUES (?, ?)')
        .run(subject, atMs);
    });
  }

  endEpisode(subject: string): Result<void, ApiError> {
    return guardedWrite(this.path, () => {
      this.db.prepare('DELETE FROM anomaly_episode WHERE subject = ?').run(subject);
    });
  }

  loadOnSince(): Map<string, number> {
    const rows = this.db.prepare('SELECT channel, since_ms AS sinceMs FROM relay_on_since').all() as Array<{
      channel: string;
      sinceMs: number;
    }>;
    return new Map(rows.map((r) => [r.channel, r.sinceMs]));
  }

  /** `sinceMs` null: the relay is off. */
  saveOnSince(channel: string, sinceMs: number | null): Result<void, ApiError> {
    return guardedWrite(this.path, () => {
      if (sinceMs === null) this.db.prepare('DELETE FROM relay_on_since WHERE channel = ?').run(channel);
      else
        this.db
          .prepare('INSERT OR REPLACE INTO relay_on_since (channel, since_ms) VALUES (?, ?)')
          .run(channel, sinceMs);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // A row edited by hand: set aside by parseSetting, with the rest of the rules kept.
    if (e instanceof SyntaxError) return text;
    throw e;
  }
}
