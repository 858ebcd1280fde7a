/**
 * Time ranges the staff pick (today, 7 days, 30 days, 12 months, custom), in the site's time zone
 * (site-calendar.ts). Only calendar arithmetic lives here; every energy figure comes from the core.
 */
import { t, type MessageKey } from './i18n/words';
import {
  fromSiteWallClock,
  plusDaysMs,
  plusMonthsMs,
  siteDateTime,
  startOfDayMs,
  startOfMonthMs as monthStart,
  startOfWeekMs as weekStart,
} from './site-calendar';

export const RANGE_KINDS = ['today', '7d', '30d', '12m', 'custom'] as const;
export type RangeKind = (typeof RANGE_KINDS)[number];

const RANGE_LABELS: Record<RangeKind, MessageKey> = {
  today: 'details.range.today',
  '7d': 'details.range.7d',
  '30d': 'details.range.30d',
  '12m': 'details.range.12m',
  custom: 'details.range.custom',
};
export const rangeLabel = (kind: RangeKind): string => t(RANGE_LABELS[kind]);

export interface Span {
  fromMs: number;
  toMs: number;
}

/** Whole local days (or months) ending with the current one, so the axis shows complete periods. */
export function presetSpan(kind: Exclude<RangeKind, 'custom'>, nowMs: number): Span {
  const today = startOfDayMs(nowMs);
  const tomorrow = plusDaysMs(today, 1);
  switch (kind) {
    case 'today':
      return { fromMs: today, toMs: tomorrow };
    case '7d':
      return { fromMs: plusDaysMs(today, -6), toMs: tomorrow };
    case '30d':
      return { fromMs: plusDaysMs(today, -29), toMs: tomorrow };
    case '12m': {
      const month = startOfMonthMs(nowMs);
      return { fromMs: plusMonthsMs(month, -11), toMs: plusMonthsMs(month, 1) };
    }
  }
}

/**
 * The same instant one period earlier, by the calendar of the range: a year back for 12 months,
 * whole days back for the day ranges (so 09:00 stays 09:00 across DST), the span's length for custom.
 */
export function shiftBack(kind: RangeKind, span: Span, ms: number): number {
  if (kind === '12m') return plusMonthsMs(ms, -12);
  if (kind !== 'custom') {
    const days = Math.round((span.toMs - span.fromMs) / 86_400_000);
    return plusDaysMs(ms, -days);
  }
  return ms - (span.toMs - span.fromMs);
}

/** The period just before, of the same calendar length, for "compare with previous period". */
export function previousSpan(kind: RangeKind, span: Span): Span {
  return { fromMs: shiftBack(kind, span, span.fromMs), toMs: shiftBack(kind, span, span.toMs) };
}

/** Bucket sizes a chart may ask the core for; 'auto' lets the core choose by the span's length. */
export const CHART_RESOLUTIONS = ['auto', 'minute', 'hour', 'day', 'month'] as const;
export type ChartResolution = (typeof CHART_RESOLUTIONS)[number];

const RESOLUTION_LABELS: Record<ChartResolution, MessageKey> = {
  auto: 'details.resolution.auto',
  minute: 'details.resolution.minute',
  hour: 'details.resolution.hour',
  day: 'details.resolution.day',
  month: 'details.resolution.month',
};
export const resolutionLabel = (resolution: ChartResolution): string => t(RESOLUTION_LABELS[resolution]);

/** Roughly how many buckets of each size fit in a span: the chart refuses unreadable choices. */
const APPROX_MS: Record<Exclude<ChartResolution, 'auto'>, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  month: 30 * 86_400_000,
};
/** More bars than this are unreadable on a 1366-pixel screen. */
export const MAX_CHART_BUCKETS = 400;

/**
 * Each preset reads in its natural unit: today by the hour, 7 and 30 days by the day, 12 months
 * by the month. A custom range uses what the user picked ('auto' lets the core choose).
 */
export function chartResolution(kind: RangeKind, custom: ChartResolution = 'auto'): ChartResolution {
  switch (kind) {
    case 'today':
      return 'hour';
    case '7d':
    case '30d':
      return 'day';
    case '12m':
      return 'month';
    case 'custom':
      return custom;
  }
}

/** The bucket sizes that give a readable chart for this span (never zero or hundreds of bars). */
export function usableResolutions(span: Span): ChartResolution[] {
  const length = span.toMs - span.fromMs;
  return CHART_RESOLUTIONS.filter((r) => {
    if (r === 'auto') return true;
    const count = length / APPROX_MS[r];
    return count <= MAX_CHART_BUCKETS && count >= 1;
  });
}

/** The site's midnight starting the day of `ms`. */
export const dayStartMs = startOfDayMs;

/** Monday 00:00 of the current week, in the site's zone. */
export const startOfWeekMs = (nowMs: number): number => weekStart(nowMs);

/** The 1st of the current month, 00:00 in the site's zone. */
export const startOfMonthMs = (nowMs: number): number => monthStart(nowMs);

/** `datetime-local` input value ↔ epoch ms, in the site's wall-clock time. */
export const toLocalInput = siteDateTime;

export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  return fromSiteWallClock(value);
}

export const iso = (ms: number): string => new Date(ms).toISOString();
