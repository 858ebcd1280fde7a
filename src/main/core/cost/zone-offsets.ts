/**
 * A zone's UTC offset at any instant without asking luxon each time: luxon (Intl underneath)
 * takes tens of microseconds per answer, too slow even once per priced day across years of
 * history. The offset changes (DST, law) of each UTC year are found once, by sampling the year
 * weekly and narrowing every change down to its minute; after that an offset is an array lookup.
 * Assumes a zone never changes offset and back within one week, and changes on a whole minute
 * (true of every zone since the 1970s; older local-mean-time offsets are off by their seconds).
 */
import { DateTime } from 'luxon';

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 86_400_000;

interface Change {
  atMs: number;
  offsetMin: number;
}

interface YearOffsets {
  startMs: number;
  endMs: number;
  offsetAtStart: number;
  changes: Change[];
}

export class ZoneOffsets {
  private readonly years = new Map<number, YearOffsets>();

  constructor(readonly zone: string) {
    if (!DateTime.now().setZone(zone).isValid) throw new RangeError(`Unknown time zone ${zone}`);
  }

  /** Minutes east of UTC at `ms`. */
  offsetAt(ms: number): number {
    const year = this.yearOf(ms);
    let offset = year.offsetAtStart;
    for (const change of year.changes) {
      if (change.atMs > ms) break;
      offset = change.offsetMin;
    }
    return offset;
  }

  /** Instants in [fromMs, toMs] where the offset changes. */
  changesIn(fromMs: number, toMs: number): number[] {
    const found: number[] = [];
    for (let year = this.yearOf(fromMs); year.startMs <= toMs; year = this.yearOf(year.endMs))
      for (const change of year.changes)
        if (change.atMs >= fromMs && change.atMs <= toMs) found.push(change.atMs);
    return found;
  }

  private yearOf(ms: number): YearOffsets {
    const utcYear = new Date(ms).getUTCFullYear();
    const known = this.years.get(utcYear);
    if (known) return known;
    const startMs = Date.UTC(utcYear, 0, 1);
    const endMs = Date.UTC(utcYear + 1, 0, 1);
    const year = { startMs, endMs, offsetAtStart: this.askLuxon(startMs), changes: [] as Change[] };
    let before = year.offsetAtStart;
    for (let sample = startMs; sample < endMs;) {
      const next = Math.min(sample + WEEK_MS, endMs - MINUTE_MS);
      const after = this.askLuxon(next);
      if (after !== before) {
        // The first minute in (sample, next] at the new offset.
        let low = sample;
        let high = next;
        while (high - low > MINUTE_MS) {
          const mid = low + Math.floor((high - low) / MINUTE_MS / 2) * MINUTE_MS;
          if (this.askLuxon(mid) === before) low = mid;
          else high = mid;
        }
        year.changes.push({ atMs: high, offsetMin: after });
        before = after;
      }
      if (next >= endMs - MINUTE_MS) break;
      sample = next;
    }
    this.years.set(utcYear, year);
    return year;
  }

  private askLuxon(ms: number): number {
    return DateTime.fromMillis(ms, { zone: this.zone }).offset;
  }
}
