/**
 * Energy per node since local midnight in the site's time zone (days are 23 or 25 hours across
 * DST). Rolls over by itself; at start it is seeded from the minute table.
 */
import { DateTime } from 'luxon';

interface Units {
  energyUnits: number;
  returnedUnits: number;
}

export class TodayTotals {
  private dayStartMs = 0;
  private nextDayMs = 0;
  private readonly units = new Map<string, Units>();

  constructor(
    private readonly timeZone: string,
    nowMs: number,
  ) {
    this.roll(nowMs);
  }

  get startMs(): number {
    return this.dayStartMs;
  }

  private roll(nowMs: number): void {
    const start = DateTime.fromMillis(nowMs, { zone: this.timeZone }).startOf('day');
    this.dayStartMs = start.toMillis();
    this.nextDayMs = start.plus({ days: 1 }).toMillis();
    this.units.clear();
  }

  /** Energy booked at `atMs` (the reading's minute): only today's counts. */
  add(node: string, energyUnits: number, returnedUnits: number, atMs: number): void {
    if (atMs >= this.nextDayMs) this.roll(atMs);
    if (atMs < this.dayStartMs) return;
    const u = this.units.get(node) ?? { energyUnits: 0, returnedUnits: 0 };
    u.energyUnits += energyUnits;
    u.returnedUnits += returnedUnits;
    this.units.set(node, u);
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
