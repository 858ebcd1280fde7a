/**
 * The cost engine (src/main/core/cost) to the minor unit, with hand-computed expectations. Money:
 * prices are millionths of a cent per kWh, energy is the store's milliwatt-minutes (1 kWh =
 * 6·10^7), so a cost in cost units is 6·10^13 per cent. Every tariff here is parsed from the same
 * shape kilowatch.toml takes. The site is in Europe/Lisbon: UTC+0 in winter, UTC+1 in summer;
 * in 2026 the clocks go forward on Sun 29 March at 01:00Z and back on Sun 25 October at 01:00Z.
 */
import { describe, expect, it } from 'vitest';
import { COST_UNITS_PER_MINOR, CostEngine, toMinor, type Rate } from '../../src/main/core/cost/cost-engine';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';

const ZONE = 'Europe/Lisbon';
const KWH = 60_000_000;
const at = (iso: string): number => Date.parse(iso);
/** Whole cents as cost units, to compare exact sums. */
const cents = (value: number): bigint =>
  BigInt(Math.round(value * 1_000_000)) * (COST_UNITS_PER_MINOR / 1_000_000n);

function engine(tariff: unknown): CostEngine {
  return new CostEngine(TariffSchema.parse(tariff), ZONE);
}

/** A weekday night band across midnight and a day price for everything else. */
const NIGHT_AND_DAY = {
  currency: 'EUR',
  periods: [
    {
      from: '2026-01-01',
      standingPerDay: 0.45,
      feedInPerKWh: 0.06,
      bands: [{ days: ['weekday'], from: '22:00', to: '07:00', perKWh: 0.1234 }, { perKWh: 0.2345 }],
    },
  ],
};

/** Night 22:00–07:00 every day at 0.10, day at 0.20: DST days with round numbers. */
const EVERY_NIGHT = {
  currency: 'EUR',
  periods: [
    {
      from: '2026-01-01',
      standingPerDay: 0.45,
      bands: [{ from: '22:00', to: '07:00', perKWh: 0.1 }, { perKWh: 0.2 }],
    },
  ],
};

/** The import price (c/kWh) charged for 1 kWh at `iso`. */
function centsPerKWhAt(cost: CostEngine, iso: string): number {
  const priced = cost.priceMinute(at(iso), KWH, 0);
  if (priced === undefined) throw new Error(`no tariff at ${iso}`);
  expect(priced.cost % (COST_UNITS_PER_MINOR / 1_000_000n)).toBe(0n);
  return Number(priced.cost / (COST_UNITS_PER_MINOR / 1_000_000n)) / 1_000_000;
}

/** Every real minute of the local day holding `ms` with `units` each: total cost. */
function priceWholeDay(cost: CostEngine, ms: number, units: number): { total: bigint; minutes: number } {
  const day = cost.dayAt(ms);
  let total = 0n;
  let minutes = 0;
  for (let t = day.startMs; t < day.endMs; t += 60_000) {
    total += cost.priceMinute(t, units, 0)!.cost;
    minutes++;
  }
  return { total, minutes };
}

describe('bands across midnight', () => {
  const cost = engine(NIGHT_AND_DAY);

  it('prices a weekday night on both sides of midnight, and the day from 07:00 to 22:00', () => {
    // Wed 14 Jan 2026, Lisbon is UTC+0 in winter: local time = UTC.
    expect(centsPerKWhAt(cost, '2026-01-14T21:59:00Z')).toBe(23.45);
    expect(centsPerKWhAt(cost, '2026-01-14T22:00:00Z')).toBe(12.34);
    expect(centsPerKWhAt(cost, '2026-01-14T23:59:00Z')).toBe(12.34);
    expect(centsPerKWhAt(cost, '2026-01-15T00:00:00Z')).toBe(12.34);
    expect(centsPerKWhAt(cost, '2026-01-15T06:59:00Z')).toBe(12.34);
    expect(centsPerKWhAt(cost, '2026-01-15T07:00:00Z')).toBe(23.45);
  });

  it('takes the day kind from the minute’s own date: Saturday after a Friday night is a weekend', () => {
    expect(centsPerKWhAt(cost, '2026-01-16T23:30:00Z')).toBe(12.34); // Friday night
    expect(centsPerKWhAt(cost, '2026-01-17T00:30:00Z')).toBe(23.45); // Saturday: no weekday band
  });

  it('adds minutes exactly and rounds once', () => {
    // 2.5 kWh at 06:59 × 12.34 c = 30.85 c; 1 kWh at 07:00 × 23.45 c = 23.45 c; 30.85 + 23.45 = 54.30 c.
    const night = cost.priceMinute(at('2026-01-15T06:59:00Z'), 2.5 * KWH, 0)!;
    const day = cost.priceMinute(at('2026-01-15T07:00:00Z'), KWH, 0)!;
    expect(night.cost).toBe(150_000_000n * 12_340_000n);
    expect(night.cost + day.cost).toBe(cents(54.3));
    expect(toMinor(night.cost + day.cost)).toBe(54);
  });
});

describe('a DST change in Europe/Lisbon', () => {
  const cost = engine(EVERY_NIGHT);

  it('the 25-hour day: the repeated 01:00 hour is priced twice, each minute at its own instant', () => {
    const day = cost.dayAt(at('2026-10-25T12:00:00Z'));
    expect(day.date).toBe('2026-10-25');
    expect(day.startMs).toBe(at('2026-10-24T23:00:00Z')); // 00:00 WEST
    expect(day.endMs).toBe(at('2026-10-26T00:00:00Z')); // 00:00 WET
    expect(centsPerKWhAt(cost, '2026-10-25T00:30:00Z')).toBe(10); // 01:30 WEST
    expect(centsPerKWhAt(cost, '2026-10-25T01:30:00Z')).toBe(10); // 01:30 WET, the repeat
    expect(centsPerKWhAt(cost, '2026-10-25T06:59:00Z')).toBe(10); // 06:59 WET
    expect(centsPerKWhAt(cost, '2026-10-25T07:00:00Z')).toBe(20); // 07:00 WET
    expect(centsPerKWhAt(cost, '2026-10-25T21:59:00Z')).toBe(20);
    expect(centsPerKWhAt(cost, '2026-10-25T22:00:00Z')).toBe(10);
    // 1/60 kWh (10^6 units) every real minute: 1500 minutes. Night = wall 00:00–07:00 with 01:00
    // twice (8 h) + 22:00–24:00 (2 h) = 600 min × 1/60 kWh × 10 c = 100 c; day = 900 min → 15 kWh
    // × 20 c = 300 c. 400 c in all.
    const whole = priceWholeDay(cost, at('2026-10-25T12:00:00Z'), 1_000_000);
    expect(whole.minutes).toBe(1500);
    expect(whole.total).toBe(cents(400));
  });

  it('the 23-hour day: the skipped 01:00 hour is not priced, 02:00 WEST follows 00:59 WET', () => {
    const day = cost.dayAt(at('2026-03-29T12:00:00Z'));
    expect(day.startMs).toBe(at('2026-03-29T00:00:00Z'));
    expect(day.endMs).toBe(at('2026-03-29T23:00:00Z'));
    expect(centsPerKWhAt(cost, '2026-03-29T00:59:00Z')).toBe(10); // 00:59 WET
    expect(centsPerKWhAt(cost, '2026-03-29T01:00:00Z')).toBe(10); // 02:00 WEST
    expect(centsPerKWhAt(cost, '2026-03-29T05:59:00Z')).toBe(10); // 06:59 WEST
    expect(centsPerKWhAt(cost, '2026-03-29T06:00:00Z')).toBe(20); // 07:00 WEST
    expect(centsPerKWhAt(cost, '2026-03-29T21:00:00Z')).toBe(10); // 22:00 WEST
    // Night = 00:00–01:00 (60) + 02:00–07:00 (300) + 22:00–24:00 (120) = 480 min → 80 c;
    // day = 900 min → 300 c. 380 c in all, over 1380 minutes.
    const whole = priceWholeDay(cost, at('2026-03-29T12:00:00Z'), 1_000_000);
    expect(whole.minutes).toBe(1380);
    expect(whole.total).toBe(cents(380));
  });

  it('charges one standing charge for each local day, 23, 24 or 25 hours long', () => {
    for (const [first, last, lengths] of [
      ['2026-03-28T00:00:00Z', '2026-03-30T23:00:00Z', [24, 23, 24]],
      ['2026-10-23T23:00:00Z', '2026-10-26T23:59:00Z', [24, 25, 24]], // from 00:00 WEST
    ] as const) {
      const seen: number[] = [];
      let standing = 0n;
      for (let ms = at(first); ms < at(last);) {
        const day = cost.dayAt(ms);
        seen.push((day.endMs - day.startMs) / 3_600_000);
        standing += cost.standingForDay(ms)!;
        ms = day.endMs;
      }
      expect(seen).toEqual(lengths);
      expect(standing).toBe(cents(3 * 45)); // 3 days × 45 c
      expect(cost.standingBetween(at(first), at(last))).toBe(cents(3 * 45));
    }
  });
});

describe('a mid-month price change', () => {
  const cost = engine({
    currency: 'EUR',
    periods: [
      { from: '2026-01-01', standingPerDay: 0.45, feedInPerKWh: 0.06, bands: [{ perKWh: 0.2 }] },
      { from: '2026-07-15', standingPerDay: '0.50', feedInPerKWh: 0.05, bands: [{ perKWh: 0.25 }] },
    ],
  });

  it('changes at the site’s midnight, not UTC’s', () => {
    // Lisbon is UTC+1 in July: 15 July starts at 14 July 23:00Z.
    expect(centsPerKWhAt(cost, '2026-07-14T22:59:00Z')).toBe(20);
    expect(centsPerKWhAt(cost, '2026-07-14T23:00:00Z')).toBe(25);
    expect(cost.priceMinute(at('2026-07-14T22:59:00Z'), 0, KWH)!.credit).toBe(cents(6));
    expect(cost.priceMinute(at('2026-07-14T23:00:00Z'), 0, KWH)!.credit).toBe(cents(5));
  });

  it('prices the month by the period of each day', () => {
    // 1 kWh at local noon every day: 1–14 July × 20 c = 280 c, 15–31 July × 25 c = 425 c → 705 c.
    // Standing: 14 × 45 c = 630 c + 17 × 50 c = 850 c → 1480 c.
    let energy = 0n;
    let standing = 0n;
    for (let ms = at('2026-07-01T11:00:00Z'); ms < at('2026-08-01T00:00:00Z'); ms += 86_400_000) {
      energy += cost.priceMinute(ms, KWH, 0)!.cost;
      standing += cost.standingForDay(ms)!;
    }
    expect(toMinor(energy)).toBe(705);
    expect(toMinor(standing)).toBe(1480);
    // The same month as a bucket: 1 July 00:00 WEST to 1 August 00:00 WEST.
    expect(cost.standingBetween(at('2026-06-30T23:00:00Z'), at('2026-07-31T23:00:00Z'))).toBe(cents(1480));
    // Days are counted by their start: a bucket from 1 July 12:00 holds 2–31 July (1480 − 45 c).
    expect(cost.standingBetween(at('2026-07-01T11:00:00Z'), at('2026-07-31T23:00:00Z'))).toBe(cents(1435));
  });

  it('prices nothing before the first period', () => {
    expect(cost.priceMinute(at('2025-12-31T23:59:00Z'), KWH, 0)).toBeUndefined();
    expect(cost.standingForDay(at('2025-12-31T12:00:00Z'))).toBeUndefined();
  });
});

describe('a holiday', () => {
  const cost = engine({
    currency: 'EUR',
    holidays: ['2026-12-25'],
    periods: [
      {
        from: '2026-01-01',
        bands: [
          { days: ['weekday'], from: '08:00', to: '20:00', perKWh: 0.3 },
          { days: ['weekend', 'holiday'], perKWh: 0.15 },
          { perKWh: 0.2 },
        ],
      },
    ],
  });

  it('prices Christmas (a Friday) with the holiday band, from its midnight to the next', () => {
    expect(centsPerKWhAt(cost, '2026-12-24T12:00:00Z')).toBe(30); // Thursday peak
    expect(centsPerKWhAt(cost, '2026-12-24T23:59:00Z')).toBe(20); // Thursday night
    expect(centsPerKWhAt(cost, '2026-12-25T00:00:00Z')).toBe(15);
    expect(centsPerKWhAt(cost, '2026-12-25T12:00:00Z')).toBe(15); // not the weekday peak
    expect(centsPerKWhAt(cost, '2026-12-25T23:59:00Z')).toBe(15);
    expect(centsPerKWhAt(cost, '2026-12-26T12:00:00Z')).toBe(15); // Saturday
    expect(centsPerKWhAt(cost, '2026-12-27T12:00:00Z')).toBe(15); // Sunday
    expect(centsPerKWhAt(cost, '2026-12-28T12:00:00Z')).toBe(30); // Monday
    expect(cost.dayAt(at('2026-12-25T12:00:00Z')).kind).toBe('holiday');
  });
});

describe('feed-in credit', () => {
  const cost = engine(NIGHT_AND_DAY);

  it('credits a generation meter’s export at the feed-in price and charges its own draw at import', () => {
    // Wed 14 Jan 12:00, day band. Draw 50 Wh × 23.45 c/kWh = 1.1725 c; export 2 kWh × 6 c = 12 c.
    const minute = cost.priceMinute(at('2026-01-14T12:00:00Z'), 50 * 60_000, 2 * KWH)!;
    expect(minute.cost).toBe(cents(1.1725));
    expect(minute.credit).toBe(cents(12));
    expect(toMinor(minute.cost)).toBe(1);
    expect(toMinor(minute.credit - minute.cost)).toBe(11); // 10.8275 c
  });

  it('keeps a sub-cent feed-in price exact over an hour of minutes', () => {
    const precise = engine({
      ...EVERY_NIGHT,
      periods: [{ ...EVERY_NIGHT.periods[0], feedInPerKWh: 0.0615 }],
    });
    // 60 minutes × 1/60 kWh = 1 kWh × 6.15 c.
    let credit = 0n;
    for (let m = 0; m < 60; m++)
      credit += precise.priceMinute(at('2026-06-01T12:00:00Z') + m * 60_000, 0, 1_000_000)!.credit;
    expect(credit).toBe(cents(6.15));
    expect(toMinor(credit)).toBe(6);
  });
});

describe('exactness', () => {
  const cost = engine(NIGHT_AND_DAY);

  it('a day priced minute by minute equals its per-band energy priced once', () => {
    // Wed 25 Mar 2026, odd energies (1 to 99 999 units, a few Wh) every minute.
    const day = cost.dayAt(at('2026-03-25T12:00:00Z'));
    let seed = 7;
    const perRate = new Map<Rate, number>();
    let byMinute = 0n;
    let roundedEachMinute = 0;
    for (let t = day.startMs; t < day.endMs; t += 60_000) {
      seed = (seed * 48_271) % 2_147_483_647;
      const units = (seed % 99_999) + 1;
      const minute = cost.priceMinute(t, units, 0)!;
      byMinute += minute.cost;
      roundedEachMinute += toMinor(minute.cost);
      perRate.set(minute.rate, (perRate.get(minute.rate) ?? 0) + units);
    }
    let byBand = 0n;
    for (const [rate, units] of perRate) byBand += BigInt(units) * rate.importMicroPerKWh;
    expect(perRate.size).toBe(2);
    expect(byMinute).toBe(byBand);
    // Why one rounding: a cent rounded away each minute is far off the day's true cost.
    expect(Math.abs(roundedEachMinute - toMinor(byMinute))).toBeGreaterThan(10);
  });

  it('rounds half away from zero, once', () => {
    const half = COST_UNITS_PER_MINOR / 2n;
    expect(toMinor(half)).toBe(1);
    expect(toMinor(half - 1n)).toBe(0);
    expect(toMinor(-half)).toBe(-1);
    expect(toMinor(-half + 1n)).toBe(0);
    expect(toMinor(3n * COST_UNITS_PER_MINOR + half)).toBe(4);
  });

  it('refuses negative energy', () => {
    expect(() => cost.priceMinute(at('2026-01-14T12:00:00Z'), -1, 0)).toThrow(RangeError);
  });
});
