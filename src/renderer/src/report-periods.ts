/**
 * The periods people send reports for (yesterday, last week, this or last month, last year, or
 * whole days they pick), in the site's time zone (site-calendar.ts). Calendar arithmetic only;
 * every energy figure comes from the core.
 */
import { t, type MessageKey } from './i18n/words';
import {
  fromSiteWallClock,
  plusDaysMs,
  plusMonthsMs,
  siteDate,
  startOfDayMs,
  startOfMonthMs,
  startOfWeekMs,
  startOfYearMs,
} from './site-calendar';

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

/** The whole local days, weeks, months or year of a preset around `nowMs`. */
export function periodSpan(kind: Exclude<ReportPeriod, 'custom'>, nowMs: number): Period {
  const today = startOfDayMs(nowMs);
  switch (kind) {
    case 'yesterday':
      return { fromMs: plusDaysMs(today, -1), toMs: today };
    case 'last-week': {
      const monday = startOfWeekMs(nowMs);
      return { fromMs: plusDaysMs(monday, -7), toMs: monday };
    }
    case 'this-month': {
      const first = startOfMonthMs(nowMs);
      return { fromMs: first, toMs: plusMonthsMs(first, 1) };
    }
    case 'last-month': {
      const first = startOfMonthMs(nowMs);
      return { fromMs: plusMonthsMs(first, -1), toMs: first };
    }
    case 'last-year': {
      const first = startOfYearMs(nowMs);
      return { fromMs: plusMonthsMs(first, -12), toMs: first };
    }
  }
}

/** `YYYY-MM-DD` of a day in the site's zone, as a `date` input holds it. */
export const toDateInput = siteDate;

/** First and last day (both included, as people say them) → a period; null when not a range. */
export function customPeriod(firstDay: string, lastDay: string): Period | null {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(firstDay) || !day.test(lastDay)) return null;
  const fromMs = fromSiteWallClock(firstDay);
  const last = fromSiteWallClock(lastDay);
  if (fromMs === null || last === null) return null;
  const toMs = plusDaysMs(last, 1);
  return toMs > fromMs ? { fromMs, toMs } : null;
}
