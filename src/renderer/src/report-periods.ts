/**
 * The periods people send reports for (yesterday, last week, this or last month, last year, or
 * whole days they pick), in the browser's local time. Calendar arithmetic only; every energy
 * figure comes from the core.
 */
import { t, type MessageKey } from './i18n/words';

export const REPORT_PERIODS = [
  'yesterday',
  'last-week',
  'this-month',
  'last-month',
  'last-year',
  'custom',
] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

const PERIOD_WORDS: Record<ReportPeriod, MessageKey> = {
  yesterday: 'report.periods.yesterday',
  'last-week': 'report.periods.lastWeek',
  'this-month': 'report.periods.thisMonth',
  'last-month': 'report.periods.lastMonth',
  'last-year': 'report.periods.lastYear',
  custom: 'report.periods.custom',
};

/** A period's name in the current language. */
export const reportPeriodLabel = (kind: ReportPeriod): string => t(PERIOD_WORDS[kind]);

/**
 * The same names for callers that index a table: each read is looked up then, so it follows a
 * language chosen after this module loaded.
 */
export const REPORT_PERIOD_LABELS: Readonly<Record<ReportPeriod, string>> = Object.defineProperties(
  {} as Record<ReportPeriod, string>,
  Object.fromEntries(
    REPORT_PERIODS.map((kind) => [kind, { enumerable: true, get: () => reportPeriodLabel(kind) }]),
  ),
);

export interface Period {
  fromMs: number;
  /** Exclusive: the midnight after the last day. */
  toMs: number;
}

const midnight = (year: number, month: number, day: number): number => new Date(year, month, day).getTime();

/** The whole local days, weeks, months or year of a preset around `nowMs`. */
export function periodSpan(kind: Exclude<ReportPeriod, 'custom'>, nowMs: number): Period {
  const now = new Date(nowMs);
  const [y, m, d] = [now.getFullYear(), now.getMonth(), now.getDate()];
  switch (kind) {
    case 'yesterday':
      return { fromMs: midnight(y, m, d - 1), toMs: midnight(y, m, d) };
    case 'last-week': {
      const monday = d - ((now.getDay() + 6) % 7);
      return { fromMs: midnight(y, m, monday - 7), toMs: midnight(y, m, monday) };
    }
    case 'this-month':
      return { fromMs: midnight(y, m, 1), toMs: midnight(y, m + 1, 1) };
    case 'last-month':
      return { fromMs: midnight(y, m - 1, 1), toMs: midnight(y, m, 1) };
    case 'last-year':
      return { fromMs: midnight(y - 1, 0, 1), toMs: midnight(y, 0, 1) };
  }
}

/** `YYYY-MM-DD` of a local day, as a `date` input holds it. */
export function toDateInput(ms: number): string {
  const t = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

/** First and last day (both included, as people say them) → a period; null when not a range. */
export function customPeriod(firstDay: string, lastDay: string): Period | null {
  const parse = (value: string): [number, number, number] | null => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return match ? [Number(match[1]), Number(match[2]) - 1, Number(match[3])] : null;
  };
  const first = parse(firstDay);
  const last = parse(lastDay);
  if (!first || !last) return null;
  const fromMs = midnight(...first);
  const toMs = midnight(last[0], last[1], last[2] + 1);
  return toMs > fromMs ? { fromMs, toMs } : null;
}
