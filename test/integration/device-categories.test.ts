/**
 * Issue #18 item 5: device categories. A hotel floor through a real Mosquitto into a console on a
 * real SQLite file, with a flat tariff of 0.25 €/kWh:
 *
 *   Room101: a Plus Plug S (a plug by its model), a Plus Wall Dimmer (lighting by its model), a
 *            Plus 1PM on a heater (other, until staff make it HVAC), a Plus 1PM nobody categorises
 *   Room102: a Plus 1PM on a fridge, made "kitchen" before it counts
 *
 * Each category's energy and cost per room, office and company, the categories adding up to each
 * place's total to the mWh; a category applies from when it is set (what the heater counted
 * before stays "other"); restart and rebuild keep it all; bad requests are refused in words.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { CategoryBreakdown, SiteNode } from '../../src/shared/contract';
import { dispatch } from '../../src/main/core/dispatch';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';
import type { OpenOptions } from '../../src/main/core/open-console';
import { consoleSite, type SiteConsole } from '../support/console-site';
import { switchNotify } from '../support/core';

const ROOM1 = 'Hotel/Lisbon/Room101';
const ROOM2 = 'Hotel/Lisbon/Room102';
const PLUG = { id: 'shellyplusplugs-c0570000bb01', prefix: `${ROOM1}/Kettle` };
const DIMMER = { id: 'shellypluswdus-c0570000bb02', prefix: `${ROOM1}/Ceiling` };
const HEATER = { id: 'shellyplus1pm-c0570000bb03', prefix: `${ROOM1}/Heater` };
const SPARE = { id: 'shellyplus1pm-c0570000bb04', prefix: `${ROOM1}/Spare` };
const FRIDGE = { id: 'shellyplus1pm-c0570000bb05', prefix: `${ROOM2}/Fridge` };
const DEVICES = [PLUG, DIMMER, HEATER, SPARE, FRIDGE];

const TARIFF = TariffSchema.parse({
  currency: 'EUR',
  periods: [{ from: '2026-01-01', bands: [{ perKWh: '0.25' }] }],
});
const T0 = Date.parse('2026-03-10T09:00:00Z') / 1000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function site() {
  const s = await consoleSite(cleanups, { startMs: T0 * 1000, timeZone: 'UTC', subscribe: ['Hotel/#'] });
  /** One minute of counters (Wh) for the devices given, their minute_ts `index` minutes after T0. */
  const minute = async (index: number, counters: Map<{ id: string; prefix: string }, number>) => {
    const atS = T0 + index * 60;
    s.setNow(atS * 1000 + 5000);
    for (const [device, wh] of counters)
      await s.send(`${device.prefix}/events/rpc`, switchNotify(device.id, device.prefix, wh, atS));
  };
  return { open: (extra: Partial<OpenOptions> = {}) => s.open({ tariff: TARIFF, ...extra }), minute };
}

type Core = SiteConsole['core'];

async function breakdown(core: Core, node: string): Promise<CategoryBreakdown> {
  const answer = await core.handlers['categories.breakdown']({
    node,
    from: '2026-03-10T00:00:00Z',
    to: '2026-03-11T00:00:00Z',
  });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

const figures = (b: CategoryBreakdown) =>
  Object.fromEntries(b.categories.map((c) => [c.category, [c.energyWh, c.costMinor ?? null]]));

function findNode(nodes: SiteNode[], id: string): SiteNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const inner = findNode(n.children, id);
    if (inner) return inner;
  }
  return undefined;
}

/** What the stream below gives, asked of a console. */
async function expectTheFigures(core: Core): Promise<void> {
  // Room101: plug 200 + 100, dimmer 40 + 40, heater 400 (before: other) + 800 (hvac), spare 60 + 60.
  const room1 = await breakdown(core, `room:${ROOM1}`);
  expect(room1.currency).toBe('EUR');
  expect(figures(room1)).toEqual({
    lighting: [80, 2], // 80 Wh × 0.25 = 2 c
    hvac: [800, 20],
    plug: [300, 8], // 7.5 c
    kitchen: [0, 0],
    it: [0, 0],
    other: [520, 13], // spare 120 + the heater's 400 from before it was HVAC
  });
  expect(room1.total).toEqual({ energyWh: 1700, costMinor: 43 }); // 42.5 c
  const room2 = await breakdown(core, `room:${ROOM2}`);
  expect(figures(room2)).toMatchObject({ kitchen: [150, 4], other: [0, 0] }); // 3.75 c
  for (const node of ['office:Hotel/Lisbon', 'company:Hotel']) {
    const b = await breakdown(core, node);
    expect(figures(b), node).toEqual({
      lighting: [80, 2],
      hvac: [800, 20],
      plug: [300, 8],
      kitchen: [150, 4],
      it: [0, 0],
      other: [520, 13],
    });
    // The categories add up to the place's total, to the mWh.
    expect(b.categories.reduce((sum, c) => sum + c.energyWh, 0)).toBeCloseTo(b.total.energyWh, 6);
    expect(b.total.energyWh).toBe(1850);
  }
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  const categoryOf = (d: { prefix: string }) => findNode(tree.value.nodes, `device:${d.prefix}`)?.category;
  expect(categoryOf(PLUG)).toEqual({ category: 'plug', source: 'model' });
  expect(categoryOf(DIMMER)).toEqual({ category: 'lighting', source: 'model' });
  expect(categoryOf(HEATER)).toEqual({ category: 'hvac', source: 'console' });
  expect(categoryOf(SPARE)).toBeUndefined(); // simply "other"
  expect(categoryOf(FRIDGE)).toEqual({ category: 'kitchen', source: 'console' });
}

describe('device categories (#18 item 5)', () => {
  it('keeps each place’s energy and cost per category, adding up to its total, from when a category is set', async () => {
    const s = await site();
    const first = await s.open();
    const counters = new Map(DEVICES.map((d) => [d, 1000]));
    await s.minute(0, counters); // baselines
    // The fridge is made "kitchen" before it counts anything; a Shelly id or the node id both do.
    expect(await first.core.handlers['device.category']({ device: FRIDGE.id, category: 'kitchen' })).toEqual({
      ok: true,
      value: { device: `device:${FRIDGE.prefix}`, category: { category: 'kitchen', source: 'console' } },
    });
    const step = (plug: number, dimmer: number, heater: number, spare: number, fridge: number) => {
      for (const [d, add] of [
        [PLUG, plug],
        [DIMMER, dimmer],
        [HEATER, heater],
        [SPARE, spare],
        [FRIDGE, fridge],
      ] as const)
        counters.set(d, (counters.get(d) as number) + add);
    };
    step(200, 40, 400, 60, 100);
    await s.minute(1, counters);
    const heater = await first.core.handlers['device.category']({
      device: `device:${HEATER.prefix}`,
      category: 'hvac',
    });
    expect(heater.ok).toBe(true);
    step(100, 40, 800, 60, 50);
    await s.minute(2, counters);
    await expectTheFigures(first.core);

    // The CSV per category: each category's rows, `other` as the rest, adding up to the total row.
    const csv = await first.core.handlers['report.csv']({
      node: `room:${ROOM1}`,
      from: '2026-03-10T09:00:00Z',
      to: '2026-03-10T10:00:00Z',
      resolution: 'hour',
      perChild: false,
      perCategory: true,
      zone: 'utc',
    });
    if (!csv.ok) throw new Error(csv.error.message);
    const rows = parse(csv.value.csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.category, r.energy_kwh, r.cost, r.note])).toEqual([
      ['lighting', '0.080000', '0.02', ''],
      ['hvac', '0.800000', '0.20', ''],
      ['plug', '0.300000', '0.08', ''],
      ['other', '0.520000', '0.13', ''],
      ['', '1.700000', '0.43', 'total'],
    ]);
    for (const [params, words] of [
      [{ perChild: true, perCategory: true, resolution: 'hour' }, /choose one way/],
      [{ perChild: false, perCategory: true, resolution: 'minute' }, /kept by the hour/],
    ] as const) {
      const refused = await first.core.handlers['report.csv']({
        node: `room:${ROOM1}`,
        from: '2026-03-10T09:00:00Z',
        to: '2026-03-10T10:00:00Z',
        zone: 'utc',
        ...params,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
      if (!refused.ok) expect(refused.error.message).toMatch(words);
    }

    // Refused in words: an unknown device, a category that is not one, a device (not a place).
    expect(
      await first.core.handlers['device.category']({ device: 'shellyplus1pm-ffffffffffff', category: 'it' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(
      await dispatch(
        first.core.handlers,
        'device.category',
        { device: HEATER.id, category: 'sauna' },
        () => {},
      ),
    ).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const ofDevice = await first.core.handlers['categories.breakdown']({
      node: `device:${HEATER.prefix}`,
      from: '2026-03-10T00:00:00Z',
      to: '2026-03-11T00:00:00Z',
    });
    expect(ofDevice).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!ofDevice.ok) expect(ofDevice.error.message).toMatch(/has one category of its own/);

    // Kept in the file: after a restart and a rebuild the figures are the same.
    await first.close();
    const again = await s.open();
    await expectTheFigures(again.core);
    expect(again.core.rebuildRollups().differed).toBe(0);
    await expectTheFigures(again.core);

    // Back to what its model says: the heater is "other" again from now on; its HVAC stays.
    const reset = await again.core.handlers['device.category']({ device: HEATER.id, category: null });
    expect(reset).toMatchObject({ ok: true, value: { category: { category: 'other', source: 'model' } } });
    step(0, 0, 100, 0, 0);
    await s.minute(3, counters);
    const room1 = await breakdown(again.core, `room:${ROOM1}`);
    expect(figures(room1)).toMatchObject({ hvac: [800, 20], other: [620, 16] }); // 15.5 c
  });
});
