/** Nights and days in the site's zone, on wall-clock time (a DST night is an hour shorter or longer). */
import { DateTime } from 'luxon';
import type { NightWindow } from '../reports/insight';

export interface Window {
  from: number;
  to: number;
}

/** The last `count` nights that have ended by `nowMs`, the latest first. */
export function lastNights(nowMs: number, zone: string, night: NightWindow, count: number): Window[] {
  let end = DateTime.fromMillis(nowMs, { zone }).startOf('day').set({ hour: night.toHour });
  if (end.toMillis() > nowMs) end = end.minus({ days: 1 });
  const crossesMidnight = night.fromHour >= night.toHour;
  const out: Window[] = [];
  for (let i = 0; i < count; i++) {
    const to = end.minus({ days: i });
    const from = to
      .startOf('day')
      .minus({ days: crossesMidnight ? 1 : 0 })
      .set({ hour: night.fromHour });
    out.push({ from: from.toMillis(), to: to.toMillis() });
  }
  return out;
}

/** The last complete local day, then the same weekday 1…`weeks` weeks before it. */
export function lastDayAndWeekdays(nowMs: number, zone: string, weeks: number): Window[] {
  const yesterday = DateTime.fromMillis(nowMs, { zone }).startOf('day').minus({ days: 1 });
  const out: Window[] = [];
  for (let w = 0; w <= weeks; w++) {
    const day = yesterday.minus({ weeks: w });
    out.push({ from: day.toMillis(), to: day.plus({ days: 1 }).toMillis() });
  }
  return out;
}

/** The energy of each window from buckets starting inside it; null where no bucket does (no data). */
export function windowSums(
  windows: readonly Window[],
  buckets: ReadonlyArray<{ startMs: number; energyUnits: number }>,
): Array<number | null> {
  return windows.map((w) => {
    let units: number | null = null;
    for (const b of buckets)
      if (b.startMs >= w.from && b.startMs < w.to) units = (units ?? 0) + b.energyUnits;
    return units;
  });
}
