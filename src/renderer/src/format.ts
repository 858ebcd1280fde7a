/**
 * Unit formatting only: the core computes every number, the renderer picks W or kW, Wh or kWh,
 * and the user's locale.
 */
import type { NodeKind } from '../../shared/contract';
import type { Resolution } from './chart-series';

const NBSP = '\u00a0';
const base = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const kilo2 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const kilo3 = new Intl.NumberFormat(undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const fine = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const shortTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const weekdayDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const monthYear = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
const dayMonthTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

// 999.96 would round to "1,000 W" with one decimal, so the switch to kilo happens just below.
const isKilo = (value: number): boolean => Math.abs(value) >= 999.95;

export function formatPower(powerW: number): string {
  return isKilo(powerW) ? `${kilo2.format(powerW / 1000)}${NBSP}kW` : `${base.format(powerW)}${NBSP}W`;
}

export function formatEnergy(energyWh: number): string {
  return isKilo(energyWh)
    ? `${kilo3.format(energyWh / 1000)}${NBSP}kWh`
    : `${base.format(energyWh)}${NBSP}Wh`;
}

/** Chart axes: no decimals that nobody reads. */
export function formatEnergyAxis(energyWh: number): string {
  const abs = Math.abs(energyWh);
  if (abs >= 1000) return `${base.format(energyWh / 1000)}${NBSP}kWh`;
  return `${(abs < 10 && abs > 0 ? fine : whole).format(energyWh)}${NBSP}Wh`;
}

export function formatPowerAxis(powerW: number): string {
  const abs = Math.abs(powerW);
  if (abs >= 1000) return `${base.format(powerW / 1000)}${NBSP}kW`;
  return `${(abs < 10 && abs > 0 ? fine : whole).format(powerW)}${NBSP}W`;
}

export const formatTemperature = (celsius: number): string => `${base.format(celsius)}${NBSP}°C`;
export const formatPercent = (pct: number): string => `${whole.format(pct)}${NBSP}%`;
export const formatCount = (n: number): string => whole.format(n);

export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));
export const formatDate = (iso: string): string => date.format(new Date(iso));
export const formatTime = (iso: string): string => time.format(new Date(iso));
export const formatShortTime = (ms: number): string => shortTime.format(new Date(ms));

/** "5 min ago", "yesterday"; for last-seen times. */
export function formatAgo(iso: string, nowMs: number): string {
  const seconds = Math.round((Date.parse(iso) - nowMs) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

/** The label of one chart slot, as precise as its resolution. */
export function formatSlot(startMs: number, resolution: Resolution, isMultiDay: boolean): string {
  switch (resolution) {
    case 'minute':
    case 'hour':
      return isMultiDay ? dayMonthTime.format(new Date(startMs)) : shortTime.format(new Date(startMs));
    case 'day':
      return weekdayDay.format(new Date(startMs));
    case 'week':
      return `wk ${dayMonth.format(new Date(startMs))}`;
    default:
      return monthYear.format(new Date(startMs));
  }
}

export const formatRange = (fromMs: number, toMs: number): string =>
  `${dayMonthTime.format(new Date(fromMs))} – ${dayMonthTime.format(new Date(toMs))}`;

const dayYear = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dayYearTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const monthOnlyYear = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
const isMidnight = (ms: number): boolean => {
  const d = new Date(ms);
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
};

/**
 * A range header that always names the year: "Dec 5, 2026", "Nov 29 – Dec 5, 2026",
 * "Jan – Dec 2026", or with times for a custom range. Whole days and months are shown inclusive
 * (the day before the exclusive end), as people say them.
 */
export function formatSpan(fromMs: number, toMs: number, resolution: Resolution): string {
  if (isMidnight(fromMs) && isMidnight(toMs)) {
    const from = new Date(fromMs);
    const lastDay = new Date(toMs);
    lastDay.setDate(lastDay.getDate() - 1);
    if (resolution === 'month' && from.getDate() === 1 && new Date(toMs).getDate() === 1) {
      const lastMonth = new Date(toMs);
      lastMonth.setMonth(lastMonth.getMonth() - 1);
      return monthOnlyYear.formatRange(from, lastMonth);
    }
    return lastDay.getTime() <= fromMs ? dayYear.format(from) : dayYear.formatRange(from, lastDay);
  }
  return dayYearTime.formatRange(new Date(fromMs), new Date(toMs));
}

/** "12:02": when today's coverage begins. */
export const formatClock = (ms: number): string => shortTime.format(new Date(ms));

/** "since 12:02" for today, "since Dec 3, 12:02" for an earlier day. */
export function formatSince(sinceMs: number, nowMs: number): string {
  const day = new Date(nowMs);
  day.setHours(0, 0, 0, 0);
  return sinceMs >= day.getTime()
    ? `since ${formatClock(sinceMs)}`
    : `since ${dayMonthTime.format(new Date(sinceMs))}`;
}

const signedPct = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** "+1.234 kWh", "−12.5 Wh", "±0 Wh": a change, always signed. */
export function formatEnergyDelta(deltaWh: number): string {
  if (deltaWh === 0) return `±0${NBSP}Wh`;
  const sign = deltaWh > 0 ? '+' : '\u2212';
  return `${sign}${formatEnergy(Math.abs(deltaWh))}`;
}

/** "+12.5 %", "−3 %". */
export const formatPctDelta = (pct: number): string =>
  `${signedPct.format(pct).replace('-', '\u2212')}${NBSP}%`;

const KIND_LABELS: Record<NodeKind, string> = {
  company: 'Company',
  office: 'Office',
  room: 'Room',
  device: 'Device',
  channel: 'Channel',
  unassigned: 'Unassigned',
};
export const kindLabel = (kind: NodeKind): string => KIND_LABELS[kind];

const REASONS: Record<string, string> = {
  'no-placement': 'its topic does not name a company, office and room',
  'invalid-name': 'its topic has a name Kilowatch cannot use as a place',
};
export const reasonText = (reason: string): string => REASONS[reason] ?? reason;
