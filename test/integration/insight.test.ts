/**
 * insight.get (issue #18, item 3): a site in Lisbon fed six weeks of readings through the real
 * ingest and a real SQLite file, with a clock driven by the test. Every expected figure is summed
 * here from what was fed (a reading books its rise in the minute before its own: gaps invent nothing), not
 * by the code under test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Insight } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);
// Lisbon is on UTC until 29 March 2026: local and UTC times agree for this whole stream.
const NOW = at('2026-03-18T10:30:00Z'); // a Wednesday
const DEVICES = [
  {
    src: 'shellyplus1pm-a8032ab10001',
    prefix: 'Aurora/Lisbon/Kitchen/Fridge',
    room: 'room:Aurora/Lisbon/Kitchen',
  },
  { src: 'shellyplus1pm-a8032ab10002', prefix: 'Aurora/Lisbon/Lobby/Lamp', room: 'room:Aurora/Lisbon/Lobby' },
] as const;
const OFFICE = 'office:Aurora/Lisbon';

/** Wh a device uses in the hour or minute starting at `ms` (local = UTC here). */
function use(device: 0 | 1, ms: number, minutes: number): number {
  const hour = new Date(ms).getUTCHours();
  const isNight = hour >= 22 || hour < 7;
  if (device === 0) {
    // The fridge: 30 W at night, 120 W by day, and a 20-minute lull at 12 W last night from 03:00.
    const lull = ms >= at('2026-03-18T03:00:00Z') && ms < at('2026-03-18T03:20:00Z');
    const watts = lull ? 12 : isNight ? 30 : 120;
    return (watts * minutes) / 60;
  }
  // The lamp: 180 W from 08:00 to 20:00; twice that in the last seven days (it moved most).
  const isLastWeek = ms >= at('2026-03-11T00:00:00Z') && ms < at('2026-03-18T00:00:00Z');
  const watts = hour >= 8 && hour < 20 ? (isLastWeek ? 360 : 180) : 0;
  return (watts * minutes) / 60;
}

/** Every rise fed, as the minute it was booked in and its Wh, per device. */
const booked: Array<{ device: 0 | 1; minuteMs: number; wh: number }> = [];
const dir = tempDir('kw-insight-');
let t: TestCore | null = null;

function feedStream(core: TestCore): void {
  const totals = [1000, 5000];
  const read = (device: 0 | 1, minuteMs: number, wh: number, isFirst = false) => {
    totals[device] = Math.round(((totals[device] as number) + wh) * 1000) / 1000;
    // A total read at the start of a minute holds the energy up to then: the minute that just ended.
    if (!isFirst && wh > 0) booked.push({ device, minuteMs: minuteMs - MIN, wh });
    core.setTime(minuteMs + 59_000);
    const d = DEVICES[device];
    core.feed(
      `${d.prefix}/events/rpc`,
      switchNotify(d.src, d.prefix, totals[device] as number, minuteMs / 1000),
    );
  };
  // Hourly readings from 1 February, then a reading a minute from 21:00 the night before "now".
  const start = at('2026-02-01T00:00:00Z');
  const perMinuteFrom = at('2026-03-17T21:00:00Z');
  for (const device of [0, 1] as const) read(device, start, 0, true);
  for (let ms = start + HOUR; ms <= perMinuteFrom; ms += HOUR)
    for (const device of [0, 1] as const) read(device, ms, use(device, ms - HOUR, 60));
  for (let ms = perMinuteFrom + MIN; ms < NOW; ms += MIN)
    for (const device of [0, 1] as const) read(device, ms, use(device, ms - MIN, 1));
  core.setTime(NOW);
}

/** The Wh booked in [from, to), for these devices. */
const sum = (from: number, to: number, devices: ReadonlyArray<0 | 1> = [0, 1]) =>
  Math.round(
    booked
      .filter((b) => devices.includes(b.device) && b.minuteMs >= from && b.minuteMs < to)
      .reduce((s, b) => s + b.wh * 1000, 0),
  ) / 1000;

async function insight(core: TestCore, node: string): Promise<Insight> {
  const reply = await core.core.handlers['insight.get']({ node });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

beforeAll(() => {
  t = testCore(`${dir.path}/insight.db`, '2026-02-01T00:00:00Z', 'Europe/Lisbon');
  feedStream(t);
});

describe('insight.get', () => {
  it('compares today and this month with the same stretch a week and a month before, to the minute', async () => {
    const office = await insight(t as TestCore, OFFICE);
    const today = { from: at('2026-03-18T00:00:00Z'), to: NOW };
    const lastWeek = { from: at('2026-03-11T00:00:00Z'), to: at('2026-03-11T10:30:00Z') };
    expect(office.today).toEqual({
      from: new Date(today.from).toISOString(),
      to: new Date(today.to).toISOString(),
      energyWh: sum(today.from, today.to),
      previousFrom: new Date(lastWeek.from).toISOString(),
      previousTo: new Date(lastWeek.to).toISOString(),
      previousWh: sum(lastWeek.from, lastWeek.to),
      changeWh: Math.round((sum(today.from, today.to) - sum(lastWeek.from, lastWeek.to)) * 1000) / 1000,
      changePct: expect.any(Number),
      isToTheHour: false,
    });
    const month = sum(at('2026-03-01T00:00:00Z'), NOW);
    const lastMonth = sum(at('2026-02-01T00:00:00Z'), at('2026-02-18T10:30:00Z'));
    expect(office.month).toMatchObject({ energyWh: month, previousWh: lastMonth, isToTheHour: false });
    expect(office.month.changePct).toBeCloseTo(((month - lastMonth) / lastMonth) * 100, 9);
    expect(office.zone).toBe('Europe/Lisbon');
  });

  it('finds last night’s base load: the lowest 15 minutes, and what it makes over a day', async () => {
    const office = await insight(t as TestCore, OFFICE);
    const yesterday = sum(at('2026-03-17T00:00:00Z'), at('2026-03-18T00:00:00Z'));
    expect(office.baseLoad).toEqual({
      watts: 12,
      from: '2026-03-18T03:00:00.000Z',
      to: '2026-03-18T03:15:00.000Z',
      night: { from: '2026-03-17T22:00:00.000Z', to: '2026-03-18T07:00:00.000Z' },
      perDayWh: 288,
      shareOfDay: 288 / yesterday,
    });
  });

  it('ranks the rooms: this month’s consumers, the week’s movers, last night’s use', async () => {
    const office = await insight(t as TestCore, OFFICE);
    const month = { from: at('2026-03-01T00:00:00Z'), to: NOW };
    const kitchen = sum(month.from, month.to, [0]);
    const lobby = sum(month.from, month.to, [1]);
    expect(office.topConsumers.map((c) => [c.node, c.energyWh])).toEqual(
      [
        [DEVICES[0].room, kitchen],
        [DEVICES[1].room, lobby],
      ].sort((a, b) => (b[1] as number) - (a[1] as number)),
    );
    expect(office.topConsumers.reduce((s, c) => s + (c.share as number), 0)).toBeCloseTo(1, 9);

    // The lamp doubled in the last seven days; the fridge did exactly what it did the week before.
    const week = (d: 0 | 1) => sum(at('2026-03-11T00:00:00Z'), at('2026-03-18T00:00:00Z'), [d]);
    const weekBefore = (d: 0 | 1) => sum(at('2026-03-04T00:00:00Z'), at('2026-03-11T00:00:00Z'), [d]);
    expect(week(0)).toBe(weekBefore(0));
    expect(office.topMovers).toEqual([
      {
        node: DEVICES[1].room,
        name: 'Lobby',
        energyWh: week(1),
        previousWh: weekBefore(1),
        changeWh: week(1) - weekBefore(1),
        changePct: 100,
      },
    ]);

    const night = { from: at('2026-03-17T22:00:00Z'), to: at('2026-03-18T07:00:00Z') };
    expect(office.nights).toMatchObject({ from: '2026-03-17T22:00:00.000Z', to: '2026-03-18T07:00:00.000Z' });
    expect(office.nights.rooms.map((r) => [r.node, r.energyWh])).toEqual([
      [DEVICES[0].room, sum(night.from, night.to, [0])],
      [DEVICES[1].room, 0],
    ]);
  });

  it('reads to the hour where the minutes are no longer kept, and says so', async () => {
    const set = await (t as TestCore).core.handlers['settings.set']({ minuteDays: 20 });
    expect(set.ok).toBe(true);
    const office = await insight(t as TestCore, OFFICE);
    // 18 February is 28 days back: its morning is read from the hour rollups, to 10:00.
    expect(office.month).toMatchObject({
      previousWh: sum(at('2026-02-01T00:00:00Z'), at('2026-02-18T10:00:00Z')),
      isToTheHour: true,
    });
    expect(office.today.isToTheHour).toBe(false);
  });

  it('refuses a node it does not know', async () => {
    const reply = await (t as TestCore).core.handlers['insight.get']({ node: 'room:Nowhere/At/All' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('cleanup', () => {
  it('closes', async () => {
    await t?.close();
    t = null;
    dir.remove();
    expect(t).toBeNull();
  });
});
