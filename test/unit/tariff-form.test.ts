/**
 * The tariff form's rules, without a browser: a tariff as the settings screen shows it and what
 * Save sends back, which the contract's own schema must take; how empty hours, ticked days, a
 * decimal comma and holidays typed with commas or spaces are read.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TariffInputSchema, type TariffInput } from '../../src/shared/tariff-input';

interface BandDraft {
  key: number;
  days: Record<'weekday' | 'weekend' | 'holiday', boolean>;
  from: string;
  to: string;
  perKWh: string;
}
interface PeriodDraft {
  key: number;
  from: string;
  standingPerDay: string;
  feedInPerKWh: string;
  bands: BandDraft[];
}
interface TariffDraft {
  currency: string;
  holidays: string;
  periods: PeriodDraft[];
}
/** The renderer's form module, seen from Node (it belongs to the web TypeScript project). */
interface FormModule {
  draftOf(tariff: TariffInput): TariffDraft;
  starterDraft(today: string): TariffDraft;
  periodAfter(last: PeriodDraft | undefined): PeriodDraft;
  todayIn(timeZone: string, nowMs: number): string;
  inputOf(draft: TariffDraft): { tariff: TariffInput } | { problem: string };
}

const FORM = resolve(__dirname, '../../src/renderer/src/components/settings/tariff-form.ts');
let f: FormModule;
beforeAll(async () => {
  f = (await import(/* @vite-ignore */ FORM)) as FormModule;
});

const TARIFF: TariffInput = {
  currency: 'EUR',
  holidays: ['2026-12-25', '2027-01-01'],
  periods: [
    {
      from: '2026-01-01',
      standingPerDay: '0.35',
      feedInPerKWh: 0.05,
      bands: [
        { days: ['weekday'], from: '08:00', to: '22:00', perKWh: '0.25' },
        { days: ['weekend', 'holiday'], from: '22:00', to: '24:00', perKWh: '0.10' },
        { perKWh: '0.12' },
      ],
    },
  ],
};

const sent = (draft: TariffDraft): TariffInput => {
  const typed = f.inputOf(draft);
  if (!('tariff' in typed)) throw new Error(`not sendable: ${typed.problem}`);
  return typed.tariff;
};

describe('the tariff form', () => {
  it('shows a tariff and sends it back as it was written (prices as text)', () => {
    const draft = f.draftOf(TARIFF);
    expect(draft.holidays).toBe('2026-12-25 2027-01-01');
    expect(draft.periods[0]?.bands.map((b) => [b.days, b.from, b.to, b.perKWh])).toEqual([
      [{ weekday: true, weekend: false, holiday: false }, '08:00', '22:00', '0.25'],
      [{ weekday: false, weekend: true, holiday: true }, '22:00', '24:00', '0.10'],
      [{ weekday: true, weekend: true, holiday: true }, '', '', '0.12'],
    ]);
    const back = sent(draft);
    expect(back).toEqual({
      ...TARIFF,
      periods: [{ ...TARIFF.periods[0], feedInPerKWh: '0.05' }],
    });
    expect(TariffInputSchema.safeParse(back).success).toBe(true);
  });

  it('reads a decimal comma, a lower-case code and holidays split by commas or spaces', () => {
    const draft = f.starterDraft('2026-03-10');
    draft.currency = ' gbp ';
    draft.holidays = '2026-12-25, 2026-12-26 ,2027-01-01  ';
    const period = draft.periods[0] as PeriodDraft;
    period.standingPerDay = '0,35';
    (period.bands[0] as BandDraft).perKWh = ' 0,1850 ';
    expect(sent(draft)).toEqual({
      currency: 'GBP',
      holidays: ['2026-12-25', '2026-12-26', '2027-01-01'],
      periods: [
        { from: '2026-03-10', standingPerDay: '0.35', feedInPerKWh: '0', bands: [{ perKWh: '0.1850' }] },
      ],
    });
  });

  it('leaves an unfinished field for the core to judge, but names a row with no day ticked', () => {
    const draft = f.starterDraft('2026-03-10');
    const band = (draft.periods[0] as PeriodDraft).bands[0] as BandDraft;
    band.from = '08:00';
    // Only one end typed: sent as it is; the core says "from and to go together".
    expect(sent(draft).periods[0]?.bands).toEqual([{ from: '08:00', perKWh: '' }]);
    band.days = { weekday: false, weekend: false, holiday: false };
    expect(f.inputOf(draft)).toEqual({
      problem: 'Prices from 2026-03-10, row 1: tick at least one kind of day.',
    });
  });

  it('starts a later period as a copy of the last one’s prices and hours, with its own rows', () => {
    const last = f.draftOf(TARIFF).periods[0] as PeriodDraft;
    const next = f.periodAfter(last);
    expect(next.from).toBe('');
    expect(next.bands.map((b) => b.perKWh)).toEqual(['0.25', '0.10', '0.12']);
    expect(next.bands.map((b) => b.key)).not.toEqual(last.bands.map((b) => b.key));
    (next.bands[0] as BandDraft).days.weekend = true;
    expect(last.bands[0]?.days.weekend).toBe(false);
  });

  it('dates a new tariff by the site’s day, not the computer’s', () => {
    // 23:30 UTC on 9 March is already 10 March in Tokyo, still 9 March in New York.
    const at = Date.UTC(2026, 2, 9, 23, 30);
    expect(f.todayIn('Asia/Tokyo', at)).toBe('2026-03-10');
    expect(f.todayIn('America/New_York', at)).toBe('2026-03-09');
  });
});
