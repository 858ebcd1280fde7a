/**
 * History on a real SQLite file: rollups in the site's time zone (Europe/Lisbon, across both DST
 * transitions), sums that agree at every resolution, CSV that parses back to the same numbers
 * and cannot inject formulas, rollups rebuilt from minutes, and retention.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole } from '../../src/main/core/open-console';
import type { HistoryResult } from '../../src/shared/contract';
import { switchNotify } from '../support/core';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Aurora/Lisbon/Room101/Heater';
const SRC = 'shellyplus1pm-a8032ab1c2d3';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function lisbonCore(opts: { minuteDays?: number; db?: string } = {}) {
  const dir = tempDir();
  let nowMs = Date.parse('2025-01-01T00:00:00Z');
  const dbPath = opts.db ?? `${dir.path}/kw.db`;
  const opened = openConsole({
    dbPath,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
    timeZone: 'Europe/Lisbon',
    ...(opts.minuteDays && { minuteDays: opts.minuteDays }),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  cleanups.push(async () => {
    await core.close();
    store.close();
    dir.remove();
  });
  /** One reading per `stepMin` minutes from `fromIso` to `toIso`, rising `whPerStep` each time. */
  const stream = (fromIso: string, toIso: string, stepMin: number, whPerStep: number, startWh = 100) => {
    let total = startWh;
    for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += stepMin * 60_000) {
      nowMs = t + 500;
      core.ingest.handle(
        `${PREFIX}/events/rpc`,
        Buffer.from(switchNotify(SRC, PREFIX, total, t / 1000)),
        false,
      );
      total += whPerStep;
    }
    return total - whPerStep - startWh; // energy after the baseline
  };
  const query = async (
    node: string,
    from: string,
    to: string,
    resolution: 'minute' | 'hour' | 'day' | 'week' | 'month',
  ) => {
    const r = await core.handlers['history.query']({ node, from, to, resolution });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return { core, store, stream, query, dbPath, setNow: (iso: string) => void (nowMs = Date.parse(iso)) };
}

const sum = (h: HistoryResult) => Math.round(h.points.reduce((s, p) => s + p.energyWh, 0) * 1000) / 1000;

describe('history in Europe/Lisbon', () => {
  it('splits the 23-hour spring-forward day into 23 hours that sum to the day', async () => {
    const t = lisbonCore();
    // Local midnight to midnight on 2025-03-30 is 00:00Z to 23:00Z (clocks jump at 01:00 WET).
    const counted = t.stream('2025-03-29T23:55:00Z', '2025-03-30T23:00:00Z', 5, 1.5);
    const hours = await t.query(
      'room:Aurora/Lisbon/Room101',
      '2025-03-30T00:00:00Z',
      '2025-03-30T23:00:00Z',
      'hour',
    );
    expect(hours.points).toHaveLength(23);
    const days = await t.query(
      'room:Aurora/Lisbon/Room101',
      '2025-03-30T00:00:00Z',
      '2025-03-30T23:00:00Z',
      'day',
    );
    expect(days.points).toHaveLength(1);
    expect(days.points[0]).toMatchObject({
      start: '2025-03-30T00:00:00.000Z',
      end: '2025-03-30T23:00:00.000Z',
    });
    expect(sum(hours)).toBe(sum(days));
    // Every reading after the baseline (23:55Z on the 29th) up to 23:00Z: the last one (23:00Z) belongs to the 31st.
    expect(sum(days)).toBe(Math.round((counted - 1.5) * 1000) / 1000);
  });

  it('keeps the 25-hour fall-back day whole and sums equal at minute, hour, day, week and month', async () => {
    const t = lisbonCore();
    // 2025-10-26 local day: 2025-10-25T23:00Z to 2025-10-27T00:00Z (25 hours).
    const counted = t.stream('2025-10-25T22:58:00Z', '2025-10-27T00:02:00Z', 1, 0.25);
    // 1504 rises after the 22:58Z baseline; the last two (booked 00:00Z and 00:01Z) fall on the 27th.
    expect(counted).toBe(376);
    const from = '2025-10-25T23:00:00Z';
    const to = '2025-10-27T00:00:00Z';
    const hours = await t.query('company:Aurora', from, to, 'hour');
    expect(hours.points).toHaveLength(25);
    const minutes = await t.query('company:Aurora', from, to, 'minute');
    expect(minutes.points).toHaveLength(25 * 60);
    const day = await t.query('company:Aurora', from, to, 'day');
    expect(day.points).toHaveLength(1);
    expect(sum(minutes)).toBe(375); // 1500 minutes × 0.25 Wh
    expect(minutes.total).toEqual({ energyWh: 375, returnedWh: 0 });
    expect(hours.total.energyWh).toBe(375);
    expect(sum(hours)).toBe(375);
    expect(sum(day)).toBe(375);
    // The ISO week starting Monday 2025-10-20 00:00 WEST and the month of October hold it too.
    const week = await t.query('device:' + PREFIX, '2025-10-20T00:00:00Z', '2025-10-27T00:00:00Z', 'week');
    expect(week.points[0]?.start).toBe('2025-10-19T23:00:00.000Z');
    expect(week.points[0]?.end).toBe('2025-10-27T00:00:00.000Z');
    // The week also holds the two rises booked at 23:58 and 23:59 on Saturday the 25th; the two
    // booked on Monday the 27th are next week's.
    expect(week.points.map((p) => p.energyWh)).toEqual([375.5]);
    const month = await t.query(
      'office:Aurora/Lisbon',
      '2025-10-01T00:00:00Z',
      '2025-11-01T00:00:00Z',
      'month',
    );
    expect(month.points[0]).toMatchObject({
      start: '2025-09-30T23:00:00.000Z',
      end: '2025-11-01T00:00:00.000Z',
    });
    // Every rise is in October, including the two booked after the 26th.
    expect(month.points.map((p) => p.energyWh)).toEqual([counted]);
  });

  it('exports a CSV whose rows parse back to the history sums, with formulas neutralised', async () => {
    const t = lisbonCore();
    // Whole watt-hours: the CSV prints kWh with 3 decimals, so each row is exact to 1 Wh.
    t.stream('2025-06-01T08:00:00Z', '2025-06-01T12:00:00Z', 10, 12);
    // An unassigned device whose own name is a spreadsheet formula.
    const evil = 'shellyplus1pm-a8032ab1eeee';
    t.core.ingest.handle(
      `${evil}/announce`,
      Buffer.from(
        JSON.stringify({ id: evil, name: '=HYPERLINK("http://x","y")', model: 'SNSW-001P16EU', gen: 2 }),
      ),
      false,
    );
    t.core.ingest.handle(
      `${evil}/events/rpc`,
      Buffer.from(switchNotify(evil, evil, 5, Date.parse('2025-06-01T09:00:00Z') / 1000)),
      false,
    );
    t.core.ingest.handle(
      `${evil}/events/rpc`,
      Buffer.from(switchNotify(evil, evil, 9, Date.parse('2025-06-01T09:01:00Z') / 1000)),
      false,
    );
    const range = {
      from: '2025-06-01T00:00:00Z',
      to: '2025-06-02T00:00:00Z',
      resolution: 'hour' as const,
      zone: 'local' as const,
    };
    const csv = await t.core.handlers['report.csv']({ node: 'company:Aurora', ...range, perChild: true });
    if (!csv.ok) throw new Error(csv.error.message);
    expect(csv.value.csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.value.csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'start (Europe/Lisbon)',
      'end (Europe/Lisbon)',
      'company',
      'office',
      'room',
      'device',
      'channel',
      'energy_kwh',
      'returned_kwh',
      'part_of',
      'note',
      'cost',
      'currency',
      'category',
    ]);
    expect(rows[0]?.['start (Europe/Lisbon)']).toMatch(/^2025-06-01T\d\d:00:00\+01:00$/);
    const totalRow = rows.at(-1);
    expect(totalRow?.note).toBe('total');
    const csvWh = rows.slice(0, -1).reduce((s, r) => s + Number(r.energy_kwh) * 1000, 0);
    expect(Number(totalRow?.energy_kwh) * 1000).toBe(288);
    const history = await t.query('company:Aurora', range.from, range.to, 'hour');
    expect(Math.round(csvWh * 1000) / 1000).toBe(sum(history));
    expect(sum(history)).toBe(288); // 24 rises of 12 Wh
    const unassigned = await t.core.handlers['report.csv']({ node: 'unassigned', ...range, perChild: true });
    if (!unassigned.ok) throw new Error(unassigned.error.message);
    const devices = parse(unassigned.value.csv, { columns: true, bom: true }) as Array<
      Record<string, string>
    >;
    expect(devices.map((r) => r.device)).toContain(`'=HYPERLINK("http://x","y")`);
    expect(devices.every((r) => !/^[=+\-@]/.test(r.device ?? ''))).toBe(true);
  });

  it('rebuilds rollups from minutes, finding and repairing a damaged bucket', async () => {
    const t = lisbonCore();
    t.stream('2025-06-01T08:00:00Z', '2025-06-01T10:00:00Z', 1, 0.5);
    expect(t.core.rebuildRollups().differed).toBe(0);
    // 120 rises of 0.5 Wh booked in the minutes 08:00Z–09:59Z: 30 Wh in each hour, for every node
    // above the channel.
    const hourRows = () =>
      t.store.database
        .prepare(
          `SELECT n.node AS node, h.start_min AS startMin, h.energy_units / 60000.0 AS wh
           FROM energy_hour h JOIN node n ON n.id = h.node_id ORDER BY n.node, h.start_min`,
        )
        .all();
    const h8 = Date.parse('2025-06-01T08:00:00Z') / 60_000;
    const expected = [
      `channel:${PREFIX}|switch:0`,
      'company:Aurora',
      `device:${PREFIX}`,
      'office:Aurora/Lisbon',
      'room:Aurora/Lisbon/Room101',
    ].flatMap((node) => [
      { node, startMin: h8, wh: 30 },
      { node, startMin: h8 + 60, wh: 30 },
    ]);
    expect(hourRows()).toEqual(expected);
    const damaged = t.store.database
      .prepare('UPDATE energy_hour SET energy_units = energy_units + 60000 WHERE start_min = ?')
      .run(h8 + 60).changes;
    expect(damaged).toBe(5);
    const report = t.core.rebuildRollups();
    expect(report.differed).toBe(damaged);
    expect(hourRows()).toEqual(expected);
    expect(t.core.rebuildRollups().differed).toBe(0);
    expect(
      sum(
        await t.query('room:Aurora/Lisbon/Room101', '2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', 'hour'),
      ),
    ).toBe(60);
  });

  it('drops minute rows past retention and keeps their energy in the rollups', async () => {
    const t = lisbonCore({ minuteDays: 2 });
    t.stream('2025-06-01T08:00:00Z', '2025-06-01T09:00:00Z', 1, 1);
    t.setNow('2025-06-10T00:00:00Z');
    t.core.writer.flush();
    t.core.pruneMinutes();
    expect(
      await t.query('device:' + PREFIX, '2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', 'minute'),
    ).toMatchObject({ points: [] });
    expect(
      sum(await t.query('device:' + PREFIX, '2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', 'day')),
    ).toBe(60);
  });

  it('keeps old history through a rebuild when the retention cutoff cannot be recorded', async () => {
    const t = lisbonCore({ minuteDays: 2 });
    const june1 = t.stream('2025-06-01T08:00:00Z', '2025-06-01T09:00:00Z', 1, 1);
    t.stream('2025-06-09T08:00:00Z', '2025-06-09T09:00:00Z', 1, 1, 160);
    t.setNow('2025-06-10T00:00:00Z');
    t.core.writer.flush();
    const day = async () =>
      sum(await t.query('device:' + PREFIX, '2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', 'day'));
    expect(await day()).toBe(june1);
    // The cutoff tells a rebuild which buckets lost minutes to retention. Minutes dropped without
    // it would be recomputed from what is left: June 1 would be rebuilt from nothing.
    const db = t.store.database;
    db.exec(`CREATE TRIGGER refuse_cutoff BEFORE INSERT ON setting WHEN NEW.key = 'minutes-pruned-before'
      BEGIN SELECT RAISE(ABORT, 'the cutoff cannot be written'); END`);
    expect(() => t.core.pruneMinutes()).toThrow(/cutoff cannot be written/);
    db.exec('DROP TRIGGER refuse_cutoff');
    t.core.rebuildRollups();
    expect(await day()).toBe(june1);
    // Once it can be written, retention does its job and the rebuild still keeps June 1.
    t.core.pruneMinutes();
    expect(
      await t.query('device:' + PREFIX, '2025-06-01T00:00:00Z', '2025-06-02T00:00:00Z', 'minute'),
    ).toMatchObject({ points: [] });
    t.core.rebuildRollups();
    expect(await day()).toBe(june1);
  });

  it('books a rise in the minute that ended at its minute_ts, so a day ends at midnight, not a minute later', async () => {
    const t = lisbonCore();
    // Totals read at 23:58, 23:59 and 00:00 (aenergy.minute_ts): +1 Wh in each of the last two minutes of the day.
    t.stream('2025-03-10T23:58:00Z', '2025-03-11T00:00:00Z', 1, 1);
    const device = 'device:' + PREFIX;
    expect(sum(await t.query(device, '2025-03-10T00:00:00Z', '2025-03-11T00:00:00Z', 'day'))).toBe(2);
    expect(sum(await t.query(device, '2025-03-11T00:00:00Z', '2025-03-12T00:00:00Z', 'day'))).toBe(0);
    const minutes = await t.query(device, '2025-03-10T23:55:00Z', '2025-03-11T00:05:00Z', 'minute');
    expect(minutes.points.filter((p) => p.energyWh > 0).map((p) => [p.start, p.energyWh])).toEqual([
      ['2025-03-10T23:58:00.000Z', 1],
      ['2025-03-10T23:59:00.000Z', 1],
    ]);
    // Today (in Lisbon, at 00:00:00.5) has nothing yet.
    const tree = await t.core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    expect(tree.value.totals.find((n) => n.id === device)?.todayWh).toBe(0);
  });
});
