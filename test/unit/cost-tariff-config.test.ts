/**
 * `[tariff]` in kilowatch.toml, read through loadConfig from a real file: decimal prices become
 * exact integers (millionths of the minor unit) once, and every mistake is refused in words that
 * name the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/main/core/config';

const dir = mkdtempSync(join(tmpdir(), 'kilowatch-tariff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function load(toml: string): ReturnType<typeof loadConfig> {
  const path = join(dir, `kilowatch-${files++}.toml`);
  writeFileSync(path, toml, { mode: 0o600 });
  return loadConfig(path);
}

function tariffOf(toml: string): NonNullable<Config['tariff']> {
  const loaded = load(toml);
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value.config.tariff!;
}

function refusal(toml: string): string {
  const loaded = load(toml);
  if (loaded.ok) throw new Error('accepted');
  return loaded.error.message;
}

const EVERYTHING_ELSE = `
[[tariff.periods.bands]]
perKWh = 0.2345
`;

describe('[tariff] in kilowatch.toml', () => {
  it('reads the documented example into exact integers', () => {
    const tariff = tariffOf(`
[tariff]
currency = "EUR"
holidays = ["2027-01-01", "2026-12-25"]
[[tariff.periods]]
from = "2026-01-01"
standingPerDay = 0.45
feedInPerKWh = 0.06
[[tariff.periods.bands]]
days = ["weekday"]
from = "22:00"
to = "07:00"
perKWh = 0.1234
${EVERYTHING_ELSE}`);
    expect(tariff).toEqual({
      currency: 'EUR',
      minorDigits: 2,
      holidays: ['2026-12-25', '2027-01-01'],
      periods: [
        {
          from: '2026-01-01',
          standingMicroPerDay: 45_000_000, // 45 c × 10^6
          feedInMicroPerKWh: 6_000_000, // 6 c × 10^6
          bands: [
            { days: ['weekday'], fromMin: 22 * 60, toMin: 7 * 60, importMicroPerKWh: 12_340_000 },
            { days: ['weekday', 'weekend', 'holiday'], fromMin: 0, toMin: 0, importMicroPerKWh: 23_450_000 },
          ],
        },
      ],
    });
  });

  it('leaves the tariff out when there is no section', () => {
    const loaded = load('[site]\ntimezone = "Europe/Lisbon"\n');
    expect(loaded.ok && loaded.value.config.tariff).toBe(undefined);
  });

  it('keeps prices to a millionth of the minor unit, whatever the currency’s digits', () => {
    const period = (price: string) => `
[tariff]
currency = "JPY"
[[tariff.periods]]
from = "2026-01-01"
[[tariff.periods.bands]]
perKWh = ${price}
`;
    // JPY has no minor digits: 31.5 ¥ = 31 500 000 millionths of a yen.
    expect(tariffOf(period('31.5')).periods[0]!.bands[0]!.importMicroPerKWh).toBe(31_500_000);
    expect(tariffOf(period('31.500000')).periods[0]!.bands[0]!.importMicroPerKWh).toBe(31_500_000);
    expect(tariffOf(period('"31.123456"')).periods[0]!.bands[0]!.importMicroPerKWh).toBe(31_123_456);
    expect(refusal(period('31.1234567'))).toContain(
      'tariff.periods.0.bands.0.perKWh: 31.1234567 has more decimals than JPY prices keep (6',
    );
  });

  it('refuses a price with more decimals than EUR keeps, and reads one at the limit as text', () => {
    const eur = (price: string) => `
[tariff]
currency = "EUR"
[[tariff.periods]]
from = "2026-01-01"
feedInPerKWh = ${price}
[[tariff.periods.bands]]
perKWh = 0.2
`;
    expect(tariffOf(eur('"0.12345678"')).periods[0]!.feedInMicroPerKWh).toBe(12_345_678);
    // A TOML float this small reads back as "1e-7": 10^-7 € = 10^-5 c = 10 millionths of a cent.
    expect(tariffOf(eur('0.0000001')).periods[0]!.feedInMicroPerKWh).toBe(10);
    expect(tariffOf(eur('-0.015')).periods[0]!.feedInMicroPerKWh).toBe(-1_500_000);
    expect(refusal(eur('0.123456789'))).toContain(
      'tariff.periods.0.feedInPerKWh: 0.123456789 has more decimals than EUR prices keep (8',
    );
  });

  it('names the day kind and the hours a gap in the bands leaves unpriced', () => {
    const message = refusal(`
[tariff]
currency = "EUR"
[[tariff.periods]]
from = "2026-01-01"
[[tariff.periods.bands]]
days = ["weekday"]
from = "22:00"
to = "07:00"
perKWh = 0.1
[[tariff.periods.bands]]
days = ["weekday", "weekend"]
from = "07:00"
to = "22:00"
perKWh = 0.2
`);
    expect(message).toContain(
      'tariff.periods.0.bands: no band prices weekend 00:00–07:00, weekend 22:00–24:00, holiday 00:00–24:00',
    );
  });

  it('refuses a band that never applies', () => {
    expect(
      refusal(`
[tariff]
currency = "EUR"
[[tariff.periods]]
from = "2026-01-01"
${EVERYTHING_ELSE}
[[tariff.periods.bands]]
days = ["holiday"]
perKWh = 0.1
`),
    ).toContain('tariff.periods.0.bands.1: this band never applies');
  });

  it('refuses an unknown currency', () => {
    expect(
      refusal(`
[tariff]
currency = "XYZ"
[[tariff.periods]]
from = "2026-01-01"
${EVERYTHING_ELSE}`),
    ).toContain('tariff.currency: is not a currency');
  });

  it('refuses periods out of date order or on the same date', () => {
    const periods = (first: string, second: string) => `
[tariff]
currency = "EUR"
[[tariff.periods]]
from = "${first}"
${EVERYTHING_ELSE}
[[tariff.periods]]
from = "${second}"
${EVERYTHING_ELSE}`;
    expect(refusal(periods('2026-03-15', '2026-01-01'))).toContain(
      'tariff.periods.1.from: periods must be in date order, each on its own date: 2026-01-01 is not after 2026-03-15',
    );
    expect(refusal(periods('2026-03-15', '2026-03-15'))).toContain(
      'tariff.periods.1.from: periods must be in date order',
    );
  });

  it('refuses impossible dates and half-given hours', () => {
    expect(
      refusal(`
[tariff]
currency = "EUR"
holidays = ["2026-02-30"]
[[tariff.periods]]
from = "2026-01-01"
${EVERYTHING_ELSE}`),
    ).toContain('tariff.holidays.0: is not a calendar date');
    expect(
      refusal(`
[tariff]
currency = "EUR"
[[tariff.periods]]
from = "2026-01-01"
[[tariff.periods.bands]]
from = "22:00"
perKWh = 0.1
${EVERYTHING_ELSE}`),
    ).toContain('tariff.periods.0.bands.0.to: from and to go together');
  });
});
