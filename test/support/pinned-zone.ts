/**
 * A time zone, chosen when a test starts, in which it is about noon: tests that publish readings
 * relative to "now" and check today's, this week's or this month's figures then never straddle a
 * local midnight, whatever the hour they run. Etc/GMT zones have a whole-hour offset and no DST,
 * so local calendar arithmetic is plain UTC arithmetic on shifted times. Give the same zone to the
 * console (TZ) and to the browser (timezoneId).
 */
export interface PinnedZone {
  /** IANA name, e.g. `Etc/GMT-5` (which is UTC+5). */
  name: string;
  /** Hours east of UTC. */
  offsetH: number;
  /** Local midnight starting the day of `atMs`, as epoch ms. */
  dayStartMs(atMs: number): number;
  /** Monday 00:00 local of the week of `atMs` (ISO weeks), as epoch ms. */
  weekStartMs(atMs: number): number;
  /** The 1st 00:00 local of the month of `atMs`, as epoch ms. */
  monthStartMs(atMs: number): number;
  /** Local hour (0–23) at `atMs`. */
  hourAt(atMs: number): number;
  /** A `datetime-local` input value for `atMs` in this zone. */
  localInput(atMs: number): string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function noonZone(nowMs = Date.now()): PinnedZone {
  const utcHour = (nowMs % DAY_MS) / HOUR_MS;
  // Local noon ± 30 min; Etc/GMT offsets run from −12 to +14, and 12 − utcHour is within −12…12.
  const offsetH = Math.round(12 - utcHour);
  // ICU canonicalises Etc/GMT to UTC, so a process given TZ=Etc/GMT names its zone 'UTC' (as in a
  // CSV header); the test names it the same way.
  const name = offsetH === 0 ? 'UTC' : `Etc/GMT${offsetH > 0 ? '-' : '+'}${Math.abs(offsetH)}`;
  const shift = offsetH * HOUR_MS;
  const local = (ms: number) => new Date(ms + shift);
  const dayStartMs = (ms: number) => Math.floor((ms + shift) / DAY_MS) * DAY_MS - shift;
  return {
    name,
    offsetH,
    dayStartMs,
    weekStartMs: (ms) => dayStartMs(ms) - ((local(ms).getUTCDay() + 6) % 7) * DAY_MS,
    monthStartMs: (ms) => {
      const d = local(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - shift;
    },
    hourAt: (ms) => local(ms).getUTCHours(),
    localInput: (ms) => local(ms).toISOString().slice(0, 16),
  };
}
