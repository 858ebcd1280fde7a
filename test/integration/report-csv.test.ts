/**
 * The CSV people send, on a real SQLite file in Europe/Berlin (UTC+1 in January): per-child rows
 * that hold only what each child counted in the node (a device moved into a room brings none of
 * its earlier energy), a totals row that equals both the rows and the node's history, the zone
 * named in the header (or UTC when asked, validated), and an empty period that says so.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { ParsedParams } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';
import { TariffSchema, type Tariff } from '../../src/main/core/cost/tariff-schema';

const ZONE = 'Europe/Berlin';
const HEATER = { src: 'shellyplus1pm-a8032ab1c2d3', prefix: 'Site/Berlin/Room1/Heater' };
const LAMP = { src: 'shellyplus1pm-a8032ab1c2d4', prefix: 'Site/Berlin/Room2/Lamp' };
const ROOM1 = 'room:Site/Berlin/Room1';
const OFFICE = 'office:Site/Berlin';
/** Two local days, 10 and 11 January 2026 (Berlin midnight is 23:00Z). */
const PERIOD = { from: '2026-01-09T23:00:00Z', to: '2026-01-11T23:00:00Z' };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

type CsvRow = Record<string, string>;
/** Thousandths of a Wh (the CSV's last kWh digit), as exact integers. */
const mWh = (row: CsvRow | undefined): number => Math.round(Number(row?.energy_kwh) * 1_000_000);

/**
 * A heater always in Room1 and a lamp counted 20 Wh in Room2, then assigned to Room1 and
 * counting 10 Wh more there: Room1 holds 18 + 10 = 28 Wh, Room2 20 Wh.
 */
async function movedLampSite(tariff?: Tariff): Promise<TestCore> {
  const dir = tempDir();
  const t = testCore(`${dir.path}/kw.db`, '2026-01-10T08:00:00Z', ZONE, tariff && { tariff });
  cleanups.push(async () => {
    await t.close();
    dir.remove();
  });
  const read = (device: typeof HEATER, iso: string, totalWh: number) => {
    t.setTime(Date.parse(iso) + 300);
    t.feed(
      `${device.prefix}/events/rpc`,
      switchNotify(device.src, device.prefix, totalWh, Date.parse(iso) / 1000),
    );
  };
  read(HEATER, '2026-01-10T08:00:00Z', 1000); // baselines
  read(LAMP, '2026-01-10T08:00:00Z', 500);
  read(HEATER, '2026-01-10T08:10:00Z', 1010);
  read(LAMP, '2026-01-10T08:10:00Z', 520); // 20 Wh in Room2
  t.setTime('2026-01-10T09:00:00Z');
  const moved = await t.core.handlers['site.assign']({ device: LAMP.src, path: ['Site', 'Berlin', 'Room1'] });
  if (!moved.ok) throw new Error(moved.error.message);
  read(HEATER, '2026-01-10T09:10:00Z', 1015);
  read(LAMP, '2026-01-10T09:10:00Z', 527); // 7 Wh in Room1
  read(HEATER, '2026-01-11T10:00:00Z', 1018);
  read(LAMP, '2026-01-11T10:00:00Z', 530); // 3 Wh in Room1
  return t;
}

async function report(t: TestCore, params: Partial<ParsedParams<'report.csv'>> & { node: string }) {
  const reply = await t.core.handlers['report.csv']({
    ...PERIOD,
    resolution: 'day',
    perChild: true,
    zone: 'local',
    ...params,
  });
  if (!reply.ok) throw new Error(reply.error.message);
  const rows = parse(reply.value.csv, { columns: true, bom: true }) as CsvRow[];
  const { filename, rows: count } = reply.value;
  return { filename, count, rows, body: rows.slice(0, -1), total: rows.at(-1) };
}

async function historyMWh(t: TestCore, node: string): Promise<number> {
  const h = await t.core.handlers['history.query']({ node, ...PERIOD, resolution: 'day' });
  if (!h.ok) throw new Error(h.error.message);
  return Math.round(h.value.total.energyWh * 1000);
}

describe('report.csv', () => {
  it("books a moved device's rows to the room only from when it was there", async () => {
    const t = await movedLampSite();
    const r = await report(t, { node: ROOM1 });
    expect(r.rows.map((row) => [row[`start (${ZONE})`], row.device, mWh(row), row.note])).toEqual([
      ['2026-01-10T00:00:00+01:00', 'Heater', 15_000, ''],
      ['2026-01-10T00:00:00+01:00', 'Lamp', 7_000, ''],
      ['2026-01-11T00:00:00+01:00', 'Heater', 3_000, ''],
      ['2026-01-11T00:00:00+01:00', 'Lamp', 3_000, ''],
      ['2026-01-10T00:00:00+01:00', '', 28_000, 'total'],
    ]);
    expect(r.total?.[`end (${ZONE})`]).toBe('2026-01-12T00:00:00+01:00');
    expect(r.total?.room).toBe('Room1');
    expect(r.body.reduce((s, row) => s + mWh(row), 0)).toBe(mWh(r.total));
    expect(await historyMWh(t, ROOM1)).toBe(28_000);
    expect(r.rows.every((row) => row.room === 'Room1')).toBe(true);
    expect(r.filename).toBe('kilowatch-room-Site-Berlin-Room1-2026-01-10_2026-01-11.csv');
    expect(r.count).toBe(4);

    // The printed report ranks the same per-child figures.
    const summary = await t.core.handlers['report.summary']({ node: ROOM1, ...PERIOD, resolution: 'day' });
    if (!summary.ok) throw new Error(summary.error.message);
    expect(summary.value.children.map((c) => [c.name, c.energyWh])).toEqual([
      ['Heater', 18],
      ['Lamp', 10],
    ]);
    expect([summary.value.total.energyWh, summary.value.notItemisedWh, summary.value.zone]).toEqual([
      28,
      0,
      ZONE,
    ]);

    // One level up the rooms add up the same way: Room2 keeps the lamp's 20 Wh from before.
    const office = await report(t, { node: OFFICE });
    expect(office.body.map((row) => [row.room, mWh(row)])).toEqual([
      ['Room1', 22_000],
      ['Room2', 20_000],
      ['Room1', 6_000],
    ]);
    expect(mWh(office.total)).toBe(48_000);
    expect(await historyMWh(t, OFFICE)).toBe(48_000);
  });

  it("prices a device's rows by the device's own cost only where it counted the whole bucket in the room", async () => {
    // 100 €/kWh, so that a few Wh make whole cents: 1 Wh = 0.10 €.
    const tariff = TariffSchema.parse({
      currency: 'EUR',
      periods: [{ from: '2026-01-01', bands: [{ perKWh: '100' }] }],
    });
    const t = await movedLampSite(tariff);
    const r = await report(t, { node: ROOM1 });
    expect(r.rows.map((row) => [row.device, mWh(row), row.cost, row.currency, row.note])).toEqual([
      ['Heater', 15_000, '1.50', 'EUR', ''],
      // The lamp counted 27 Wh that day, 20 of them in Room2: its own cost is not this row's.
      ['Lamp', 7_000, '', 'EUR', ''],
      ['Heater', 3_000, '0.30', 'EUR', ''],
      ['Lamp', 3_000, '0.30', 'EUR', ''],
      ['', 28_000, '2.80', 'EUR', 'total'],
    ]);
    // Insight's top consumers price the same shares the same way: the lamp's month holds its
    // moved day, so it has no cost; the heater's 18 Wh cost 1.80 €.
    const insight = await t.core.handlers['insight.get']({ node: ROOM1 });
    if (!insight.ok) throw new Error(insight.error.message);
    expect(insight.value.topConsumers.map((c) => [c.name, c.energyWh, c.costMinor])).toEqual([
      ['Heater', 18, 180],
      ['Lamp', 10, undefined],
    ]);
  });

  it('leaves energy whose minutes were pruned as one "not itemised" row, so the rows still add up', async () => {
    const t = await movedLampSite();
    expect(await historyMWh(t, ROOM1)).toBe(28_000); // commits what the writer holds
    // Retention (35 days) run 35 days after 11 January 00:00Z drops the minutes of the 10th.
    t.setTime(Date.parse('2026-01-11T00:00:00Z') + 35 * 86_400_000);
    t.core.pruneMinutes();
    const r = await report(t, { node: ROOM1 });
    expect(r.body.map((row) => [row.device, mWh(row), row.note])).toEqual([
      ['', 22_000, 'not itemised: no longer kept per device'],
      ['Heater', 3_000, ''],
      ['Lamp', 3_000, ''],
    ]);
    expect(r.body.reduce((s, row) => s + mWh(row), 0)).toBe(28_000);
    expect(mWh(r.total)).toBe(28_000);
  });

  it('names the zone in the header, and writes UTC when asked', async () => {
    const t = await movedLampSite();
    const local = await report(t, { node: ROOM1, perChild: false });
    expect(Object.keys(local.rows[0] ?? {}).slice(0, 2)).toEqual([`start (${ZONE})`, `end (${ZONE})`]);
    expect(local.body.map((row) => [row[`start (${ZONE})`], mWh(row)])).toEqual([
      ['2026-01-10T00:00:00+01:00', 22_000],
      ['2026-01-11T00:00:00+01:00', 6_000],
    ]);
    const utc = await report(t, { node: ROOM1, perChild: false, zone: 'utc' });
    expect(Object.keys(utc.rows[0] ?? {}).slice(0, 2)).toEqual(['start (UTC)', 'end (UTC)']);
    // The same days (the site's), written as UTC instants.
    expect(utc.body.map((row) => row['start (UTC)'])).toEqual([
      '2026-01-09T23:00:00Z',
      '2026-01-10T23:00:00Z',
    ]);
    expect(utc.filename).toBe('kilowatch-room-Site-Berlin-Room1-2026-01-09_2026-01-11.csv');

    const refused = await dispatch(
      t.core.handlers,
      'report.csv',
      { node: ROOM1, ...PERIOD, zone: 'Mars/Olympus' },
      () => {},
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('invalid-params');
      expect(refused.error.message).toMatch(/^zone: /);
    }
  });

  it('says "no data in this period" in the file, with a zero total', async () => {
    const t = await movedLampSite();
    const r = await report(t, {
      node: ROOM1,
      from: '2025-11-30T23:00:00Z',
      to: '2025-12-31T23:00:00Z',
      resolution: 'auto',
    });
    expect(r.rows).toHaveLength(1);
    expect(r.total?.note).toBe('total: no data in this period');
    expect(r.total?.energy_kwh).toBe('0.000000');
    expect(r.count).toBe(0);
    expect(r.filename).toBe('kilowatch-room-Site-Berlin-Room1-2025-12-01_2025-12-31.csv');
  });
});
