/**
 * "Today" follows the site's time zone, including the 23-hour and 25-hour days of DST.
 */
import { describe, expect, it } from 'vitest';
import { TodayTotals } from '../../src/main/core/aggregate/today-totals';

const at = (iso: string) => Date.parse(iso);

describe('TodayTotals in Europe/Lisbon', () => {
  it('keeps the whole 23-hour spring-forward day and rolls over at local midnight', () => {
    // 2025-03-30: clocks go from 01:00 to 02:00 WET→WEST; local midnight is 00:00 UTC that day.
    const today = new TodayTotals('Europe/Lisbon', at('2025-03-30T00:05:00Z'));
    today.add('room:A/B/C', 60_000, 0, at('2025-03-30T00:10:00Z'));
    today.add('room:A/B/C', 120_000, 0, at('2025-03-30T22:50:00Z')); // 23:50 local (WEST)
    expect(today.energyUnits('room:A/B/C', at('2025-03-30T22:55:00Z'))).toBe(180_000);
    // 2025-03-31 00:00 local = 2025-03-30T23:00Z.
    expect(today.energyUnits('room:A/B/C', at('2025-03-30T23:01:00Z'))).toBe(0);
  });

  it('keeps the 25-hour fall-back day together and ignores energy booked yesterday', () => {
    // 2025-10-26: 02:00 WEST → 01:00 WET; local midnight is 23:00 UTC the day before.
    const today = new TodayTotals('Europe/Lisbon', at('2025-10-25T23:30:00Z'));
    today.add('company:A', 60_000, 0, at('2025-10-25T22:59:00Z')); // 23:59 local on the 25th: yesterday
    today.add('company:A', 60_000, 0, at('2025-10-26T01:30:00Z')); // the repeated hour
    today.add('company:A', 60_000, 0, at('2025-10-26T23:59:00Z')); // 23:59 local (WET)
    expect(today.energyUnits('company:A', at('2025-10-26T23:59:30Z'))).toBe(120_000);
  });
});
