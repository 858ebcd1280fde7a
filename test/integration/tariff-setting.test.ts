/**
 * Issue #18 item 1: the tariff on the settings screen (`tariff.get` / `tariff.set`) beside
 * `[tariff]` in kilowatch.toml. A heater through a real Mosquitto into a console on a real SQLite
 * file: a tariff set from the console prices the energy from then on, survives a restart, a new
 * price never reprices what was counted before, none means no cost, a bad tariff is refused in
 * words and changes nothing, and the file's tariff wins and cannot be changed here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../src/shared/contract';
import type { TariffInput } from '../../src/shared/tariff-input';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';
import { consoleSite, type SiteConsole } from '../support/console-site';
import { switchNotify } from '../support/core';

const HEATER = { id: 'shellyplus1pm-c0570000cc01', prefix: 'Hotel/Lisbon/Room101/Heater' };
const T0 = Date.parse('2026-03-10T09:00:00Z') / 1000;

/** As the settings screen sends it (every field filled in). */
const flat = (
  perKWh: string,
  bands: TariffInput['periods'][number]['bands'] = [{ perKWh }],
): TariffInput => ({
  currency: 'EUR',
  holidays: [],
  periods: [{ from: '2026-01-01', standingPerDay: '0', feedInPerKWh: '0', bands }],
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function hours(core: SiteConsole['core']): Promise<HistoryResult> {
  const answer = await core.handlers['history.query']({
    node: `device:${HEATER.prefix}`,
    from: '2026-03-10T09:00:00Z',
    to: '2026-03-10T12:00:00Z',
    resolution: 'hour',
  });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

describe('the tariff on the settings screen (#18 item 1)', () => {
  it('prices from when it is set, keeps it across a restart, never reprices the past, and refuses a bad one', async () => {
    const s = await consoleSite(cleanups, { startMs: T0 * 1000, timeZone: 'UTC', subscribe: ['Hotel/#'] });
    let counter = 1000;
    /** 1000 Wh in the minute before `minute` (minutes after 09:00). */
    const kWh = async (minute: number) => {
      const atS = T0 + minute * 60;
      s.setNow(atS * 1000 + 5000);
      counter += 1000;
      await s.send(`${HEATER.prefix}/events/rpc`, switchNotify(HEATER.id, HEATER.prefix, counter, atS));
    };
    const first = await s.open();
    expect(await first.core.handlers['tariff.get']({})).toEqual({
      ok: true,
      value: { tariff: null, source: 'none' },
    });
    s.setNow(T0 * 1000);
    await s.send(`${HEATER.prefix}/events/rpc`, switchNotify(HEATER.id, HEATER.prefix, counter, T0));
    await kWh(1); // 09:00, no tariff yet: no price

    // A tariff with a gap is refused, in words naming the day kind and time; nothing is kept.
    const gap = await first.core.handlers['tariff.set']({
      tariff: flat('0.25', [{ from: '08:00', to: '20:00', perKWh: '0.25' }]),
    });
    expect(gap).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!gap.ok) expect(gap.error.message).toMatch(/The tariff is not valid: .*weekday 20:00–24:00/);
    expect(await first.core.handlers['tariff.get']({})).toMatchObject({
      ok: true,
      value: { source: 'none' },
    });

    const set = await first.core.handlers['tariff.set']({
      tariff: { ...flat('0.25'), holidays: [] } as never,
    });
    expect(set).toMatchObject({ ok: true, value: { source: 'console', tariff: { currency: 'EUR' } } });
    s.setNow((T0 + 3600) * 1000);
    await kWh(61); // 10:00 at 0.25: 25 c
    await first.close();

    const again = await s.open();
    expect(await again.core.handlers['tariff.get']({})).toMatchObject({
      ok: true,
      value: { source: 'console' },
    });
    expect((await hours(again.core)).points.map((p) => [p.start.slice(11, 16), p.costMinor ?? null])).toEqual(
      [
        ['09:00', null], // counted before the tariff
        ['10:00', 25],
      ],
    );
    // A new price from now on: 10:00 keeps 0.25, 11:00 is at 0.40.
    const dearer = await again.core.handlers['tariff.set']({
      tariff: { ...flat('0.40'), holidays: [] } as never,
    });
    expect(dearer.ok).toBe(true);
    s.setNow((T0 + 7200) * 1000);
    await kWh(121);
    expect((await hours(again.core)).points.map((p) => [p.start.slice(11, 16), p.costMinor ?? null])).toEqual(
      [
        ['09:00', null],
        ['10:00', 25],
        ['11:00', 40],
      ],
    );
    // None: no cost anywhere from now on (not a cost of zero).
    expect(await again.core.handlers['tariff.set']({ tariff: null })).toEqual({
      ok: true,
      value: { tariff: null, source: 'none' },
    });
    expect((await hours(again.core)).currency).toBeUndefined();
    await again.close();

    // kilowatch.toml's [tariff] wins: shown as written, and the settings screen cannot change it.
    const fromFile = TariffSchema.parse({
      currency: 'EUR',
      periods: [
        {
          from: '2026-03-01',
          standingPerDay: '0.35',
          bands: [
            { from: '08:00', to: '10:30', perKWh: '0.2' },
            { from: '10:30', to: '08:00', perKWh: '0.3123' },
          ],
        },
      ],
    });
    const filed = await s.open({ tariff: fromFile });
    const view = await filed.core.handlers['tariff.get']({});
    expect(view).toMatchObject({ ok: true, value: { source: 'file' } });
    if (view.ok) expect(TariffSchema.parse(view.value.tariff)).toEqual(fromFile);
    const refused = await filed.core.handlers['tariff.set']({ tariff: null });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/set by kilowatch.toml \[tariff\]/);
  });

  it('tells every console what is in force after a change (tariff.changed), and nothing after a refusal', async () => {
    const s = await consoleSite(cleanups, { startMs: T0 * 1000, timeZone: 'UTC', subscribe: ['Hotel/#'] });
    const c = await s.open();
    const told: unknown[] = [];
    c.core.on((message) => {
      if (message.event === 'tariff.changed') told.push(message.payload);
    });
    const gap = await c.core.handlers['tariff.set']({
      tariff: flat('0.25', [{ from: '08:00', to: '20:00', perKWh: '0.25' }]),
    });
    expect(gap.ok).toBe(false);
    expect(told).toEqual([]);

    const set = await c.core.handlers['tariff.set']({ tariff: { ...flat('0.25'), holidays: [] } as never });
    if (!set.ok) throw new Error(set.error.message);
    expect(told).toEqual([set.value]);
    expect(set.value).toMatchObject({ source: 'console', tariff: { currency: 'EUR' } });

    await c.core.handlers['tariff.set']({ tariff: null });
    expect(told).toEqual([set.value, { tariff: null, source: 'none' }]);
    await c.close();
  });
});
