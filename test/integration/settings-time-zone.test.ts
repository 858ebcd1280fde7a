/**
 * The site's time zone changed on the settings screen, with no restart: day buckets move to the
 * new zone's midnight (history rebuilt, with progress said on the way), today's totals are those
 * since the new midnight, and energy counted afterwards lands in the new zone's today.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, RebuildProgress } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Aurora/Faro/Kitchen/Oven';
const SRC = 'shellyplus1pm-a8032ab1c2d3';
const ROOM = 'room:Aurora/Faro/Kitchen';

const dir = tempDir();
let t: TestCore | null = null;

afterEach(async () => {
  await t?.close();
  t = null;
});

/** One reading a minute from `fromS`, each 1 Wh more than the last: `count` Wh in all. */
function feedMinutes(core: TestCore, fromS: number, count: number, startWh: number): void {
  for (let i = 0; i <= count; i++) {
    core.setTime((fromS + i * 60 + 1) * 1000);
    core.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, startWh + i, fromS + i * 60));
  }
}

async function days(core: TestCore, fromIso: string, toIso: string): Promise<Array<[string, number]>> {
  const h = await core.core.handlers['history.query']({
    node: ROOM,
    from: fromIso,
    to: toIso,
    resolution: 'day',
  });
  if (!h.ok) throw new Error(h.error.message);
  return h.value.points.filter((p) => p.energyWh > 0).map((p) => [p.start, p.energyWh]);
}

async function todayWh(core: TestCore): Promise<number | undefined> {
  const tree = await core.core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return tree.value.totals.find((n) => n.id === ROOM)?.todayWh;
}

describe('changing the site time zone', () => {
  it('moves day buckets and today to the new zone, saying how far the rebuild is', async () => {
    // 22:00–02:00 UTC across midnight of 14–15 May: two UTC days, one Tokyo day (07:00–11:00).
    const fromS = Date.parse('2025-05-14T22:00:00Z') / 1000;
    t = testCore(`${dir.path}/zone.db`, '2025-05-14T22:00:00Z', 'UTC');
    feedMinutes(t, fromS, 240, 100);
    const range = ['2025-05-13T00:00:00Z', '2025-05-17T00:00:00Z'] as const;
    expect(await days(t, ...range)).toEqual([
      ['2025-05-14T00:00:00.000Z', 120],
      ['2025-05-15T00:00:00.000Z', 120],
    ]);
    expect(await todayWh(t)).toBe(120);

    const heard: RebuildProgress[] = [];
    const changed: EventMessage[] = [];
    t.core.on((m) => {
      if (m.event === 'history.rebuild') heard.push(m.payload as RebuildProgress);
      if (m.event === 'settings.changed') changed.push(m);
    });
    const set = await t.core.handlers['settings.set']({ timeZone: 'Asia/Tokyo' });
    expect(set).toMatchObject({ ok: true, value: { values: { timeZone: 'Asia/Tokyo' } } });
    if (set.ok) expect(set.value.sources.timeZone).toBe('console');
    expect(heard[0]).toMatchObject({ phase: 'reading', done: 0 });
    expect(heard.at(-1)).toEqual({ phase: 'done', done: 240, total: 240 });
    expect(heard.map((p) => p.phase)).toContain('writing');
    expect(changed).toHaveLength(1);

    // Tokyo's 15 May began at 15:00 UTC on the 14th: all four hours are one day, and today.
    expect(await days(t, ...range)).toEqual([['2025-05-14T15:00:00.000Z', 240]]);
    expect(await todayWh(t)).toBe(240);
    const stored = await t.core.handlers['settings.get']({});
    expect(stored).toMatchObject({ ok: true, value: { values: { timeZone: 'Asia/Tokyo' } } });
  });

  it("counts what comes after the change into the new zone's today, even when midnight is the same instant", async () => {
    // In January London keeps UTC: the same midnight, yet today's sums are made anew.
    const fromS = Date.parse('2025-01-20T08:00:00Z') / 1000;
    t = testCore(`${dir.path}/same-midnight.db`, '2025-01-20T08:00:00Z', 'UTC');
    feedMinutes(t, fromS, 30, 10);
    expect(await todayWh(t)).toBe(30);
    expect(await t.core.handlers['settings.set']({ timeZone: 'Europe/London' })).toMatchObject({ ok: true });
    expect(await todayWh(t)).toBe(30);
    // 20 more minutes, the counter going on from where it was.
    feedMinutes(t, fromS + 31 * 60, 20, 41);
    t.core.pushLive();
    expect(await todayWh(t)).toBe(51);
  });

  it('keeps the zone chosen here across a restart, over the zone the console was started with', async () => {
    const db = `${dir.path}/kept.db`;
    t = testCore(db, '2025-05-14T22:00:00Z', 'UTC');
    expect(await t.core.handlers['settings.set']({ timeZone: 'America/New_York' })).toMatchObject({
      ok: true,
    });
    await t.close();
    t = testCore(db, '2025-05-14T22:05:00Z', 'UTC');
    expect(t.core.calendar.timeZone).toBe('America/New_York');
    const got = await t.core.handlers['settings.get']({});
    expect(got).toMatchObject({
      ok: true,
      value: { values: { timeZone: 'America/New_York' }, sources: { timeZone: 'console' } },
    });
  });
});
