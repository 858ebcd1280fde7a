/**
 * History replies → chart slots. The core returns only buckets that hold energy, so the renderer
 * lays out the axis (one slot per bucket of the resolution the core chose, aligned to the buckets it
 * returned) and places each returned value in its slot. A slot without a value is 0 when the site
 * was reporting, and null — drawn as a gap — when the core reports a gap over it or it is still in
 * the future. No energy is computed here: every number shown is one the core returned.
 */
import type { HistoryResult } from '../../shared/contract';

export type Resolution = HistoryResult['resolution'];

export interface Slot {
  startMs: number;
  endMs: number;
}

const MINUTE = 60_000;
const STEP_MS: Record<Exclude<Resolution, 'month' | 'auto'>, number> = {
  minute: MINUTE,
  hour: 60 * MINUTE,
  day: 24 * 60 * MINUTE,
  week: 7 * 24 * 60 * MINUTE,
};
/** A chart of more slots than this would be unreadable; the core's 'auto' never asks for it. */
export const MAX_SLOTS = 1500;

function nextStart(startMs: number, resolution: Resolution, direction: 1 | -1): number {
  if (resolution === 'month' || resolution === 'auto') {
    const d = new Date(startMs);
    return Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() + direction,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
    );
  }
  return startMs + direction * STEP_MS[resolution];
}

/** Where buckets start when the core returned none to align with: its documented UTC buckets. */
function utcBucketStart(ms: number, resolution: Resolution): number {
  const d = new Date(ms);
  switch (resolution) {
    case 'minute':
      return Math.floor(ms / MINUTE) * MINUTE;
    case 'hour':
      return Math.floor(ms / STEP_MS.hour) * STEP_MS.hour;
    case 'day':
      return Math.floor(ms / STEP_MS.day) * STEP_MS.day;
    case 'week': {
      const day = Math.floor(ms / STEP_MS.day) * STEP_MS.day;
      return day - ((new Date(day).getUTCDay() + 6) % 7) * STEP_MS.day;
    }
    default:
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

/** The slots covering [fromMs, toMs), aligned on the first bucket any reply returned. */
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
  let start = anchor ?? utcBucketStart(fromMs, resolution);
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
 * One value per slot: the core's energy for that bucket; 0 for a reported bucket with no energy;
 * null (a gap) inside a reported gap or in the future.
 */
export function slotValues(result: HistoryResult, slots: Slot[], nowMs: number): Array<number | null> {
  const values: Array<number | null> = slots.map(() => null);
  const gaps = gapsPerSlot(slots, result.gaps);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    values[i] = slot.startMs > nowMs || gaps.inside[i] ? null : 0;
  }
  for (const point of result.points) {
    const i = slotIndex(slots, Date.parse(point.start));
    if (i < 0) continue;
    // Normally exactly one point per slot; if the core's buckets were ever finer, show them all.
    values[i] = (values[i] ?? 0) + point.energyWh;
  }
  return values;
}

/** Display total: the core's own exact sum of the points (what the chart and the CSV both show). */
export const sumPointsWh = (result: HistoryResult): number => result.total.energyWh;
