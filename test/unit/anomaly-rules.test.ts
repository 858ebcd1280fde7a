/** The pure parts of anomaly rules: which rule is in force where, quiet hours, nights and days, medians. */
import { describe, expect, it } from 'vitest';
import { RULE_KINDS } from '../../src/shared/contract';
import { lastDayAndWeekdays, lastNights, windowSums } from '../../src/main/core/anomaly/local-windows';
import { median } from '../../src/main/core/anomaly/median';
import { isQuiet } from '../../src/main/core/anomaly/quiet-hours';
import { RuleBook } from '../../src/main/core/anomaly/rule-book';
import { parseSetting } from '../../src/main/core/anomaly/rule-kinds';

const ROOM_CHAIN = ['room:A/B/C', 'office:A/B', 'company:A'];
const iso = (ms: number) => new Date(ms).toISOString();

describe('rule book', () => {
  it('takes the nearest setting up the chain, an own one first, and off stops inheritance', () => {
    const book = new RuleBook([
      { node: 'company:A', kind: 'silent', setting: { minutes: 30 } },
      { node: 'office:A/B', kind: 'silent', setting: { minutes: 10 } },
      { node: 'company:A', kind: 'climate-band', setting: { maxC: 26 } },
      { node: 'room:A/B/C', kind: 'climate-band', setting: { off: true } },
    ]);
    expect(book.effective(ROOM_CHAIN, 'silent')).toEqual({
      kind: 'silent',
      source: 'inherited',
      from: 'office:A/B',
      params: { minutes: 10 },
    });
    expect(book.effective(ROOM_CHAIN.slice(1), 'silent')).toMatchObject({
      source: 'own',
      from: 'office:A/B',
    });
    expect(book.effective(ROOM_CHAIN, 'climate-band')).toEqual({
      kind: 'climate-band',
      source: 'off',
      from: 'room:A/B/C',
      params: null,
    });
    expect(book.effective(ROOM_CHAIN, 'on-too-long')).toMatchObject({ source: 'off', from: null });
    book.set('office:A/B', 'silent', null);
    expect(book.inForce(ROOM_CHAIN, 'silent')).toEqual({ minutes: 30 });
  });

  it('does not pass a power ceiling down, and says where each kind is judged and settable', () => {
    const book = new RuleBook([{ node: 'company:A', kind: 'power-ceiling', setting: { watts: 20_000 } }]);
    expect(book.inForce(ROOM_CHAIN, 'power-ceiling')).toBeNull();
    expect(book.inForce(['company:A'], 'power-ceiling')).toEqual({ watts: 20_000 });
    const rules = Object.fromEntries(book.all(ROOM_CHAIN, RULE_KINDS).map((r) => [r.kind, r]));
    expect(rules['climate-band']).toMatchObject({ judgedHere: true, settableHere: true });
    expect(rules['on-too-long']).toMatchObject({ judgedHere: false, settableHere: true });
    expect(rules.silent).toMatchObject({ judgedHere: false, settableHere: true });
  });

  it('checks settings in words', () => {
    expect(parseSetting('silent', { minutes: 1.5 })).toEqual({
      ok: false,
      error: { code: 'invalid-params', message: 'silent: minutes: minutes must be a whole number' },
    });
    expect(parseSetting('silent', { off: true })).toEqual({ ok: true, value: { off: true } });
    expect(parseSetting('climate-band', {})).toMatchObject({
      ok: false,
      error: {
        message: 'climate-band: params: a climate band needs at least one of minC, maxC, minPct, maxPct',
      },
    });
  });
});

describe('quiet hours', () => {
  const at = (hhmm: string) => Date.parse(`2026-02-04T${hhmm}:00Z`);
  it('run across midnight when from is after to, in the site’s zone', () => {
    const night = { fromHour: 22, toHour: 7 };
    expect(
      [at('21:59'), at('22:00'), at('03:00'), at('06:59'), at('07:00')].map((t) => isQuiet(night, t, 'UTC')),
    ).toEqual([false, true, true, true, false]);
    // 12:30 UTC is 13:30 in Lisbon in summer.
    const lunch = { fromHour: 13, toHour: 14 };
    expect(isQuiet(lunch, Date.parse('2026-07-01T12:30:00Z'), 'Europe/Lisbon')).toBe(true);
    expect(isQuiet(lunch, Date.parse('2026-07-01T12:30:00Z'), 'UTC')).toBe(false);
    expect(isQuiet(undefined, at('03:00'), 'UTC')).toBe(false);
  });
});

describe('nights and days', () => {
  it('finds the nights that have ended, wall-clock across the spring DST change', () => {
    // Lisbon moves to UTC+1 at 01:00 on 29 March 2026: that night is an hour shorter.
    const nights = lastNights(
      Date.parse('2026-03-30T10:00:00Z'),
      'Europe/Lisbon',
      { fromHour: 22, toHour: 7 },
      3,
    );
    expect(nights.map((n) => [iso(n.from), iso(n.to)])).toEqual([
      ['2026-03-29T21:00:00.000Z', '2026-03-30T06:00:00.000Z'],
      ['2026-03-28T22:00:00.000Z', '2026-03-29T06:00:00.000Z'],
      ['2026-03-27T22:00:00.000Z', '2026-03-28T07:00:00.000Z'],
    ]);
    // Before 07:00 the night under way has not ended: the last one is the night before.
    const early = lastNights(Date.parse('2026-02-04T06:00:00Z'), 'UTC', { fromHour: 22, toHour: 7 }, 1);
    expect(early.map((n) => iso(n.from))).toEqual(['2026-02-02T22:00:00.000Z']);
  });

  it('finds yesterday and the same weekday of the weeks before', () => {
    const days = lastDayAndWeekdays(Date.parse('2026-02-04T10:00:00Z'), 'UTC', 2);
    expect(days.map((d) => iso(d.from))).toEqual([
      '2026-02-03T00:00:00.000Z',
      '2026-01-27T00:00:00.000Z',
      '2026-01-20T00:00:00.000Z',
    ]);
  });

  it('sums buckets per window, with null for a window without data', () => {
    const windows = [
      { from: 0, to: 10 },
      { from: 10, to: 20 },
    ];
    expect(
      windowSums(windows, [
        { startMs: 0, energyUnits: 5 },
        { startMs: 9, energyUnits: 1 },
      ]),
    ).toEqual([6, null]);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
