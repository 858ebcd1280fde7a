/**
 * The export dialog's periods in the browser's local time (Europe/Berlin here, across a year
 * boundary and the spring DST change): whole days, weeks from Monday, months and years.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Period = { fromMs: number; toMs: number };
/** The renderer's module, seen from Node (it belongs to the web TypeScript project). */
interface PeriodsModule {
  periodSpan(
    kind: 'yesterday' | 'last-week' | 'this-month' | 'last-month' | 'last-year',
    nowMs: number,
  ): Period;
  customPeriod(firstDay: string, lastDay: string): Period | null;
}
// Loaded by path: the file is type-checked by tsconfig.web.json, not by this (Node) project.
const PERIODS = resolve(__dirname, '../../src/renderer/src/report-periods.ts');
let periodSpan: PeriodsModule['periodSpan'];
let customPeriod: PeriodsModule['customPeriod'];

const zoneBefore = process.env.TZ;
beforeAll(async () => {
  process.env.TZ = 'Europe/Berlin';
  ({ periodSpan, customPeriod } = (await import(/* @vite-ignore */ PERIODS)) as PeriodsModule);
});
afterAll(() => {
  // Assigning undefined would set the text "undefined".
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

const iso = (p: Period | null) => p && [new Date(p.fromMs).toISOString(), new Date(p.toMs).toISOString()];

describe('report periods', () => {
  // Wednesday 7 January 2026, 09:30 in Berlin (UTC+1).
  const now = Date.parse('2026-01-07T08:30:00Z');

  it('gives yesterday, last week (Monday to Sunday), this and last month and last year', () => {
    expect(iso(periodSpan('yesterday', now))).toEqual([
      '2026-01-05T23:00:00.000Z',
      '2026-01-06T23:00:00.000Z',
    ]);
    expect(iso(periodSpan('last-week', now))).toEqual([
      '2025-12-28T23:00:00.000Z',
      '2026-01-04T23:00:00.000Z',
    ]);
    expect(iso(periodSpan('this-month', now))).toEqual([
      '2025-12-31T23:00:00.000Z',
      '2026-01-31T23:00:00.000Z',
    ]);
    expect(iso(periodSpan('last-month', now))).toEqual([
      '2025-11-30T23:00:00.000Z',
      '2025-12-31T23:00:00.000Z',
    ]);
    expect(iso(periodSpan('last-year', now))).toEqual([
      '2024-12-31T23:00:00.000Z',
      '2025-12-31T23:00:00.000Z',
    ]);
  });

  it('keeps last month whole across the change to summer time', () => {
    // 2 April 2026: March began at UTC+1 and ended at UTC+2.
    expect(iso(periodSpan('last-month', Date.parse('2026-04-02T10:00:00Z')))).toEqual([
      '2026-02-28T23:00:00.000Z',
      '2026-03-31T22:00:00.000Z',
    ]);
  });

  it('takes custom first and last days, both included, and refuses a last day before the first', () => {
    expect(iso(customPeriod('2026-03-28', '2026-03-29'))).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(customPeriod('2026-03-29', '2026-03-28')).toBeNull();
    expect(customPeriod('2026-03-29', '')).toBeNull();
  });
});
