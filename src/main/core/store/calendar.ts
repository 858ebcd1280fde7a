/**
 * Local buckets in the site's time zone: hours, days (23 or 25 hours across DST), ISO weeks
 * starting Monday, months. Minutes arrive nearly in order, so the last answers are cached: luxon
 * is exact but far too slow to call for every reading.
 */
import { DateTime } from 'luxon';

export const ROLLUPS = ['hour', 'day', 'week', 'month'] as const;
export type Rollup = (typeof ROLLUPS)[number];
export type Resolution = 'minute' | Rollup;

export interface BucketStarts {
  hour: number;
  day: number;
  week: number;
  month: number;
}

const CACHE_LIMIT = 4096;

export class Calendar {
  private readonly cache = new Map<number, BucketStarts>();

  constructor(private zone: string) {}

  get timeZone(): string {
    return this.zone;
  }

  /** The site's zone changed (settings): buckets are local to the new one from now on. */
  setZone(zone: string): void {
    this.zone = zone;
    this.cache.clear();
  }

  /** Bucket starts (UTC epoch minutes) of the local hour, day, week and month holding `minute`. */
  starts(minute: number): BucketStarts {
    const known = this.cache.get(minute);
    if (known) return known;
    const t = DateTime.fromMillis(minute * 60_000, { zone: this.zone });
    const m = (d: DateTime) => Math.floor(d.toMillis() / 60_000);
    const starts = {
      hour: m(t.startOf('hour')),
      day: m(t.startOf('day')),
      week: m(t.startOf('week')),
      month: m(t.startOf('month')),
    };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(minute, starts);
    return starts;
  }

  /** The start of the bucket holding `ms`, in ms. */
  floor(ms: number, resolution: Resolution): number {
    if (resolution === 'minute') return Math.floor(ms / 60_000) * 60_000;
    return DateTime.fromMillis(ms, { zone: this.zone }).startOf(resolution).toMillis();
  }

  /**
   * Ends for sorted bucket starts. A bucket's end is the next one's start when they are
   * contiguous (closer than the longest bucket of that kind: 25 h for a DST day, 31 days + 1 h
   * for a month), so luxon is only asked at holes and for the last bucket.
   */
  ends(startsMs: readonly number[], resolution: Resolution): number[] {
    const longest = {
      minute: 60_000,
      hour: 3_600_000,
      day: 25 * 3_600_000,
      week: 7 * 86_400_000 + 3_600_000,
      month: 31 * 86_400_000 + 3_600_000,
    }[resolution];
    return startsMs.map((start, i) => {
      const next = startsMs[i + 1];
      return next !== undefined && next - start <= longest ? next : this.next(start, resolution);
    });
  }

  /** The start of the next bucket after the one starting at `startMs`. */
  next(startMs: number, resolution: Resolution): number {
    if (resolution === 'minute') return startMs + 60_000;
    return DateTime.fromMillis(startMs, { zone: this.zone })
      .plus({ [`${resolution}s`]: 1 })
      .startOf(resolution)
      .toMillis();
  }
}
