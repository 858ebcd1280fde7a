/**
 * History replies → chart slots. The core returns only buckets that hold energy, so the renderer
 * lays out the axis (one slot per bucket of the resolution the core chose, aligned to the buckets it
 * returned) and places each returned value in its slot. A slot without a value is 0 when the node
 * was counting, and null — "no data", drawn as a gap — before its data begins, when the core
 * reports a gap over it, or when it is still in the future. The only arithmetic here is the
 * compare-with-previous difference and the live today added to the completed days.
 */
import type { HistoryResult, Resolution } from '../../shared/contract';
import {
  plusDaysMs,
  plusMonthsMs,
  startOfDayMs,
  startOfHourMs,
  startOfMonthMs,
  startOfWeekMs,
} from './site-calendar';

export type { Resolution };

export interface Slot {
  startMs: number;
  endMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A chart of more slots than this would be unreadable; the core's 'auto' never asks for it. */
export const MAX_SLOTS = 1500;

/**
 * One bucket later (or earlier) in local time: minutes and hours by the clock, days, weeks and
 * months by the calendar, so a day is 23 or 25 hours across DST like the core's buckets.
 */
export function nextStart(startMs: number, resolution: Resolution, direction: 1 | -1): number {
  if (resolution === 'minute') return startMs + direction * MINUTE;
  if (resolution === 'hour') return startMs + direction * HOUR;
  if (resolution === 'day') return plusDaysMs(startMs, direction);
  if (resolution === 'week') return plusDaysMs(startMs, 7 * direction);
  return plusMonthsMs(startMs, direction);
}

/** Where the bucket holding `ms` starts, in local time (the core's buckets are the site's local ones). */
export function localBucketStart(ms: number, resolution: Resolution): number {
  switch (resolution) {
    case 'minute':
      return Math.floor(ms / MINUTE) * MINUTE;
    case 'hour':
      return startOfHourMs(ms);
    case 'day':
      return startOfDayMs(ms);
    case 'week':
      return startOfWeekMs(ms);
    default:
      return startOfMonthMs(ms);
  }
}

/**
 * The slots covering [fromMs, toMs): aligned on the first bucket a reply returned (the site's
 * zone may differ from this screen's), else on this screen's local buckets.
 */
export function buildSlots(results: HistoryResult[], fromMs: number, toMs: number): Slot[] {
  const resolution = results[0]?.resolution ?? 'hour';
  let anchor: number | null = null;
  for (const r of results) {
    const first = r.points[0];
    if (first) {
      const start = Date.parse(first.start);
      if (anchor === null || start < anchor) anchor = start;
    }
  }
  let start = anchor ?? localBucketStart(fromMs, resolution);
  // Walk back to the first bucket that still overlaps the range.
  for (let i = 0; i < MAX_SLOTS && start > fromMs; i++) start = nextStart(start, resolution, -1);
  const slots: Slot[] = [];
  while (start < toMs && slots.length < MAX_SLOTS) {
    const end = nextStart(start, resolution, 1);
    if (end > fromMs) slots.push({ startMs: start, endMs: end });
    start = end;
  }
  return slots;
}

/** The slot holding `ms`, by binary search; -1 when none does. */
export function slotIndex(slots: Slot[], ms: number): number {
  let lo = 0;
  let hi = slots.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const slot = slots[mid] as Slot;
    if (ms < slot.startMs) hi = mid - 1;
    else if (ms >= slot.endMs) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export interface SlotGaps {
  /** The slot overlaps a period the core reports as a gap (the device was away). */
  overlaps: boolean[];
  /** The slot lies entirely inside a gap: nothing is known about it. */
  inside: boolean[];
}

export function gapsPerSlot(slots: Slot[], gaps: HistoryResult['gaps']): SlotGaps {
  const overlaps = slots.map(() => false);
  const inside = slots.map(() => false);
  for (const gap of gaps) {
    const fromMs = Date.parse(gap.from);
    const toMs = Date.parse(gap.to);
    if (!(toMs > fromMs)) continue;
    const first = Math.max(0, slotIndex(slots, fromMs));
    for (let i = first; i < slots.length; i++) {
      const slot = slots[i] as Slot;
      if (slot.startMs >= toMs) break;
      if (slot.endMs <= fromMs) continue;
      overlaps[i] = true;
      if (slot.startMs >= fromMs && slot.endMs <= toMs) inside[i] = true;
    }
  }
  return { overlaps, inside };
}

/**
 * When a node's data begins: when the console began counting it (its totals' `since`) or the
 * first bucket the core returned, whichever is earlier; null when nothing is known at all.
 */
export function dataStartOf(sinceIso: string | null | undefined, results: HistoryResult[]): number | null {
  let first: number | null = sinceIso ? Date.parse(sinceIso) : null;
  for (const r of results) {
    const point = r.points[0];
    if (point && (first === null || Date.parse(point.start) < first)) first = Date.parse(point.start);
  }
  return first;
}

/**
 * One value per slot: the core's energy for that bucket; 0 for a bucket the core returned nothing
 * for while the node was counting (it only stores minutes that rose); null — "no data", drawn as a
 * gap — before the node's data begins, inside a reported gap, or in the future.
 */
export function slotValues(
  result: HistoryResult,
  slots: Slot[],
  nowMs: number,
  dataStartMs: number | null,
): Array<number | null> {
  const gaps = gapsPerSlot(slots, result.gaps);
  const values: Array<number | null> = slots.map((slot, i) =>
    slot.startMs > nowMs || gaps.inside[i] || dataStartMs === null || slot.endMs <= dataStartMs ? null : 0,
  );
  for (const point of result.points) {
    const i = slotIndex(slots, Date.parse(point.start));
    if (i < 0) continue;
    // Normally exactly one point per slot; if the core's buckets were ever finer, show them all.
    values[i] = (values[i] ?? 0) + point.energyWh;
  }
  return values;
}

const round3 = (wh: number): number => Math.round(wh * 1000) / 1000;

export interface Delta {
  /** This period minus the previous one, in Wh; null when either side has no data. */
  deltaWh: number | null;
  /** The change as a percentage of the previous period; null when that was 0 or unknown. */
  pct: number | null;
}

/** Change from `previousWh` to `currentWh`: the one subtraction compare-with-previous needs. */
export function delta(currentWh: number | null, previousWh: number | null): Delta {
  if (currentWh === null || previousWh === null) return { deltaWh: null, pct: null };
  const deltaWh = round3(currentWh - previousWh);
  const pct = previousWh === 0 ? null : Math.round((deltaWh / Math.abs(previousWh)) * 1000) / 10;
  return { deltaWh, pct };
}

/** Slot by slot: each bucket against the bucket in the same place of the previous period. */
export const slotDeltas = (current: Array<number | null>, previous: Array<number | null>): Delta[] =>
  current.map((value, i) => delta(value, previous[i] ?? null));

/** Period total known so far = the core's total before today + the live today (one snapshot). */
export function withToday(beforeTodayWh: number | null, todayWh: number | null): number | null {
  if (beforeTodayWh === null || todayWh === null) return null;
  return round3(beforeTodayWh + todayWh);
}

/** Display total: the core's own exact sum of the points (what the chart and the CSV both show). */
export const sumPointsWh = (result: HistoryResult): number => result.total.energyWh;
