/**
 * Calendar arithmetic in the site's time zone (the settings'), the zone the core's days, weeks
 * and months are cut in: "today" on the front desk is the site's today even when this computer's
 * clock is set elsewhere. luxon does the DST work (a day is 23 or 25 hours; weeks start Monday).
 */
import { DateTime } from 'luxon';
import { currentDisplay } from './format';

const at = (ms: number): DateTime => DateTime.fromMillis(ms, { zone: currentDisplay().timeZone });

export const startOfDayMs = (ms: number): number => at(ms).startOf('day').toMillis();
export const startOfWeekMs = (ms: number): number => at(ms).startOf('week').toMillis();
export const startOfMonthMs = (ms: number): number => at(ms).startOf('month').toMillis();
export const startOfHourMs = (ms: number): number => at(ms).startOf('hour').toMillis();
export const startOfYearMs = (ms: number): number => at(ms).startOf('year').toMillis();

/** Whole calendar days or months later (negative: earlier), the clock time kept across DST. */
export const plusDaysMs = (ms: number, days: number): number => at(ms).plus({ days }).toMillis();
export const plusMonthsMs = (ms: number, months: number): number => at(ms).plus({ months }).toMillis();

/** The site's wall-clock fields of an instant: `YYYY-MM-DD` and `HH:mm`, as date inputs hold them. */
export const siteDate = (ms: number): string => at(ms).toFormat('yyyy-MM-dd');
export const siteDateTime = (ms: number): string => at(ms).toFormat("yyyy-MM-dd'T'HH:mm");

/** A wall-clock `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm(:ss)` read in the site's zone; null if it is none. */
export function fromSiteWallClock(value: string): number | null {
  const parsed = DateTime.fromISO(value, { zone: currentDisplay().timeZone });
  return parsed.isValid ? parsed.toMillis() : null;
}
