/**
 * Turning scenario results into rows: median, min–max, paired ratio, target met or not, and the
 * table (plain text for the terminal, Markdown for the README) with the change against the
 * previous run of the same mode.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { formatNumber, max, median, min, pairRatios } from './stats';
import type { ScenarioResult, Target } from './types';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every number. */
  loadAvg1: number;
}

export interface Row {
  name: string;
  metric: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  samples: number[];
  baseline?: { metric: string; median: number; min: number; max: number; samples: number[] };
  ratio?: number;
  ratioMin?: number;
  ratioMax?: number;
  target: string;
  met: boolean;
  notes?: string[];
  details?: Record<string, unknown>;
  /** Set when the scenario could not run; the row then has no numbers. */
  error?: string;
}

export interface Results {
  machine: Machine;
  quick: boolean;
  startedAt: string;
  durationS: number;
  command: string;
  /** The 1-minute load average as each scenario started. */
  loadAvg1: Record<string, number>;
  scenarios: Row[];
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAvg1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function describeTarget(target: Target): string {
  if (target.of === 'ratio') return `ratio ≥ ${target.atLeast}`;
  return 'below' in target ? `< ${formatNumber(target.below)}` : `≥ ${formatNumber(target.atLeast)}`;
}

function meets(target: Target, value: number, ratio: number | undefined): boolean {
  if (target.of === 'ratio') return ratio !== undefined && ratio >= target.atLeast;
  return 'below' in target ? value < target.below : value >= target.atLeast;
}

export function toRow(result: ScenarioResult): Row {
  const row: Row = {
    name: result.name,
    metric: result.metric,
    unit: result.unit,
    median: median(result.samples),
    min: min(result.samples),
    max: max(result.samples),
    samples: result.samples,
    target: describeTarget(result.target),
    met: false,
  };
  if (result.baseline) {
    const b = result.baseline.samples;
    row.baseline = {
      metric: result.baseline.metric,
      median: median(b),
      min: min(b),
      max: max(b),
      samples: b,
    };
    const ratios = pairRatios(result.samples, b);
    row.ratio = median(ratios);
    row.ratioMin = min(ratios);
    row.ratioMax = max(ratios);
  }
  const conditions = result.conditions ?? [];
  row.met =
    result.samples.length > 0 &&
    meets(result.target, row.median, row.ratio) &&
    conditions.every((c) => c.isMet);
  for (const c of conditions) (result.notes ??= []).push(`${c.isMet ? 'met' : 'NOT met'}: ${c.label}`);
  if (result.notes) row.notes = result.notes;
  if (result.details) row.details = result.details;
  return row;
}

export function failedRow(name: string, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    metric: '—',
    unit: '',
    median: Number.NaN,
    min: Number.NaN,
    max: Number.NaN,
    samples: [],
    target: '—',
    met: false,
    error: message,
  };
}

const HEADERS = ['scenario', 'metric', 'median', 'min–max', 'baseline (median)', 'ratio', 'target', 'met'];

function cells(row: Row, previous: Row | undefined): string[] {
  if (row.error) return [row.name, 'FAILED', '—', '—', '—', '—', '—', 'no'];
  const unit = row.unit ? ` ${row.unit}` : '';
  let change = '';
  if (previous && !previous.error && Number.isFinite(previous.median) && previous.median !== 0) {
    const pct = ((row.median - previous.median) / previous.median) * 100;
    change = ` (${pct >= 0 ? '+' : ''}${pct.toFixed(0)}% vs prev)`;
  }
  const ratio =
    row.ratio === undefined
      ? '—'
      : `${row.ratio.toFixed(2)}${row.ratioMin !== undefined && row.samples.length > 1 ? ` (${row.ratioMin.toFixed(2)}–${(row.ratioMax as number).toFixed(2)})` : ''}`;
  return [
    row.name,
    row.metric,
    `${formatNumber(row.median)}${unit}${change}`,
    `${formatNumber(row.min)}–${formatNumber(row.max)}`,
    row.baseline ? `${formatNumber(row.baseline.median)}${unit}` : '—',
    ratio,
    row.target,
    row.met ? 'yes' : 'NO',
  ];
}

export function textTable(rows: Row[], previous: Row[] = []): string {
  const body = rows.map((r) =>
    cells(
      r,
      previous.find((p) => p.name === r.name),
    ),
  );
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] as number)).join('  ');
  return [line(HEADERS), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(rows: Row[]): string {
  const body = rows.map((r) => cells(r, undefined));
  const line = (c: string[]) => `| ${c.map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(HEADERS), `|${HEADERS.map(() => '---').join('|')}|`, ...body.map(line)].join('\n');
}
