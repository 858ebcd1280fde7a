/** Reading the audit trail: a filtered list, and the same as a CSV file. Nothing edits it. */
import { stringify } from 'csv-stringify/sync';
import type { AuditEntry, ParsedParams } from '../../../shared/contract';
import { ok } from '../../../shared/result';
import type { AuditFilter, AuditStore } from '../audit/audit-store';
import type { CommandPart } from './part';

const COLUMNS: Array<keyof AuditEntry> = [
  'at',
  'role',
  'actor',
  'action',
  'target',
  'before',
  'after',
  'outcome',
  'detail',
];

function filterOf(p: ParsedParams<'audit.query'>): AuditFilter {
  return {
    ...(p.from !== undefined && { fromMs: Date.parse(p.from) }),
    ...(p.to !== undefined && { toMs: Date.parse(p.to) }),
    ...(p.action !== undefined && { action: p.action }),
    ...(p.outcome !== undefined && { outcome: p.outcome }),
    ...(p.actor !== undefined && { actor: p.actor }),
    limit: p.limit,
  };
}

export function auditCommands(deps: {
  audit: AuditStore;
  clock(): number;
}): CommandPart<'audit.query' | 'audit.csv'> {
  return {
    'audit.query': (params) => ok({ entries: deps.audit.query(filterOf(params)) }),
    'audit.csv': (params) => {
      const entries = deps.audit.query(filterOf(params));
      // A BOM and CRLF, like the energy reports: Excel opens it as UTF-8 without an import dialog.
      const csv =
        '\uFEFF' +
        stringify(
          entries.map((e) => COLUMNS.map((c) => e[c])),
          { header: true, columns: COLUMNS, record_delimiter: '\r\n' },
        );
      const day = new Date(deps.clock()).toISOString().slice(0, 10);
      return ok({ fileName: `kilowatch-audit-${day}.csv`, csv });
    },
  };
}
