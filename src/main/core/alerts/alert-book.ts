/**
 * Turns what the core raises into alerts that stay: stored, counted per fault and subject, with
 * the place spelled out and the technical detail kept apart from the words. Every alert the core
 * emits passes through `raise`; the `alert` event carries what it returns.
 */
import type { Alert, AlertKind, RaisedAlert } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { alertSubject } from '../alert-id';
import type { SiteRegistry } from '../site/registry';
import { nodePath } from './alert-path';
import type { AlertRow, AlertStore } from './alert-store';

/** Technical detail beyond this is cut: it is read by people, and a hostile sample could be large. */
const MAX_DETAIL_CHARS = 4000;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The same fault about the same thing: its kind and what its id says it is about. */
export const alertKey = (raised: Pick<RaisedAlert, 'kind' | 'id'>): string =>
  `${raised.kind}|${alertSubject(raised.id)}`;

function detailText(detail: unknown): string | null {
  if (detail === undefined) return null;
  const json = JSON.stringify(detail) ?? null;
  if (json === null || json.length <= MAX_DETAIL_CHARS) return json;
  return JSON.stringify({
    cut: `first ${MAX_DETAIL_CHARS} characters`,
    text: json.slice(0, MAX_DETAIL_CHARS),
  });
}

/** `name: value` lines, for the disclosure under an alert. */
function technicalText(row: Pick<AlertRow, 'kind' | 'node' | 'detail' | 'key'>, detail: unknown): string {
  const lines = [`kind: ${row.kind}`, `key: ${row.key}`];
  if (row.node) lines.push(`node: ${row.node}`);
  if (detail !== null && typeof detail === 'object' && !Array.isArray(detail)) {
    for (const [name, value] of Object.entries(detail))
      lines.push(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  } else if (detail !== null && detail !== undefined) lines.push(`detail: ${JSON.stringify(detail)}`);
  return lines.join('\n');
}

function parseDetail(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // Only this module writes the column; a row edited by hand still shows what it holds.
    if (e instanceof SyntaxError) return text;
    throw e;
  }
}

export function alertOfRow(row: AlertRow): Alert {
  const detail = parseDetail(row.detail);
  return {
    id: String(row.id),
    at: new Date(row.lastMs).toISOString(),
    severity: row.severity,
    kind: row.kind,
    message: row.message,
    ...(row.node !== null && { node: row.node }),
    ...(detail !== null && { detail }),
    key: row.key,
    count: row.count,
    firstAt: new Date(row.firstMs).toISOString(),
    path: row.path,
    technical: technicalText(row, detail),
    ackedAt: iso(row.ackedMs),
    ackedBy: row.ackedBy,
    clearedAt: iso(row.clearedMs),
    resolvedAt: iso(row.resolvedMs),
  };
}

export class AlertBook {
  private unsaved = 0;

  constructor(private readonly deps: { store: AlertStore; registry: SiteRegistry; clock: () => number }) {}

  /** Stores (or counts) what was raised and returns the alert to show. */
  raise(raised: RaisedAlert): Alert {
    const atMs = Date.parse(raised.at);
    const occurrence = {
      key: alertKey(raised),
      kind: raised.kind,
      severity: raised.severity,
      node: raised.node ?? null,
      path: nodePath(this.deps.registry, raised.node),
      message: raised.message,
      detail: detailText(raised.detail),
    };
    const stored = this.deps.store.raise(occurrence, atMs);
    if (stored.ok) return alertOfRow(stored.value);
    // The database cannot be written (the storage alert says why): the alert is still shown,
    // under an id that says it was not saved, and counted nowhere.
    this.unsaved += 1;
    const alert = alertOfRow({
      ...occurrence,
      id: 0,
      count: 1,
      firstMs: atMs,
      lastMs: atMs,
      ackedMs: null,
      ackedBy: null,
      clearedMs: null,
      resolvedMs: null,
    });
    return {
      ...alert,
      id: `unsaved-${this.unsaved}`,
      technical: `${alert.technical}\nnot saved: ${stored.error.message}`,
    };
  }

  /**
   * The fault of `raised`'s kind about the same subject is over (a device back online ends its
   * "went offline"): its open alert says so and stays. Null when none was open.
   */
  resolve(kind: AlertKind, subjectOf: Pick<RaisedAlert, 'id'>, atMs: number): Result<Alert | null, ApiError> {
    const row = this.deps.store.resolve(alertKey({ kind, id: subjectOf.id }), atMs);
    if (!row.ok) return row;
    return ok(row.value ? alertOfRow(row.value) : null);
  }

  list(options: { kinds?: readonly AlertKind[]; includeCleared: boolean; limit: number }): Alert[] {
    return this.deps.store.list(options).map(alertOfRow);
  }

  acknowledge(id: string, by: string): Result<Alert, ApiError> {
    const rowId = this.rowId(id);
    if (!rowId.ok) return rowId;
    const row = this.deps.store.acknowledge(rowId.value, by, this.deps.clock());
    return row.ok ? ok(alertOfRow(row.value)) : row;
  }

  clear(id: string): Result<Alert, ApiError> {
    const rowId = this.rowId(id);
    if (!rowId.ok) return rowId;
    const row = this.deps.store.clear(rowId.value, this.deps.clock());
    return row.ok ? ok(alertOfRow(row.value)) : row;
  }

  clearAll(kinds: readonly AlertKind[] | undefined): Result<Alert[], ApiError> {
    const rows = this.deps.store.clearAll(kinds, this.deps.clock());
    return rows.ok ? ok(rows.value.map(alertOfRow)) : rows;
  }

  private rowId(id: string): Result<number, ApiError> {
    if (id.startsWith('unsaved-'))
      return err(
        'not-found',
        'This alert was raised while the database could not be written, so it was never saved and cannot be acknowledged or cleared.',
      );
    const n = Number(id);
    if (!/^[1-9][0-9]{0,15}$/.test(id) || !Number.isSafeInteger(n))
      return err('invalid-params', `id: "${id}" is not an alert id (alert ids are whole numbers).`);
    return ok(n);
  }
}
