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

  constructor(readonly timeZone: string) {}

  /** Bucket starts (UTC epoch minutes) of the local hour, day, week and month holding `minute`. */
  starts(minute: number): BucketStarts {
    const known = this.cache.get(minute);
    if (known) return known;
    const t = DateTime.fromMillis(minute * 60_000, { zone: this.timeZone });
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
    return DateTime.fromMillis(ms, { zone: this.timeZone }).startOf(resolution).toMillis();
  }

  /** The start of the next bucket after the one starting at `startMs`. */
  next(startMs: number, resolution: Resolution): number {
    if (resolution === 'minute') return startMs + 60_000;
    return DateTime.fromMillis(startMs, { zone: this.timeZone })
      .plus({ [`${resolution}s`]: 1 })
      .startOf(resolution)
      .toMillis();
  }
}
