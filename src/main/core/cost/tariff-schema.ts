/**
 * The `[tariff]` section of kilowatch.toml (issue #18): a currency, holidays, and periods each in
 * force from its date (site-zone midnight) until the next one, so a price change never rewrites
 * the past. A period prices import by time-of-use bands and has one feed-in price and one standing
 * charge. Parsing turns every decimal price into exact integers once (decimal-price.ts); the cost
 * engine never sees a float.
 *
 * Bands: the first band that matches a minute wins, so a last band with no days or hours is
 * "everything else". Every minute of every kind of day must be matched (a gap is an error naming
 * the day kind and the time), and a band that never wins is an error too (it is always a mistake).
 */
import type { z } from 'zod';
import {
  DAY_KINDS,
  minutesOf,
  TariffInputSchema as TariffInput,
  type DayKind,
  type TariffInput as TariffInputText,
} from '../../../shared/tariff-input';
import { readPrice } from './decimal-price';

export { DAY_KINDS, type DayKind };

export const MINUTES_PER_DAY = 1440;

export interface TariffBand {
  days: readonly DayKind[];
  /** Local wall-clock minutes of the day: [fromMin, toMin), across midnight when toMin <= fromMin. */
  fromMin: number;
  toMin: number;
  /** Millionths of the minor unit per kWh (EUR: 0.1234 €/kWh is 12 340 000). */
  importMicroPerKWh: number;
}

export interface TariffPeriod {
  /** Local date (yyyy-MM-dd) from whose site-zone midnight the period is in force. */
  from: string;
  /** Millionths of the minor unit per local day, whatever the day's length (23 or 25 hours). */
  standingMicroPerDay: number;
  feedInMicroPerKWh: number;
  bands: TariffBand[];
}

/** A parsed tariff: plain integers only, so it crosses JSON and process boundaries unchanged. */
export interface Tariff {
  currency: string;
  /** The currency's minor-unit decimals (Intl): EUR 2, JPY 0, KWD 3. */
  minorDigits: number;
  /** Sorted, unique local dates. */
  holidays: string[];
  /** Sorted by `from`, dates unique. */
  periods: TariffPeriod[];
}

export function minorDigitsOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

const hhmm = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Which band prices each local minute of a `kind` day (first match wins); -1 where none does.
 * Wall-clock minutes: a minute skipped by DST simply never occurs, a repeated one is priced twice.
 */
export function bandByMinute(
  bands: readonly Pick<TariffBand, 'days' | 'fromMin' | 'toMin'>[],
  kind: DayKind,
): Int16Array {
  const table = new Int16Array(MINUTES_PER_DAY).fill(-1);
  bands.forEach((band, index) => {
    if (!band.days.includes(kind)) return;
    const length = (band.toMin - band.fromMin + MINUTES_PER_DAY) % MINUTES_PER_DAY || MINUTES_PER_DAY;
    for (let i = 0; i < length; i++) {
      const minute = (band.fromMin + i) % MINUTES_PER_DAY;
      if (table[minute] === -1) table[minute] = index;
    }
  });
  return table;
}

/** Runs of -1 in a table, in words: "weekday 07:00–08:00". */
function gapsIn(table: Int16Array, kind: DayKind): string[] {
  const gaps: string[] = [];
  for (let m = 0; m < MINUTES_PER_DAY; m++) {
    if (table[m] !== -1) continue;
    const start = m;
    while (m < MINUTES_PER_DAY && table[m] === -1) m++;
    gaps.push(`${kind} ${hhmm(start)}–${hhmm(m)}`);
  }
  return gaps;
}

type Section = z.infer<typeof TariffInput>;

function toTariff(input: Section, ctx: z.RefinementCtx): Tariff {
  const minorDigits = minorDigitsOf(input.currency);
  const price = (value: number | string, path: (string | number)[]): number => {
    const read = readPrice(value, minorDigits, input.currency);
    if (read.ok) return read.micro;
    ctx.addIssue({ code: 'custom', path, message: read.message });
    return 0;
  };
  const periods = input.periods.map((period, p): TariffPeriod => {
    const at = ['periods', p];
    const previous = input.periods[p - 1];
    if (previous && previous.from >= period.from)
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'from'],
        message: `periods must be in date order, each on its own date: ${period.from} is not after ${previous.from}`,
      });
    const bands = period.bands.map((band, b): TariffBand => ({
      days: band.days ?? DAY_KINDS,
      fromMin: band.from === undefined ? 0 : minutesOf(band.from),
      toMin: band.to === undefined ? 0 : minutesOf(band.to) % MINUTES_PER_DAY,
      importMicroPerKWh: price(band.perKWh, [...at, 'bands', b, 'perKWh']),
    }));
    const winners = new Set<number>();
    const gaps: string[] = [];
    for (const kind of DAY_KINDS) {
      const table = bandByMinute(bands, kind);
      for (const index of table) winners.add(index);
      gaps.push(...gapsIn(table, kind));
    }
    if (gaps.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'bands'],
        message: `no band prices ${gaps.join(', ')} (add a last band with no days, from or to for everything else)`,
      });
    bands.forEach((_, b) => {
      if (!winners.has(b))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'bands', b],
          message:
            'this band never applies: bands before it already price all its days and hours (the first match wins)',
        });
    });
    return {
      from: period.from,
      standingMicroPerDay: price(period.standingPerDay, [...at, 'standingPerDay']),
      feedInMicroPerKWh: price(period.feedInPerKWh, [...at, 'feedInPerKWh']),
      bands,
    };
  });
  return {
    currency: input.currency,
    minorDigits,
    holidays: [...new Set(input.holidays)].sort(),
    periods,
  };
}

/** `[tariff]` as written → Tariff, with every problem named by its field. */
export const TariffSchema = TariffInput.transform((input, ctx) => toTariff(input, ctx));

/** Millionths of a minor unit as the major unit's decimal text: 20 000 000 µ¢ (EUR) → "0.2". */
function priceText(micro: number, minorDigits: number): string {
  const scale = 10n ** BigInt(minorDigits + 6);
  const value = BigInt(micro);
  const magnitude = value < 0n ? -value : value;
  const fraction = (magnitude % scale)
    .toString()
    .padStart(minorDigits + 6, '0')
    .replace(/0+$/, '');
  return `${value < 0n ? '-' : ''}${magnitude / scale}${fraction ? `.${fraction}` : ''}`;
}

/** A parsed tariff as people write it again (what `tariff.get` shows for one from kilowatch.toml). */
export function tariffInputOf(tariff: Tariff): TariffInputText {
  const price = (micro: number) => priceText(micro, tariff.minorDigits);
  return {
    currency: tariff.currency,
    holidays: [...tariff.holidays],
    periods: tariff.periods.map((period) => ({
      from: period.from,
      standingPerDay: price(period.standingMicroPerDay),
      feedInPerKWh: price(period.feedInMicroPerKWh),
      bands: period.bands.map((band) => ({
        days: [...band.days],
        ...(band.fromMin !== band.toMin && {
          from: hhmm(band.fromMin),
          to: band.toMin === 0 ? '24:00' : hhmm(band.toMin),
        }),
        perKWh: price(band.importMicroPerKWh),
      })),
    })),
  };
}
