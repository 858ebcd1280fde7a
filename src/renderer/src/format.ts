/**
 * Unit formatting only: the core computes every number, the renderer picks W or kW, Wh or kWh,
 * and writes them the way the settings say (language, the site's time zone). The few words that
 * go with them ("since", node kinds) come from the words catalog (i18n/words.ts).
 */
import type { NodeKind, Resolution } from '../../shared/contract';
import { t, type MessageKey } from './i18n/words';

const NBSP = '\u00a0';

/**
 * How the console writes numbers and dates: the settings' language (undefined: the computer's)
 * and the site's time zone (undefined: the computer's). Numbers follow the language only.
 */
export interface Display {
  locale: string | undefined;
  timeZone: string | undefined;
}

/** What is in force, as Intl resolved it ("de-DE", "Asia/Tokyo"). */
export interface ResolvedDisplay {
  locale: string;
  timeZone: string;
}

/**
 * An object whose every property is made on first read, then kept. Creating a formatter costs a
 * few milliseconds, and the page made all twenty of them while it started, twice (again when the
 * settings arrive), on the way to its first frame; most are read only by charts and dialogs.
 */
function lazily<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const made = {} as T;
  for (const key of Object.keys(makers) as Array<keyof T>) {
    Object.defineProperty(made, key, {
      configurable: true,
      enumerable: true,
      get: () => {
        const value = makers[key]();
        Object.defineProperty(made, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return made;
}

function build({ locale, timeZone }: Display) {
  const number = (options: Intl.NumberFormatOptions) => () => new Intl.NumberFormat(locale, options);
  const dates = (options: Intl.DateTimeFormatOptions) => () =>
    new Intl.DateTimeFormat(locale, { ...options, timeZone });
  return lazily({
    base: number({ maximumFractionDigits: 1 }),
    kilo2: number({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    kilo3: number({ minimumFractionDigits: 3, maximumFractionDigits: 3 }),
    whole: number({ maximumFractionDigits: 0 }),
    fine: number({ maximumFractionDigits: 2 }),
    volts: number({ minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    amps: number({ maximumFractionDigits: 3 }),
    factor: number({ minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    signedPct: number({ maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
    date: dates({ dateStyle: 'medium' }),
    dateTime: dates({ dateStyle: 'medium', timeStyle: 'medium' }),
    shortDateTime: dates({ dateStyle: 'short', timeStyle: 'medium' }),
    time: dates({ timeStyle: 'medium' }),
    shortTime: dates({ hour: '2-digit', minute: '2-digit' }),
    dayMonth: dates({ day: 'numeric', month: 'short' }),
    weekdayDay: dates({ weekday: 'short', day: 'numeric', month: 'short' }),
    monthYear: dates({ month: 'short', year: 'numeric' }),
    dayMonthTime: dates({ day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
    dayYearTime: dates({ dateStyle: 'medium', timeStyle: 'short' }),
    relative: () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' }),
    // Calendar questions (is this midnight, which day) are asked in the site's zone, in digits a
    // program reads whatever the language.
    calendar: () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        numberingSystem: 'latn',
      }),
  });
}

/** A zone this browser's Intl does not know (the core's may know more) falls back to the computer's. */
function usable(display: Display): Display {
  if (display.timeZone === undefined) return display;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: display.timeZone });
    return display;
  } catch {
    return { ...display, timeZone: undefined };
  }
}

let f = build({ locale: undefined, timeZone: undefined });

function resolved(): ResolvedDisplay {
  const { timeZone } = f.calendar.resolvedOptions();
  return { locale: f.date.resolvedOptions().locale, timeZone };
}

/**
 * Makes every formatter follow `display` from now on; what is already on screen keeps its text
 * until it renders again (App remounts the workspace when this changes).
 */
export function applyDisplay(display: Display): ResolvedDisplay {
  f = build(usable(display));
  return resolved();
}

export const currentDisplay = (): ResolvedDisplay => resolved();

// 999.96 would round to "1,000 W" with one decimal, so the switch to kilo happens just below.
const isKilo = (value: number): boolean => Math.abs(value) >= 999.95;

export function formatPower(powerW: number): string {
  return isKilo(powerW) ? `${f.kilo2.format(powerW / 1000)}${NBSP}kW` : `${f.base.format(powerW)}${NBSP}W`;
}

export function formatEnergy(energyWh: number): string {
  return isKilo(energyWh)
    ? `${f.kilo3.format(energyWh / 1000)}${NBSP}kWh`
    : `${f.base.format(energyWh)}${NBSP}Wh`;
}

/** Chart axes: no decimals that nobody reads. */
export function formatEnergyAxis(energyWh: number): string {
  const abs = Math.abs(energyWh);
  if (abs >= 1000) return `${f.base.format(energyWh / 1000)}${NBSP}kWh`;
  return `${(abs < 10 && abs > 0 ? f.fine : f.whole).format(energyWh)}${NBSP}Wh`;
}

export function formatPowerAxis(powerW: number): string {
  const abs = Math.abs(powerW);
  if (abs >= 1000) return `${f.base.format(powerW / 1000)}${NBSP}kW`;
  return `${(abs < 10 && abs > 0 ? f.fine : f.whole).format(powerW)}${NBSP}W`;
}

export const formatTemperature = (celsius: number): string => `${f.base.format(celsius)}${NBSP}°C`;
export const formatPercent = (pct: number): string => `${f.whole.format(pct)}${NBSP}%`;
export const formatCount = (n: number): string => f.whole.format(n);
export const formatVolts = (volts: number): string => `${f.volts.format(volts)}${NBSP}V`;
export const formatAmps = (amps: number): string => `${f.amps.format(amps)}${NBSP}A`;
export const formatPowerFactor = (pf: number): string => f.factor.format(pf);

export const formatDateTime = (iso: string): string => f.dateTime.format(new Date(iso));
export const formatDate = (iso: string): string => f.date.format(new Date(iso));
export const formatTime = (iso: string): string => f.time.format(new Date(iso));
export const formatShortTime = (ms: number): string => f.shortTime.format(new Date(ms));
/** "05/12/2026, 14:30:05": rows of a list where every second may matter (the audit trail). */
export const formatShortDateTime = (iso: string): string => f.shortDateTime.format(new Date(iso));

/** "5 min ago", "yesterday"; for last-seen times. */
export function formatAgo(iso: string, nowMs: number): string {
  const seconds = Math.round((Date.parse(iso) - nowMs) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return f.relative.format(seconds, 'second');
  if (abs < 3600) return f.relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return f.relative.format(Math.round(seconds / 3600), 'hour');
  return f.relative.format(Math.round(seconds / 86_400), 'day');
}

/** The label of one chart slot, as precise as its resolution. */
export function formatSlot(startMs: number, resolution: Resolution, isMultiDay: boolean): string {
  switch (resolution) {
    case 'minute':
    case 'hour':
      return isMultiDay ? f.dayMonthTime.format(new Date(startMs)) : f.shortTime.format(new Date(startMs));
    case 'day':
      return f.weekdayDay.format(new Date(startMs));
    case 'week':
      return t('details.slot.week', { date: f.dayMonth.format(new Date(startMs)) });
    default:
      return f.monthYear.format(new Date(startMs));
  }
}

export const formatRange = (fromMs: number, toMs: number): string =>
  `${f.dayMonthTime.format(new Date(fromMs))} – ${f.dayMonthTime.format(new Date(toMs))}`;

/** The site's calendar at `ms`: "2026-12-05" and the time of day, in plain digits. */
function calendarAt(ms: number): { day: string; dayOfMonth: number; isMidnight: boolean } {
  const parts: Record<string, string> = {};
  for (const { type, value } of f.calendar.formatToParts(new Date(ms))) parts[type] = value;
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    dayOfMonth: Number(parts.day),
    isMidnight:
      parts.hour === '00' &&
      parts.minute === '00' &&
      parts.second === '00' &&
      ((ms % 1000) + 1000) % 1000 === 0,
  };
}

/**
 * A range header that always names the year: "Dec 5, 2026", "Nov 29 – Dec 5, 2026",
 * "Jan – Dec 2026", or with times for a custom range. Whole days and months are shown inclusive
 * (the day before the exclusive end), as people say them; days are the site's.
 */
export function formatSpan(fromMs: number, toMs: number, resolution: Resolution): string {
  const from = calendarAt(fromMs);
  const to = calendarAt(toMs);
  if (from.isMidnight && to.isMidnight) {
    // The exclusive end's last millisecond lies in the last day (and month) the range covers.
    const last = new Date(toMs - 1);
    if (resolution === 'month' && from.dayOfMonth === 1 && to.dayOfMonth === 1)
      return f.monthYear.formatRange(new Date(fromMs), last);
    return calendarAt(toMs - 1).day <= from.day
      ? f.date.format(new Date(fromMs))
      : f.date.formatRange(new Date(fromMs), last);
  }
  return f.dayYearTime.formatRange(new Date(fromMs), new Date(toMs));
}

/** "12:02": when today's coverage begins. */
export const formatClock = (ms: number): string => f.shortTime.format(new Date(ms));

/** "since 12:02" for today, "since Dec 3, 12:02" for an earlier day (the site's days). */
export function formatSince(sinceMs: number, nowMs: number): string {
  return calendarAt(sinceMs).day >= calendarAt(nowMs).day
    ? t('details.since.time', { time: formatClock(sinceMs) })
    : t('details.since.day', { when: f.dayMonthTime.format(new Date(sinceMs)) });
}

/** "+1.234 kWh", "−12.5 Wh", "±0 Wh": a change, always signed. */
export function formatEnergyDelta(deltaWh: number): string {
  if (deltaWh === 0) return `±0${NBSP}Wh`;
  const sign = deltaWh > 0 ? '+' : '\u2212';
  return `${sign}${formatEnergy(Math.abs(deltaWh))}`;
}

/** "+12.5 %", "−3 %". */
export const formatPctDelta = (pct: number): string =>
  `${f.signedPct.format(pct).replace('-', '\u2212')}${NBSP}%`;

const KIND_LABELS: Record<NodeKind, MessageKey> = {
  company: 'details.kind.company',
  office: 'details.kind.office',
  room: 'details.kind.room',
  device: 'details.kind.device',
  channel: 'details.kind.channel',
  unassigned: 'details.kind.unassigned',
};
export const kindLabel = (kind: NodeKind): string => t(KIND_LABELS[kind]);

/**
 * A node's name as shown: the core names the place for devices without a room "Unassigned", a
 * word of the console's rather than the site's, so it is said in the console's language.
 */
export const nodeName = (node: { kind: NodeKind; name: string }): string =>
  node.kind === 'unassigned' ? kindLabel('unassigned') : node.name;

const REASONS: Record<string, MessageKey> = {
  'no-placement': 'details.reason.noPlacement',
  'invalid-name': 'details.reason.invalidName',
};
/** Why a device waits for a place, in words; a reason this renderer does not know, as the core says it. */
export const reasonText = (reason: string): string => {
  const key = REASONS[reason];
  return key ? t(key) : reason;
};
