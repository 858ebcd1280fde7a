/**
 * The tariff form without React: a tariff as the text typed into the settings screen, and back.
 * Only what a person cannot see at a glance is checked here (a row with no kind of day ticked);
 * everything else — shapes, gaps between bands, unknown currencies — is judged by the core, whose
 * words the form then shows.
 */
import { DAY_KINDS, type DayKind, type TariffInput } from '../../../../shared/tariff-input';
import { t } from '../../i18n/words';

/** Offered beside free text: the currencies a site is most likely to pay in. */
export const COMMON_CURRENCIES = ['EUR', 'GBP', 'USD', 'CHF', 'BRL', 'SEK', 'NOK', 'DKK', 'PLN'] as const;

export interface BandDraft {
  /** Stable across edits, so React keeps each row's focus when another one is removed. */
  key: number;
  days: Record<DayKind, boolean>;
  from: string;
  to: string;
  perKWh: string;
}

export interface PeriodDraft {
  key: number;
  from: string;
  standingPerDay: string;
  feedInPerKWh: string;
  bands: BandDraft[];
}

export interface TariffDraft {
  currency: string;
  holidays: string;
  periods: PeriodDraft[];
}

let lastKey = 0;
const nextKey = (): number => ++lastKey;

const everyDay = (): Record<DayKind, boolean> => ({ weekday: true, weekend: true, holiday: true });

export const emptyBand = (): BandDraft => ({
  key: nextKey(),
  days: everyDay(),
  from: '',
  to: '',
  perKWh: '',
});

/** A price as the person wrote it (the file may hold a number): shown, and sent back, as text. */
const priceText = (price: string | number): string => String(price);

export function draftOf(tariff: TariffInput): TariffDraft {
  return {
    currency: tariff.currency,
    holidays: tariff.holidays.join(' '),
    periods: tariff.periods.map((period) => ({
      key: nextKey(),
      from: period.from,
      standingPerDay: priceText(period.standingPerDay),
      feedInPerKWh: priceText(period.feedInPerKWh),
      bands: period.bands.map((band) => ({
        key: nextKey(),
        days: band.days
          ? {
              weekday: band.days.includes('weekday'),
              weekend: band.days.includes('weekend'),
              holiday: band.days.includes('holiday'),
            }
          : everyDay(),
        from: band.from ?? '',
        to: band.to ?? '',
        perKWh: priceText(band.perKWh),
      })),
    })),
  };
}

/** Where someone without a tariff starts: one price for the whole of every day, from `today`. */
export function starterDraft(today: string): TariffDraft {
  return {
    currency: 'EUR',
    holidays: '',
    periods: [{ key: nextKey(), from: today, standingPerDay: '0', feedInPerKWh: '0', bands: [emptyBand()] }],
  };
}

/** A later price change usually keeps the hours and changes the prices: it starts as a copy. */
export function periodAfter(last: PeriodDraft | undefined): PeriodDraft {
  return {
    key: nextKey(),
    from: '',
    standingPerDay: last?.standingPerDay ?? '0',
    feedInPerKWh: last?.feedInPerKWh ?? '0',
    bands: last
      ? last.bands.map((band) => ({ ...band, key: nextKey(), days: { ...band.days } }))
      : [emptyBand()],
  };
}

/**
 * A price as the contract takes it. A decimal comma (how Portuguese writes 0,20) becomes a point:
 * the core reads only points, and a price per kWh never has thousands to separate.
 */
const priceOf = (text: string): string => text.trim().replace(/^([+-]?\d+),(\d+)$/, '$1.$2');

/** Today's date where the site is, as the period's from-date wants it (yyyy-MM-dd). */
export function todayIn(timeZone: string, nowMs: number): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(nowMs));
  } catch (e) {
    // A zone this browser does not know: the browser's own day is within a day of it.
    if (!(e instanceof RangeError)) throw e;
    return new Intl.DateTimeFormat('en-CA').format(new Date(nowMs));
  }
}

/**
 * The typed tariff, ready for `tariff.set`, or in words why it cannot be sent yet. Empty From and
 * To mean the whole day; all three kinds of day ticked mean every day (both left out, as a person
 * writing kilowatch.toml would).
 */
export function inputOf(draft: TariffDraft): { tariff: TariffInput } | { problem: string } {
  const problems: string[] = [];
  const periods = draft.periods.map((period, p) => ({
    from: period.from.trim(),
    standingPerDay: priceOf(period.standingPerDay),
    feedInPerKWh: priceOf(period.feedInPerKWh),
    bands: period.bands.map((band, b) => {
      const days = DAY_KINDS.filter((kind) => band.days[kind]);
      if (days.length === 0)
        problems.push(t('tariff.problem.noDays', { date: period.from.trim() || String(p + 1), row: b + 1 }));
      const from = band.from.trim();
      const to = band.to.trim();
      return {
        ...(days.length < DAY_KINDS.length && { days }),
        ...(from !== '' && { from }),
        ...(to !== '' && { to }),
        perKWh: priceOf(band.perKWh),
      };
    }),
  }));
  if (problems.length > 0) return { problem: problems.join(' ') };
  return {
    tariff: {
      currency: draft.currency.trim().toUpperCase(),
      holidays: draft.holidays.split(/[\s,;]+/).filter((date) => date !== ''),
      periods,
    },
  };
}
