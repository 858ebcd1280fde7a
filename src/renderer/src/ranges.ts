/**
 * Time ranges the staff pick (today, 7 days, 30 days, 12 months, custom), in the browser's local
 * time. Only calendar arithmetic lives here; every energy figure comes from the core.
 */
import { t, type MessageKey } from './i18n/words';

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

const startOfDay = (ms: number): Date => {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d;
};

const addDays = (d: Date, days: number): Date => {
  const out = new Date(d);
  out.setDate(out.getDate() + days);
  return out;
};

const addMonths = (d: Date, months: number): Date => {
  const out = new Date(d);
  out.setMonth(out.getMonth() + months);
  return out;
};

/** Whole local days (or months) ending with the current one, so the axis shows complete periods. */
export function presetSpan(kind: Exclude<RangeKind, 'custom'>, nowMs: number): Span {
  const today = startOfDay(nowMs);
  const tomorrow = addDays(today, 1);
  switch (kind) {
    case 'today':
      return { fromMs: today.getTime(), toMs: tomorrow.getTime() };
    case '7d':
      return { fromMs: addDays(today, -6).getTime(), toMs: tomorrow.getTime() };
    case '30d':
      return { fromMs: addDays(today, -29).getTime(), toMs: tomorrow.getTime() };
    case '12m': {
      const month = startOfDay(nowMs);
      month.setDate(1);
      return { fromMs: addMonths(month, -11).getTime(), toMs: addMonths(month, 1).getTime() };
    }
  }
}

/**
 * The same instant one period earlier, by the calendar of the range: a year back for 12 months,
 * whole days back for the day ranges (so 09:00 stays 09:00 across DST), the span's length for custom.
 */
export function shiftBack(kind: RangeKind, span: Span, ms: number): number {
  if (kind === '12m') return addMonths(new Date(ms), -12).getTime();
  if (kind !== 'custom') {
    const days = Math.round((span.toMs - span.fromMs) / 86_400_000);
    return addDays(new Date(ms), -days).getTime();
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

/** Local midnight starting the day of `ms`. */
export const dayStartMs = (ms: number): number => startOfDay(ms).getTime();

/** Monday 00:00 local of the current week. */
export function startOfWeekMs(nowMs: number): number {
  const d = startOfDay(nowMs);
  const weekday = (d.getDay() + 6) % 7;
  return addDays(d, -weekday).getTime();
}

/** The 1st of the current month, 00:00 local. */
export function startOfMonthMs(nowMs: number): number {
  const d = startOfDay(nowMs);
  d.setDate(1);
  return d.getTime();
}

/** `datetime-local` input value ↔ epoch ms, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
