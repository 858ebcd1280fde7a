/**
 * How busy a load is at a given moment, as a factor in [0, 1] of its peak. The shapes are what a
 * facilities person expects to see on a dashboard: offices empty at night and at weekends,
 * kitchens peaking at meal times, server rooms flat, guest rooms busy in the morning and evening.
 *
 * Hours are UTC. All demo offices are in Portugal (WET, UTC+0; UTC+1 in summer), so in summer
 * every curve runs one hour early — harmless for a demo.
 */

export type CurveKind =
  'office' | 'reception' | 'meeting' | 'kitchen' | 'server' | 'guest' | 'plant' | 'solar' | 'flat';

const HOUR_MS = 3_600_000;

/** Bell around `center` (hours) with half-width `width`; 1 at the centre. */
function bump(hour: number, center: number, width: number): number {
  const d = (hour - center) / width;
  return Math.exp(-d * d);
}

/** 0 before `from`, 1 between, 0 after `to`, with one-hour ramps so power does not jump. */
function plateau(hour: number, from: number, to: number): number {
  const rise = Math.min(1, Math.max(0, hour - from + 0.5));
  const fall = Math.min(1, Math.max(0, to - hour + 0.5));
  return Math.min(rise, fall);
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

export function dayFactor(kind: CurveKind, atMs: number): number {
  const hour = (((atMs / HOUR_MS) % 24) + 24) % 24;
  const weekday = new Date(atMs).getUTCDay();
  const isWorkday = weekday !== 0 && weekday !== 6;
  switch (kind) {
    case 'office':
      return 0.08 + (isWorkday ? 0.85 : 0.12) * plateau(hour, 8, 19);
    case 'meeting':
      return 0.04 + (isWorkday ? 0.9 : 0.1) * clamp01(bump(hour, 10, 1.3) + bump(hour, 15, 1.6));
    case 'reception':
      return 0.25 + 0.7 * plateau(hour, 7, 23);
    case 'kitchen':
      return 0.08 + 0.9 * Math.max(bump(hour, 8, 0.9), bump(hour, 13, 1.1), bump(hour, 20, 1.3));
    case 'server':
      return 0.9;
    case 'guest':
      return clamp01(0.05 + 0.6 * bump(hour, 7.5, 1) + 0.9 * bump(hour, 21, 2));
    case 'plant':
      return 0.35 + 0.45 * plateau(hour, 7, 22) + 0.2 * bump(hour, 19, 2);
    case 'solar':
      // Daylight between 07:00 and 19:00, strongest at 13:00.
      return hour > 7 && hour < 19 ? Math.sin((Math.PI * (hour - 7)) / 12) : 0;
    case 'flat':
      return 1;
  }
}
