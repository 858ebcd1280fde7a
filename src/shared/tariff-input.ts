/**
 * `[tariff]` as people write it (kilowatch.toml, or the settings screen through `tariff.set`):
 * decimal prices as text or numbers, dates and wall-clock times. Checked here for shape, field by
 * field, wherever it arrives; the core turns it into exact integers and checks that the bands
 * cover every minute (core/cost/tariff-schema.ts).
 */
import { z } from 'zod';

/** A holiday is neither a weekday nor a weekend day for pricing; holidays are looked up first. */
export const DAY_KINDS = ['weekday', 'weekend', 'holiday'] as const;
export type DayKind = (typeof DAY_KINDS)[number];

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** zod's ISO date knows month lengths and leap years: 2026-02-30 is refused. */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-01-31')
  .pipe(z.iso.date({ error: 'is not a calendar date' }));

export const ClockTime = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time like 07:00 (00:00 to 24:00)');

export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export const Price = z.union([
  z.number().finite(),
  z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'must be a decimal like 0.1234'),
]);

export const BandSection = z
  .object({
    days: z.array(z.enum(DAY_KINDS)).min(1).optional(),
    from: ClockTime.optional(),
    to: ClockTime.optional(),
    perKWh: Price,
  })
  .strict()
  .superRefine((band, ctx) => {
    if ((band.from === undefined) !== (band.to === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [band.from === undefined ? 'from' : 'to'],
        message: 'from and to go together (leave both out for the whole day)',
      });
    else if (band.from !== undefined && band.to !== undefined) {
      if (band.from === '24:00')
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'a band starts at 00:00, not 24:00' });
      else if (minutesOf(band.from) === minutesOf(band.to))
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: 'from and to are the same time (leave both out for the whole day)',
        });
    }
  });

export const PeriodSection = z
  .object({
    from: LocalDate,
    standingPerDay: Price.default(0),
    feedInPerKWh: Price.default(0),
    bands: z.array(BandSection).min(1, 'a period needs at least one band'),
  })
  .strict();

export const TariffInputSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like EUR')
      .refine((c) => KNOWN_CURRENCIES.has(c), 'is not a currency this runtime knows (ISO 4217)'),
    holidays: z.array(LocalDate).default([]),
    periods: z.array(PeriodSection).min(1, 'a tariff needs at least one period'),
  })
  .strict();
export type TariffInput = z.output<typeof TariffInputSchema>;
