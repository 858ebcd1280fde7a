/**
 * Energy per node since local midnight in the site's time zone (days are 23 or 25 hours across
 * DST). Rolls over by itself; at start it is seeded from the minute table.
 */
import { DateTime } from 'luxon';

export interface TodayUnits {
  energyUnits: number;
  returnedUnits: number;
}

export class TodayTotals {
  private dayStartMs = 0;
  private nextDayMs = 0;
  private rolls = 0;
  private readonly units = new Map<string, TodayUnits>();

  constructor(
    private timeZone: string,
    nowMs: number,
  ) {
    this.roll(nowMs);
  }

  get startMs(): number {
    return this.dayStartMs;
  }

  /**
   * Which day the sums belong to, changed by every roll-over and zone change. Not `startMs`: a new
   * zone's midnight can be the same instant as the old one's, and its sums are still new.
   */
  get day(): number {
    return this.rolls;
  }

  /** The site's zone changed: today starts again at the new zone's midnight, empty until re-seeded. */
  setZone(timeZone: string, nowMs: number): void {
    this.timeZone = timeZone;
    this.roll(nowMs);
  }

  private roll(nowMs: number): void {
    this.rolls++;
    const start = DateTime.fromMillis(nowMs, { zone: this.timeZone }).startOf('day');
    this.dayStartMs = start.toMillis();
    this.nextDayMs = start.plus({ days: 1 }).toMillis();
    this.units.clear();
  }

  /** Rolls over to a new day when `atMs` is past today; then whether `atMs` falls in today. */
  isToday(atMs: number): boolean {
    if (atMs >= this.nextDayMs) this.roll(atMs);
    return atMs >= this.dayStartMs;
  }

  /**
   * A node's live sums for today, for callers that add to them directly (the hot path keeps them
   * per channel). They belong to `day`: once that changes, ask again.
   */
  row(node: string): TodayUnits {
    let u = this.units.get(node);
    if (!u) {
      u = { energyUnits: 0, returnedUnits: 0 };
      this.units.set(node, u);
    }
    return u;
  }

  /** Energy booked at `atMs` (the reading's minute): only today's counts. */
  add(node: string, energyUnits: number, returnedUnits: number, atMs: number): void {
    if (!this.isToday(atMs)) return;
    const u = this.row(node);
    u.energyUnits += energyUnits;
    u.returnedUnits += returnedUnits;
  }

  energyUnits(node: string, nowMs: number): number {
    if (nowMs >= this.nextDayMs) this.roll(nowMs);
    return this.units.get(node)?.energyUnits ?? 0;
  }
}

export const systemTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
