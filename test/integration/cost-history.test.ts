/**
 * Issue #18, item 2: cost, exactly, kept like energy. A heater in a Lisbon hotel room publishes
 * through a real Mosquitto into a console with a time-of-use tariff (0.20 €/kWh 08:00–10:30, 0.30
 * the rest of the day, 0.50 flat from 11 March), on a real SQLite file. Every figure below is the
 * energy of each minute times the price in force in that minute, added in exact units and rounded
 * once per figure (half away from zero):
 *
 *   9 Mar 20:00  100 Wh  before the tariff: no price
 *  10 Mar 10:28 1000 Wh × 0.20 = 20 c   10:29 600 × 0.20 = 12 c   10:30 400 × 0.30 = 12 c
 *  10 Mar 23:58  100 Wh × 0.30 =  3 c   23:59  50 × 0.30 = 1.5 c
 *  11 Mar 00:00   25 Wh × 0.50 = 1.25 c 00:01   5 × 0.50 = 0.25 c
 *
 * so the 10:00 hour is 44 c (one price for the hour would give 40 or 60), 10 March 48.5 c → 49,
 * 11 March 1.5 c → 2. A reading's rise belongs to the minute before its minute_ts.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../src/shared/contract';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';
import { consoleSite, type SiteConsole } from '../support/console-site';
import { retainedJson } from '../support/mqtt-client';
import { switchNotify } from '../support/core';

const HEATER = { id: 'shellyplus1pm-c0570000aa01', prefix: 'Hotel/Lisbon/Room101/Heater' };
const ROOM = 'room:Hotel/Lisbon/Room101';
const COMPANY = 'company:Hotel';
const DEVICE = `device:${HEATER.prefix}`;

const TARIFF = TariffSchema.parse({
  currency: 'EUR',
  periods: [
    {
      from: '2026-03-10',
      feedInPerKWh: '0.05',
      bands: [
        { from: '08:00', to: '10:30', perKWh: '0.20' },
        { from: '10:30', to: '08:00', perKWh: '0.30' },
      ],
    },
    { from: '2026-03-11', bands: [{ perKWh: '0.50' }] },
  ],
});

/** [minute_ts as local time in Lisbon (UTC+0 in March), the heater's counter in Wh]. */
const STREAM: Array<[string, number]> = [
  ['2026-03-09T20:00:00Z', 900],
  ['2026-03-09T20:01:00Z', 1000],
  ['2026-03-10T10:28:00Z', 1000],
  ['2026-03-10T10:29:00Z', 2000],
  ['2026-03-10T10:30:00Z', 2600],
  ['2026-03-10T10:31:00Z', 3000],
  ['2026-03-10T23:58:00Z', 3000],
  ['2026-03-10T23:59:00Z', 3100],
  ['2026-03-11T00:00:00Z', 3150],
  ['2026-03-11T00:01:00Z', 3175],
  ['2026-03-11T00:02:00Z', 3180],
];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function site() {
  const s = await consoleSite(cleanups, {
    startMs: Date.parse(STREAM[0]![0]),
    timeZone: 'Europe/Lisbon',
    subscribe: ['Hotel/#'],
  });
  const send = async (atIso: string, totalWh: number) => {
    const atS = Date.parse(atIso) / 1000;
    s.setNow(atS * 1000 + 5000);
    await s.send(`${HEATER.prefix}/events/rpc`, switchNotify(HEATER.id, HEATER.prefix, totalWh, atS));
  };
  return { open: s.open, send, mosquittoUrl: s.mosquittoUrl };
}

type Core = SiteConsole['core'];

async function history(
  core: Core,
  node: string,
  from: string,
  to: string,
  resolution: 'minute' | 'hour' | 'day' | 'month',
): Promise<HistoryResult> {
  const answer = await core.handlers['history.query']({ node, from, to, resolution });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value;
}

const costs = (h: HistoryResult) =>
  h.points.map((p) => [p.start.slice(5, 16), p.energyWh, p.costMinor ?? null]);

/** What every figure above must read, asked of a console. */
async function expectTheFigures(core: Core): Promise<void> {
  const minutes = await history(core, DEVICE, '2026-03-10T10:00:00Z', '2026-03-11T01:00:00Z', 'minute');
  expect(minutes.currency).toBe('EUR');
  expect(costs(minutes)).toEqual([
    ['03-10T10:28', 1000, 20],
    ['03-10T10:29', 600, 12],
    ['03-10T10:30', 400, 12],
    ['03-10T23:58', 100, 3],
    ['03-10T23:59', 50, 2], // 1.5 c
    ['03-11T00:00', 25, 1], // 1.25 c
    ['03-11T00:01', 5, 0], // 0.25 c
  ]);
  // Rounded once from the exact sum, not the sum of the rounded minutes (50).
  // 10:28 to 00:01 is 48.5 + 1.5 c: rounded once, 50 (the rounded minutes add up to 50 as well).
  expect(minutes.total).toMatchObject({ energyWh: 2180, costMinor: 50 });
  for (const node of [DEVICE, ROOM, COMPANY]) {
    const hours = await history(core, node, '2026-03-10T10:00:00Z', '2026-03-11T01:00:00Z', 'hour');
    expect(costs(hours), node).toEqual([
      ['03-10T10:00', 2000, 44],
      ['03-10T23:00', 150, 5], // 4.5 c
      ['03-11T00:00', 30, 2], // 1.5 c
    ]);
    const days = await history(core, node, '2026-03-09T00:00:00Z', '2026-03-12T00:00:00Z', 'day');
    expect(costs(days), node).toEqual([
      ['03-09T00:00', 100, null], // counted before the tariff's first period
      ['03-10T00:00', 2150, 49], // 48.5 c
      ['03-11T00:00', 30, 2],
    ]);
    // Part of the range has no price: no total cost rather than a cost of part of it.
    expect(days.total.costMinor, node).toBeUndefined();
    const priced = await history(core, node, '2026-03-10T00:00:00Z', '2026-03-12T00:00:00Z', 'day');
    expect(priced.total, node).toMatchObject({ energyWh: 2180, costMinor: 50, exportCreditMinor: 0 });
  }
  const csv = await core.handlers['report.csv']({
    node: ROOM,
    from: '2026-03-10T00:00:00Z',
    to: '2026-03-12T00:00:00Z',
    resolution: 'day',
    perChild: false,
    zone: 'local',
  });
  if (!csv.ok) throw new Error(csv.error.message);
  const rows = parse(csv.value.csv, { columns: true, bom: true }) as Array<Record<string, string>>;
  expect(rows.map((r) => [r.energy_kwh, r.cost, r.currency, r.note])).toEqual([
    ['2.150000', '0.49', 'EUR', ''],
    ['0.030000', '0.02', 'EUR', ''],
    ['2.180000', '0.50', 'EUR', 'total'],
  ]);
  // One row per device: the heater counted all its energy in this room, so its rows are priced
  // by its own twins, and they cost what the room's did.
  const perDevice = await core.handlers['report.csv']({
    node: ROOM,
    from: '2026-03-10T00:00:00Z',
    to: '2026-03-12T00:00:00Z',
    resolution: 'day',
    perChild: true,
    zone: 'local',
  });
  if (!perDevice.ok) throw new Error(perDevice.error.message);
  const deviceRows = parse(perDevice.value.csv, { columns: true, bom: true }) as Array<
    Record<string, string>
  >;
  expect(deviceRows.map((r) => [r.device, r.energy_kwh, r.cost, r.note])).toEqual([
    ['Heater', '2.150000', '0.49', ''],
    ['Heater', '0.030000', '0.02', ''],
    ['', '2.180000', '0.50', 'total'],
  ]);
}

describe('cost kept like energy (#18 item 2)', () => {
  it('prices every minute at the tariff in force then, per band, across a price change and midnight, and rolls it up exactly', async () => {
    const s = await site();
    const first = await s.open({ tariff: TARIFF });
    for (const [at, wh] of STREAM) await s.send(at, wh);
    await expectTheFigures(first.core);

    // Kept in the file: a restart reads the same figures, and a rebuild changes none.
    await first.close();
    const again = await s.open({ tariff: TARIFF });
    await expectTheFigures(again.core);
    expect(again.core.rebuildRollups().differed).toBe(0);
    await expectTheFigures(again.core);

    // The published aggregates carry this local month's cost: none for March (its first 100 Wh
    // had no price). April in Lisbon (UTC+1 from 29 March): 100 Wh at 0.50 at 11:00 = 5 c.
    await again.core.publishAggregates();
    let published = await retainedJson(s.mosquittoUrl, 'kilowatch/#');
    expect(published.get('kilowatch/Hotel/Lisbon/Room101/energy')).toMatchObject({ energyWh: 2280 });
    expect(published.get('kilowatch/Hotel/Lisbon/Room101/energy')).not.toHaveProperty('monthCostMinor');
    await s.send('2026-04-01T10:00:00Z', 3180);
    await s.send('2026-04-01T10:01:00Z', 3280);
    await again.core.publishAggregates();
    published = await retainedJson(s.mosquittoUrl, 'kilowatch/#');
    for (const topic of [
      'kilowatch/Hotel/energy',
      'kilowatch/Hotel/Lisbon/Room101/energy',
      'kilowatch/Hotel/Lisbon/Room101/Heater/energy',
    ])
      expect(published.get(topic), topic).toMatchObject({
        energyWh: 2380,
        monthCostMinor: 5,
        currency: 'EUR',
      });

    // Without a tariff there is no cost anywhere (not a cost of zero).
    await again.close();
    const plain = await s.open();
    const hours = await history(plain.core, ROOM, '2026-03-10T10:00:00Z', '2026-03-11T01:00:00Z', 'hour');
    expect(hours.currency).toBeUndefined();
    expect(hours.points.map((p) => p.costMinor)).toEqual([undefined, undefined, undefined]);
    expect(hours.total.costMinor).toBeUndefined();
  });
});
