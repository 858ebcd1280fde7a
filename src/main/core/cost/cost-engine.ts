/**
 * Prices minute energy with the tariff in force at that minute, exactly (issue #18).
 *
 * Money unit: the **cost unit**, 1/(6·10^13) of the currency's minor unit. It is the exact product
 * of a price in millionths of a minor unit per kWh (tariff-schema.ts) and energy in the store's
 * unit, milliwatt-minutes (units.ts: 1 kWh = 6·10^7). Any coarser unit would round every minute
 * row, and 10 000 channels × 1440 minutes of rounding drift is visible in a month's total; in cost
 * units every minute's cost is an exact integer, sums of minutes equal the price of summed energy
 * (a day priced minute by minute = the day's per-band energy × band price), and rounding happens
 * once, when a total is shown (toMinor). Cost units are bigint: a 100 kW meter at 0.30 €/kWh costs
 * 3·10^15 units in one minute, so a few minutes' sum already overflows a double's exact integers.
 *
 * Speed: a local day is worked out once (zone-offsets.ts: arithmetic, luxon only on DST days) and
 * kept as UTC segments each with one rate, so pricing a minute is a range check on the last
 * segment in the common case. The engine is bound to one zone: a new site zone needs a new engine.
 */
import { DateTime } from 'luxon';
import { MICRO_PER_MINOR } from './decimal-price';
import { ZoneOffsets } from './zone-offsets';
import { bandByMinute, DAY_KINDS, MINUTES_PER_DAY, type DayKind, type Tariff } from './tariff-schema';

/** Milliwatt-minutes per kWh: the store's energy unit (units.ts UNITS_PER_WH × 1000). */
export const UNITS_PER_KWH = 60_000_000;
/** Cost units per millionth of a minor unit. */
export const COST_UNITS_PER_MICRO = BigInt(UNITS_PER_KWH);
/** Cost units per minor unit (cent, yen, …). */
export const COST_UNITS_PER_MINOR = COST_UNITS_PER_MICRO * BigInt(MICRO_PER_MINOR);

/** The import and feed-in prices of one band of one period. */
export interface Rate {
  /** Dense over the tariff's (period, band) pairs: a key for per-rate energy sums. */
  readonly id: number;
  readonly period: number;
  readonly band: number;
  readonly importMicroPerKWh: bigint;
  readonly feedInMicroPerKWh: bigint;
}

/** A stretch of real time, [startMs, endMs), priced at one rate. */
export interface RateSegment {
  readonly startMs: number;
  readonly endMs: number;
  readonly rate: Rate;
}

/** One local day in the site's zone: 23, 24 or 25 hours of real time. */
export interface LocalDay {
  readonly startMs: number;
  readonly endMs: number;
  /** yyyy-MM-dd in the site's zone. */
  readonly date: string;
  readonly kind: DayKind;
  /** Index of the period in force, -1 before the first one (nothing is priced). */
  readonly period: number;
  /** Cover [startMs, endMs) in order, adjacent segments differ in rate; empty without a period. */
  readonly segments: readonly RateSegment[];
}

export interface MinuteCost {
  /** Import priced at the band's price, in cost units. */
  cost: bigint;
  /** Export credited at the feed-in price, in cost units (a positive number is money earned). */
  credit: bigint;
  rate: Rate;
}

/** Exact cost of `units` milliwatt-minutes at `microPerKWh`, in cost units. */
export const energyCost = (units: number, microPerKWh: bigint): bigint => BigInt(units) * microPerKWh;

/**
 * Cost units (÷ `scale`, for a sum kept whole by multiplying it) → whole minor units, rounded
 * once, half away from zero (0.5 cent → 1 cent, −0.5 → −1): the rule people use checking a bill
 * by hand. Exact ties are rare at 1/(6·10^13) of a cent.
 */
export function toMinor(cost: bigint, scale = 1n): number {
  const negative = cost < 0n;
  const magnitude = negative ? -cost : cost;
  const per = COST_UNITS_PER_MINOR * scale;
  let minor = magnitude / per;
  if ((magnitude % per) * 2n >= per) minor += 1n;
  return Number(negative ? -minor : minor);
}

/**
 * Days are found by UTC quarter-hour: every zone offset in use is a multiple of 15 minutes, so a
 * quarter-hour lies in one local day (checked anyway: a miss only costs building the day again).
 */
const QUARTER_MS = 900_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAY_CACHE_QUARTERS = 400 * 100;

export class CostEngine {
  readonly rates: readonly Rate[];
  private readonly ratesByPeriod: Rate[][];
  /** [period][DAY_KINDS index] → band per wall-clock minute. */
  private readonly tables: Int16Array[][];
  private readonly holidays: ReadonlySet<string>;
  private readonly offsets: ZoneOffsets;
  private readonly byQuarter = new Map<number, LocalDay>();
  private lastDay: LocalDay | undefined;
  private lastSegment: RateSegment | undefined;

  constructor(
    readonly tariff: Tariff,
    readonly zone: string,
  ) {
    this.offsets = new ZoneOffsets(zone);
    this.holidays = new Set(tariff.holidays);
    const rates: Rate[] = [];
    this.ratesByPeriod = tariff.periods.map((period, p) =>
      period.bands.map((band, b) => {
        const rate: Rate = {
          id: rates.length,
          period: p,
          band: b,
          importMicroPerKWh: BigInt(band.importMicroPerKWh),
          feedInMicroPerKWh: BigInt(period.feedInMicroPerKWh),
        };
        rates.push(rate);
        return rate;
      }),
    );
    this.rates = rates;
    this.tables = tariff.periods.map((period) => DAY_KINDS.map((kind) => bandByMinute(period.bands, kind)));
  }

  /** The rate in force at the instant `ms`; undefined before the first period. */
  rateAt(ms: number): Rate | undefined {
    const last = this.lastSegment;
    if (last !== undefined && ms >= last.startMs && ms < last.endMs) return last.rate;
    for (const segment of this.dayAt(ms).segments) {
      if (ms < segment.endMs) {
        this.lastSegment = segment;
        return segment.rate;
      }
    }
    return undefined;
  }

  /**
   * One minute row priced: `importUnits` at the band's price, `exportUnits` credited at the
   * feed-in price, both in milliwatt-minutes. Undefined before the first period (no tariff).
   */
  priceMinute(minuteStartMs: number, importUnits: number, exportUnits: number): MinuteCost | undefined {
    if (!(importUnits >= 0 && exportUnits >= 0))
      throw new RangeError(`Energy must be counted, not negative (${importUnits}, ${exportUnits})`);
    const rate = this.rateAt(minuteStartMs);
    if (rate === undefined) return undefined;
    return {
      cost: energyCost(importUnits, rate.importMicroPerKWh),
      credit: energyCost(exportUnits, rate.feedInMicroPerKWh),
      rate,
    };
  }

  /** The standing charge of the local day holding `ms`, in cost units: one per day, 23 or 25 hours. */
  standingForDay(ms: number): bigint | undefined {
    const period = this.tariff.periods[this.dayAt(ms).period];
    return period === undefined ? undefined : BigInt(period.standingMicroPerDay) * COST_UNITS_PER_MICRO;
  }

  /**
   * Standing charges of the local days starting in [fromMs, toMs), in cost units: for a bucket of
   * whole local days (day, week, month) its standing charge. Days before the first period add 0.
   */
  standingBetween(fromMs: number, toMs: number): bigint {
    let total = 0n;
    let day = this.dayAt(fromMs);
    if (day.startMs < fromMs) day = this.dayAt(day.endMs);
    while (day.startMs < toMs) {
      total += this.standingForDay(day.startMs) ?? 0n;
      day = this.dayAt(day.endMs);
    }
    return total;
  }

  /** The local day holding `ms`, with its rate segments (to price per-band energy sums). */
  dayAt(ms: number): LocalDay {
    const last = this.lastDay;
    if (last !== undefined && ms >= last.startMs && ms < last.endMs) return last;
    const quarter = Math.floor(ms / QUARTER_MS);
    let day = this.byQuarter.get(quarter);
    if (day === undefined || ms < day.startMs || ms >= day.endMs) {
      day = this.buildDay(ms);
      if (this.byQuarter.size >= DAY_CACHE_QUARTERS) this.byQuarter.clear();
      const lastQuarter = Math.floor((day.endMs - 1) / QUARTER_MS);
      for (let q = Math.floor(day.startMs / QUARTER_MS); q <= lastQuarter; q++) this.byQuarter.set(q, day);
    }
    this.lastDay = day;
    return day;
  }

  private buildDay(ms: number): LocalDay {
    const { startMs, endMs, date, weekday } = this.localDayBounds(ms);
    const kind: DayKind = this.holidays.has(date) ? 'holiday' : weekday >= 6 ? 'weekend' : 'weekday';
    // ISO dates compare as strings: the last period whose from-date is not after this day.
    let period = -1;
    this.tariff.periods.forEach((p, i) => {
      if (p.from <= date) period = i;
    });
    const day = { startMs, endMs, date, kind, period, segments: [] as RateSegment[] };
    if (period === -1) return day;
    const table = this.tables[period]![DAY_KINDS.indexOf(kind)]!;
    const rates = this.ratesByPeriod[period]!;
    const cuts = [startMs, ...this.offsets.changesIn(startMs + 1, endMs - 1), endMs];
    for (let c = 0; c + 1 < cuts.length; c++) {
      // A stretch of one UTC offset: wall-clock minutes advance with real ones.
      const pieceEnd = cuts[c + 1]!;
      const offsetMs = this.offsets.offsetAt(cuts[c]!) * MINUTE_MS;
      for (let t = cuts[c]!; t < pieceEnd;) {
        const wallMinute = Math.floor((t + offsetMs) / MINUTE_MS);
        const minuteOfDay = ((wallMinute % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
        const band = table[minuteOfDay]!;
        let runEnd = minuteOfDay + 1;
        while (runEnd < MINUTES_PER_DAY && table[runEnd] === band) runEnd++;
        const end = Math.min(pieceEnd, (wallMinute + runEnd - minuteOfDay) * MINUTE_MS - offsetMs);
        const rate = rates[band]!;
        const previous = day.segments[day.segments.length - 1];
        if (previous !== undefined && previous.rate === rate && previous.endMs === t)
          day.segments[day.segments.length - 1] = { startMs: previous.startMs, endMs: end, rate };
        else day.segments.push({ startMs: t, endMs: end, rate });
        t = end;
      }
    }
    return day;
  }

  /**
   * The local day holding `ms`: on a day of one UTC offset it is plain arithmetic; only a day
   * with an offset change (DST, twice a year) asks luxon where its midnights are.
   */
  private localDayBounds(ms: number): { startMs: number; endMs: number; date: string; weekday: number } {
    const offsetMs = this.offsets.offsetAt(ms) * MINUTE_MS;
    const midnight = Math.floor((ms + offsetMs) / DAY_MS) * DAY_MS;
    const startMs = midnight - offsetMs;
    if (this.offsets.changesIn(startMs, startMs + DAY_MS).length === 0) {
      const wall = new Date(midnight);
      return {
        startMs,
        endMs: startMs + DAY_MS,
        date: wall.toISOString().slice(0, 10),
        weekday: wall.getUTCDay() || 7,
      };
    }
    const start = DateTime.fromMillis(ms, { zone: this.zone }).startOf('day');
    return {
      startMs: start.toMillis(),
      endMs: start.plus({ days: 1 }).startOf('day').toMillis(),
      date: start.toISODate() as string,
      weekday: start.weekday,
    };
  }
}
