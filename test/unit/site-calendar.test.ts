/**
 * The renderer's periods follow the site's time zone (the settings'), not this computer's: with
 * the site in Tokyo and the computer on UTC, "today", a report's month and a chart's week are
 * Tokyo's, as the core cuts its buckets; across Lisbon's spring DST change a day is 23 hours.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Span = { fromMs: number; toMs: number };
/** The renderer's modules, seen from Node (they belong to the web TypeScript project). */
interface Modules {
  applyDisplay(display: { locale: string | undefined; timeZone: string | undefined }): unknown;
  presetSpan(kind: 'today' | '7d' | '30d' | '12m', nowMs: number): Span;
  periodSpan(
    kind: 'yesterday' | 'last-week' | 'this-month' | 'last-month' | 'last-year',
    nowMs: number,
  ): Span;
  customPeriod(firstDay: string, lastDay: string): Span | null;
  localBucketStart(ms: number, resolution: 'minute' | 'hour' | 'day' | 'week' | 'month'): number;
  toLocalInput(ms: number): string;
  fromLocalInput(value: string): number | null;
}
// Loaded by path: the files are type-checked by tsconfig.web.json, not by this (Node) project.
const SRC = resolve(__dirname, '../../src/renderer/src');
let m: Modules;

const zoneBefore = process.env.TZ;
beforeAll(async () => {
  process.env.TZ = 'UTC';
  const load = (file: string) => import(/* @vite-ignore */ `${SRC}/${file}`) as Promise<Partial<Modules>>;
  m = Object.assign(
    {},
    ...(await Promise.all(['format.ts', 'ranges.ts', 'report-periods.ts', 'chart-series.ts'].map(load))),
  ) as Modules;
});
afterAll(() => {
  m.applyDisplay({ locale: undefined, timeZone: undefined });
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

const utc = (iso: string) => Date.parse(iso);
const spanOf = (s: Span) => [new Date(s.fromMs).toISOString(), new Date(s.toMs).toISOString()];

describe('periods in the site time zone', () => {
  it("today, yesterday, this month and a custom range are Tokyo's while the computer is on UTC", () => {
    m.applyDisplay({ locale: undefined, timeZone: 'Asia/Tokyo' });
    // 20:00 UTC on 14 May is 05:00 on 15 May in Tokyo.
    const now = utc('2025-05-14T20:00:00Z');
    expect(spanOf(m.presetSpan('today', now))).toEqual([
      '2025-05-14T15:00:00.000Z',
      '2025-05-15T15:00:00.000Z',
    ]);
    expect(spanOf(m.periodSpan('yesterday', now))).toEqual([
      '2025-05-13T15:00:00.000Z',
      '2025-05-14T15:00:00.000Z',
    ]);
    expect(spanOf(m.periodSpan('this-month', now))).toEqual([
      '2025-04-30T15:00:00.000Z',
      '2025-05-31T15:00:00.000Z',
    ]);
    expect(spanOf(m.customPeriod('2025-05-01', '2025-05-31') as Span)).toEqual([
      '2025-04-30T15:00:00.000Z',
      '2025-05-31T15:00:00.000Z',
    ]);
    // Thursday 15 May in Tokyo: its week began on Monday the 12th, Tokyo's midnight.
    expect(new Date(m.localBucketStart(now, 'week')).toISOString()).toBe('2025-05-11T15:00:00.000Z');
    expect(m.toLocalInput(now)).toBe('2025-05-15T05:00');
    expect(m.fromLocalInput('2025-05-15T05:00')).toBe(now);
  });

  it("a day across the site's spring DST change is 23 hours", () => {
    m.applyDisplay({ locale: undefined, timeZone: 'Europe/Lisbon' });
    const today = m.presetSpan('today', utc('2025-03-30T12:00:00Z'));
    expect(spanOf(today)).toEqual(['2025-03-30T00:00:00.000Z', '2025-03-30T23:00:00.000Z']);
    expect((today.toMs - today.fromMs) / 3_600_000).toBe(23);
  });
});
