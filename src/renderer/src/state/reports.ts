/**
 * Reports people send: the CSV (fetched through the contract, then handed to the browser as a
 * file, so the dialog can say which file arrived and whether the period had data) and the
 * printed report's route (`#report?node=…&from=…&to=…`), which any node's details link to.
 */
import type { CommandParams, ReportSummary } from '../../../shared/contract';
import { saveDownload } from '../download';
import type { ApiError, Result } from '../../../shared/result';
import { api } from './actions';

export type CsvParams = CommandParams<'report.csv'> & { perChild: boolean; zone: 'local' | 'utc' };

/** The headless bridge's download address for the same report (a link people can copy). */
export function csvUrl(params: CsvParams): string {
  const query = new URLSearchParams({
    node: params.node,
    from: params.from,
    to: params.to,
    resolution: params.resolution ?? 'auto',
    perChild: String(params.perChild),
    zone: params.zone,
  });
  return `/api/report.csv?${query.toString()}`;
}

export interface SavedReport {
  filename: string;
  /** Interval rows (the totals row left out); 0: the period has no data. */
  rows: number;
}

/** Asks the core for the CSV and saves it through the browser's download. */
export async function downloadCsv(params: CsvParams): Promise<Result<SavedReport, ApiError>> {
  const reply = await api().invoke('report.csv', params);
  if (!reply.ok) return reply;
  saveDownload(new Blob([reply.value.csv], { type: 'text/csv;charset=utf-8' }), reply.value.filename);
  return { ok: true, value: { filename: reply.value.filename, rows: reply.value.rows } };
}

// ---- the printed report's route ----------------------------------------------------------------

export interface ReportRoute {
  node: string;
  fromMs: number;
  toMs: number;
}

const ROUTE = '#report?';

export function reportHash(route: ReportRoute): string {
  const query = new URLSearchParams({
    node: route.node,
    from: new Date(route.fromMs).toISOString(),
    to: new Date(route.toMs).toISOString(),
  });
  return `${ROUTE}${query.toString()}`;
}

/** The route a location hash names, or null (not a report, or a malformed one). */
export function parseReportHash(hash: string): ReportRoute | null {
  if (!hash.startsWith(ROUTE)) return null;
  const query = new URLSearchParams(hash.slice(ROUTE.length));
  const node = query.get('node');
  const fromMs = Date.parse(query.get('from') ?? '');
  const toMs = Date.parse(query.get('to') ?? '');
  if (!node || !Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) return null;
  return { node, fromMs, toMs };
}

export async function loadReportSummary(route: ReportRoute): Promise<Result<ReportSummary, ApiError>> {
  return api().invoke('report.summary', {
    node: route.node,
    from: new Date(route.fromMs).toISOString(),
    to: new Date(route.toMs).toISOString(),
    resolution: 'auto',
  });
}
