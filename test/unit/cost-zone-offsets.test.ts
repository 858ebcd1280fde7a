/**
 * The cost engine's own offset table and local days (zone-offsets.ts, CostEngine.dayAt) against
 * luxon, the reference, in zones with unusual rules: 30- and 45-minute offsets, a 30-minute DST
 * (Lord Howe), DST suspended for Ramadan (Casablanca), southern-hemisphere DST, midnight changes.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CostEngine } from '../../src/main/core/cost/cost-engine';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';
import { ZoneOffsets } from '../../src/main/core/cost/zone-offsets';

const ZONES = [
  'Europe/Lisbon',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'America/Havana', // DST changes at midnight: some local days start at 01:00
  'America/Santiago',
];
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2027, 0, 1);

const tariff = TariffSchema.parse({
  currency: 'EUR',
  periods: [{ from: '2000-01-01', bands: [{ perKWh: 0.2 }] }],
});

describe.each(ZONES)('%s', (zone) => {
  it('has luxon’s offset every 67 minutes of two years, and changes on luxon’s minute', () => {
    const offsets = new ZoneOffsets(zone);
    const luxon = (ms: number): number => DateTime.fromMillis(ms, { zone }).offset;
    const wrong: string[] = [];
    // 67 minutes: walks through every minute phase of the hour instead of sampling one.
    for (let ms = FROM; ms < TO; ms += 67 * 60_000)
      if (offsets.offsetAt(ms) !== luxon(ms)) wrong.push(new Date(ms).toISOString());
    const changes = offsets.changesIn(FROM, TO);
    for (const at of changes)
      if (luxon(at - 60_000) === luxon(at) || offsets.offsetAt(at - 60_000) !== luxon(at - 60_000))
        wrong.push(`change ${new Date(at).toISOString()}`);
    expect(wrong.slice(0, 3)).toEqual([]);
    if (zone !== 'Asia/Kolkata' && zone !== 'Asia/Kathmandu')
      expect(changes.length).toBeGreaterThanOrEqual(4);
  });

  it('has luxon’s local days, contiguous, for two years', () => {
    const cost = new CostEngine(tariff, zone);
    let ms = FROM;
    let days = 0;
    while (ms < TO) {
      const day = cost.dayAt(ms);
      const start = DateTime.fromMillis(ms, { zone }).startOf('day');
      expect([day.startMs, day.endMs, day.date]).toEqual([
        start.toMillis(),
        start.plus({ days: 1 }).startOf('day').toMillis(),
        start.toISODate(),
      ]);
      expect(day.segments[0]!.startMs).toBe(day.startMs);
      expect(day.segments[day.segments.length - 1]!.endMs).toBe(day.endMs);
      ms = day.endMs;
      days++;
    }
    expect(days).toBeGreaterThanOrEqual(730);
  });
});
