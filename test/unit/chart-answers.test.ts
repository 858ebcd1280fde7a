/**
 * The renderer's pure chart logic, in a pinned zone with DST (Europe/Lisbon) and a pinned "now":
 * each range gets its natural buckets (7 days → 7 day slots, 12 months → the last 12 months),
 * headers name the year, a period before any data is "no data" (null) and never 0, compare gives
 * a delta in Wh and %, stored minutes become average power, and partial totals say so.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HistoryResult, NodeTotals } from '../../src/shared/contract';

// The renderer's formatters read the zone when they are created: pin it before loading them.
process.env.TZ = 'Europe/Lisbon';

interface Span {
  fromMs: number;
  toMs: number;
}
interface Slot {
  startMs: number;
  endMs: number;
}
type Kind = 'today' | '7d' | '30d' | '12m' | 'custom';
type ChartResolution = 'auto' | 'minute' | 'hour' | 'day' | 'month';
interface Delta {
  deltaWh: number | null;
  pct: number | null;
}
/** The renderer's modules, seen from Node (they belong to the web TypeScript project). */
interface Ranges {
  presetSpan(kind: Exclude<Kind, 'custom'>, nowMs: number): Span;
  previousSpan(kind: Kind, span: Span): Span;
  chartResolution(kind: Kind, custom?: ChartResolution): ChartResolution;
  usableResolutions(span: Span): ChartResolution[];
}
interface ChartSeries {
  buildSlots(results: HistoryResult[], fromMs: number, toMs: number): Slot[];
  slotValues(
    result: HistoryResult,
    slots: Slot[],
    nowMs: number,
    dataStartMs: number | null,
  ): Array<number | null>;
  dataStartOf(sinceIso: string | null | undefined, results: HistoryResult[]): number | null;
  delta(currentWh: number | null, previousWh: number | null): Delta;
  slotDeltas(current: Array<number | null>, previous: Array<number | null>): Delta[];
  withToday(beforeTodayWh: number | null, todayWh: number | null): number | null;
}
interface Format {
  formatSpan(fromMs: number, toMs: number, resolution: string): string;
  formatEnergyDelta(deltaWh: number): string;
  formatPctDelta(pct: number): string;
}
interface Coverage {
  coverageText(totals: NodeTotals | undefined, periodStartMs: number, nowMs: number): string | null;
}
interface PowerTrail {
  minuteSamples(points: Array<{ start: string; end: string; energyWh: number }>): Array<{
    atMs: number;
    powerW: number;
  }>;
}

// Loaded by path: the files are type-checked by tsconfig.web.json, not by this (Node) project.
const SRC = resolve(__dirname, '../../src/renderer/src');
let ranges: Ranges;
let series: ChartSeries;
let format: Format;
let coverage: Coverage;
let trail: PowerTrail;
beforeAll(async () => {
  ranges = (await import(/* @vite-ignore */ `${SRC}/ranges.ts`)) as Ranges;
  series = (await import(/* @vite-ignore */ `${SRC}/chart-series.ts`)) as ChartSeries;
  format = (await import(/* @vite-ignore */ `${SRC}/format.ts`)) as Format;
  coverage = (await import(/* @vite-ignore */ `${SRC}/coverage.ts`)) as Coverage;
  trail = (await import(/* @vite-ignore */ `${SRC}/state/power-trail.ts`)) as PowerTrail;
});

/** Saturday 5 December 2026, 12:00 in Lisbon (UTC+0 in winter). */
const NOW = Date.parse('2026-12-05T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const result = (
  resolution: HistoryResult['resolution'],
  points: Array<[string, string, number]>,
  gaps: Array<{ from: string; to: string }> = [],
): HistoryResult => ({
  node: 'room:A/B/C',
  resolution,
  unit: 'Wh',
  points: points.map(([start, end, energyWh]) => ({ start, end, energyWh, returnedWh: 0 })),
  total: { energyWh: points.reduce((s, p) => s + p[2], 0), returnedWh: 0 },
  gaps,
});
const NBSP = '\u00a0';

describe('ranges and their buckets', () => {
  it('gives each preset its natural bucket and custom the chosen one', () => {
    expect(ranges.chartResolution('today')).toBe('hour');
    expect(ranges.chartResolution('7d')).toBe('day');
    expect(ranges.chartResolution('30d')).toBe('day');
    expect(ranges.chartResolution('12m')).toBe('month');
    expect(ranges.chartResolution('custom')).toBe('auto');
    expect(ranges.chartResolution('custom', 'minute')).toBe('minute');
  });

  it('lays 7 days out as 7 local days and 12 months as the last 12 months', () => {
    const week = ranges.presetSpan('7d', NOW);
    const days = series.buildSlots([result('day', [])], week.fromMs, week.toMs);
    expect(days.map((s) => iso(s.startMs))).toEqual([
      '2026-11-29T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z',
      '2026-12-03T00:00:00.000Z',
      '2026-12-04T00:00:00.000Z',
      '2026-12-05T00:00:00.000Z',
    ]);
    const year = ranges.presetSpan('12m', NOW);
    const months = series.buildSlots([result('month', [])], year.fromMs, year.toMs);
    expect(months).toHaveLength(12);
    // Lisbon is UTC+1 in summer: 1 April local is 31 March 23:00 UTC.
    expect(months.map((s) => iso(s.startMs))).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-03-31T23:00:00.000Z',
      '2026-04-30T23:00:00.000Z',
      '2026-05-31T23:00:00.000Z',
      '2026-06-30T23:00:00.000Z',
      '2026-07-31T23:00:00.000Z',
      '2026-08-31T23:00:00.000Z',
      '2026-09-30T23:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
  });

  it('makes the day the clocks go back 25 hours long, like the core’s day bucket', () => {
    const now = Date.parse('2026-10-27T12:00:00Z');
    const week = ranges.presetSpan('7d', now);
    const slots = series.buildSlots([result('day', [])], week.fromMs, week.toMs);
    expect(slots).toHaveLength(7);
    const hours = slots.map((s) => (s.endMs - s.startMs) / 3_600_000);
    // 21–27 October: Sunday the 25th starts at 00:00 summer time (23:00 UTC) and lasts 25 hours.
    expect(hours).toEqual([24, 24, 24, 24, 25, 24, 24]);
    expect(iso(slots[4]!.startMs)).toBe('2026-10-24T23:00:00.000Z');
    expect(iso(slots[5]!.startMs)).toBe('2026-10-26T00:00:00.000Z');
  });

  it('heads every range with its year', () => {
    // Intl puts thin spaces around the dash: compare with plain ones.
    const span = (s: Span, resolution: string): string =>
      format.formatSpan(s.fromMs, s.toMs, resolution).replace(/\s/g, ' ');
    expect(span(ranges.presetSpan('today', NOW), 'hour')).toBe('Dec 5, 2026');
    expect(span(ranges.presetSpan('7d', NOW), 'day')).toBe('Nov 29 – Dec 5, 2026');
    expect(span(ranges.presetSpan('12m', NOW), 'month')).toBe('Jan – Dec 2026');
    expect(span(ranges.presetSpan('12m', Date.parse('2026-05-20T10:00:00Z')), 'month')).toBe(
      'Jun 2025 – May 2026',
    );
    // A custom range with times keeps its times, and the year.
    expect(span({ fromMs: NOW - 3 * 3_600_000, toMs: NOW }, 'minute')).toBe(
      'Dec 5, 2026, 9:00 AM – 12:00 PM',
    );
  });

  it('offers only bucket sizes that make a readable custom chart', () => {
    expect(ranges.usableResolutions({ fromMs: NOW - 3 * 3_600_000, toMs: NOW })).toEqual([
      'auto',
      'minute',
      'hour',
    ]);
    expect(ranges.usableResolutions({ fromMs: NOW - 2 * 365 * 86_400_000, toMs: NOW })).toEqual([
      'auto',
      'month',
    ]);
  });

  it('compares 12 months with the 12 before, by the calendar', () => {
    const year = ranges.presetSpan('12m', NOW);
    const before = ranges.previousSpan('12m', year);
    expect([iso(before.fromMs), iso(before.toMs)]).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });
});

describe('no data is not 0 Wh', () => {
  const today = (): Span => ranges.presetSpan('today', NOW);
  const hour = (h: number): string => iso(Date.parse('2026-12-05T00:00:00Z') + h * 3_600_000);

  it('leaves hours before counting began, inside a gap and in the future empty, and idle hours at 0', () => {
    const r = result(
      'hour',
      [
        [hour(9), hour(10), 120],
        [hour(11), hour(12), 80.5],
      ],
      [{ from: hour(6), to: hour(8) }],
    );
    const slots = series.buildSlots([r], today().fromMs, today().toMs);
    expect(slots).toHaveLength(24);
    // Counting began at 02:30: hours 0 and 1 hold no data; 6–8 lie in a gap; 13 onwards is the future.
    const values = series.slotValues(r, slots, NOW, Date.parse(hour(2.5)));
    expect(values.slice(0, 13)).toEqual([null, null, 0, 0, 0, 0, null, null, 0, 120, 0, 80.5, 0]);
    expect(values.slice(13).every((v) => v === null)).toBe(true);
  });

  it('knows nothing at all for a node that never counted', () => {
    const r = result('hour', []);
    const slots = series.buildSlots([r], today().fromMs, today().toMs);
    expect(series.dataStartOf(null, [r])).toBeNull();
    expect(series.slotValues(r, slots, NOW, null).every((v) => v === null)).toBe(true);
  });

  it('starts the data at `since` or the first bucket returned, whichever is earlier', () => {
    const r = result('hour', [[hour(9), hour(10), 1]]);
    expect(series.dataStartOf('2026-12-05T07:02:00.000Z', [r])).toBe(Date.parse('2026-12-05T07:02:00.000Z'));
    expect(series.dataStartOf(null, [r])).toBe(Date.parse(hour(9)));
    // Readings stamped before the console began counting are stored where they belong: data starts there.
    expect(series.dataStartOf('2026-12-05T12:16:00.000Z', [r])).toBe(Date.parse(hour(9)));
  });
});

describe('compare with the previous period', () => {
  it('gives each period’s change in Wh and %', () => {
    expect(series.delta(120, 100)).toEqual({ deltaWh: 20, pct: 20 });
    expect(series.delta(90.5, 181)).toEqual({ deltaWh: -90.5, pct: -50 });
    expect(series.delta(3, 0)).toEqual({ deltaWh: 3, pct: null });
    expect(series.slotDeltas([10, null, 5], [8, 4, null])).toEqual([
      { deltaWh: 2, pct: 25 },
      { deltaWh: null, pct: null },
      { deltaWh: null, pct: null },
    ]);
    expect(format.formatEnergyDelta(1234.5)).toBe(`+1.235${NBSP}kWh`);
    expect(format.formatEnergyDelta(-12.5)).toBe(`\u221212.5${NBSP}Wh`);
    expect(format.formatPctDelta(-12.34)).toBe(`\u221212.3${NBSP}%`);
    expect(format.formatPctDelta(20)).toBe(`+20${NBSP}%`);
  });

  it('adds the live today to the completed days without float dust', () => {
    expect(series.withToday(0.1, 0.2)).toBe(0.3);
    expect(series.withToday(1200.123, 89.6)).toBe(1289.723);
    expect(series.withToday(null, 5)).toBeNull();
  });
});

describe('partial figures say what they cover', () => {
  const totals = (p: Partial<NodeTotals>): NodeTotals => ({
    id: 'room:A/B/C',
    energyWh: 100,
    returnedWh: 0,
    powerW: 44_000,
    todayWh: 89.6,
    devices: 4,
    reporting: 4,
    since: null,
    ...p,
  });
  const dayStart = Date.parse('2026-12-05T00:00:00Z');

  it('names when counting began inside the period, and silent devices', () => {
    expect(coverage.coverageText(totals({ since: '2026-12-05T12:02:00.000Z' }), dayStart, NOW)).toBe(
      'since 12:02 PM',
    );
    expect(coverage.coverageText(totals({ since: '2026-12-01T08:00:00.000Z' }), dayStart, NOW)).toBeNull();
    expect(coverage.coverageText(totals({ reporting: 3 }), dayStart, NOW)).toBe('3 of 4 devices reporting');
    expect(
      coverage.coverageText(
        totals({ since: '2026-12-03T08:15:00.000Z', reporting: 3 }),
        Date.parse('2026-11-30T00:00:00Z'),
        NOW,
      ),
    ).toBe('since Dec 3, 08:15 AM · 3 of 4 devices reporting');
  });
});

describe('power from stored minutes', () => {
  it('turns Wh per minute into average watts, with idle minutes at 0', () => {
    const m = (minute: number): string => iso(NOW - 60 * 60_000 + minute * 60_000);
    const samples = trail.minuteSamples([
      { start: m(0), end: m(1), energyWh: 10 },
      { start: m(1), end: m(2), energyWh: 0.5 },
      { start: m(5), end: m(6), energyWh: 2 },
    ]);
    expect(samples).toEqual([
      { atMs: Date.parse(m(1)), powerW: 600 },
      { atMs: Date.parse(m(2)), powerW: 30 },
      { atMs: Date.parse(m(5)), powerW: 0 },
      { atMs: Date.parse(m(6)), powerW: 120 },
    ]);
  });
});
