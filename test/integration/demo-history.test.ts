/**
 * The demo's first start on a fresh data folder backfills 13 months of history, through the built
 * headless console as a newcomer runs it: the 30-day and 12-month charts of the company have
 * plausible figures with weekday/weekend and day/night shapes and a few gaps; every day is exactly
 * the sum of its hours and every month of its days (in the file, in units, for every node); the
 * running totals are exactly the sum of the history; live readings start from baselines and only
 * add what they count; and a second start backfills nothing.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../src/shared/contract';
import { openConsole } from '../../src/main/core/open-console';
import { backfillDemoHistory, BACKFILL_SETTING } from '../../src/main/demo/backfill';
import { api, startHeadless, type Headless } from '../support/headless';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const COMPANY = 'company:Aurora';
/** Writing 13 months takes seconds on a quiet machine, much longer on a busy test box. */
const BACKFILL_TIMEOUT_MS = 150_000;

const dir = tempDir();
const dbPath = join(dir.path, 'demo.db');
// Etc/GMT zones: no DST, so a local day is exactly 1440 minutes in the file's checks below.
const zone = noonZone();
let headless: Headless | null = null;
let backfilledTo = 0;
let firstMonths: HistoryResult;

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const start = () =>
  startHeadless(['--demo', '--port', '0', '--db', dbPath, '--publish-interval', '1'], { TZ: zone.name });

/** The backfill's closing log line. */
const historyLine = (h: Headless) => /demo history: .*/.exec(h.output())?.[0];

async function history(node: string, fromMs: number, toMs: number, resolution: string) {
  const h = headless as Headless;
  const { body } = await api(h.url, 'history.query', {
    node,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    resolution,
  }).catch((error: Error) => {
    throw new Error(`${error.message}; the console said:\n${h.output()}`);
  });
  if (body.ok !== true) throw new Error(`history.query failed: ${JSON.stringify(body)}`);
  return body.value as HistoryResult;
}

beforeAll(async () => {
  headless = await start();
  const line = await until('the backfill', BACKFILL_TIMEOUT_MS, () => historyLine(headless as Headless));
  console.log(`[demo-history] ${line}`);
  expect(line).toMatch(/backfilled .* for \d+ channels/);
  const to = /to (\d{4}-\d\d-\d\dT\d\d:\d\d)Z/.exec(line)?.[1];
  backfilledTo = Date.parse(`${to}:00Z`);
}, BACKFILL_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await headless?.stop();
  dir.remove();
});

describe('the demo history backfill', () => {
  it('gives the company 13 months and 30 days of plausible history, with gaps', async () => {
    const now = Date.now();
    const thisMonth = zone.monthStartMs(now);
    firstMonths = await history(COMPANY, thisMonth - 400 * DAY_MS, now + 60_000, 'month');
    // 13 whole months before this one, and this one.
    expect(firstMonths.points).toHaveLength(14);
    const whole = firstMonths.points.slice(0, 13).map((p) => p.energyWh);
    const mean = whole.reduce((a, b) => a + b, 0) / whole.length;
    // A few offices of lights, kitchens, server rooms and plant: tens of MWh a month.
    expect(mean).toBeGreaterThan(5_000_000);
    expect(mean).toBeLessThan(100_000_000);
    for (const wh of whole) expect(Math.abs(wh - mean) / mean).toBeLessThan(0.35);
    expect(firstMonths.gaps.length).toBeGreaterThanOrEqual(1);

    const today = zone.dayStartMs(now);
    const days = await history(COMPANY, today - 29 * DAY_MS, today + DAY_MS, 'day');
    expect(days.points).toHaveLength(30);
    const daily = days.points.map((p) => p.energyWh);
    const dayMean = daily.slice(0, 29).reduce((a, b) => a + b, 0) / 29;
    for (const wh of daily.slice(0, 29)) expect(Math.abs(wh - dayMean) / dayMean).toBeLessThan(0.5);
    expect(daily[29]).toBeGreaterThan(0);
  });

  it('has weekday/weekend and day/night shapes', async () => {
    // The demo's curves run on UTC days and hours, so this groups by UTC, whatever the site's zone.
    const today = zone.dayStartMs(Date.now());
    const hours = await history('room:Aurora/Lisbon/OpenSpace', today - 28 * DAY_MS, today, 'hour');
    const isWeekend = (ms: number) => [0, 6].includes(new Date(ms).getUTCDay());
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const perUtcDay = new Map<number, number>();
    for (const p of hours.points) {
      const day = Math.floor(Date.parse(p.start) / DAY_MS) * DAY_MS;
      perUtcDay.set(day, (perUtcDay.get(day) ?? 0) + p.energyWh);
    }
    const whole = [...perUtcDay].filter(([day]) => day >= today - 27 * DAY_MS && day + DAY_MS <= today);
    const weekdays = mean(whole.filter(([day]) => !isWeekend(day)).map(([, wh]) => wh));
    const weekends = mean(whole.filter(([day]) => isWeekend(day)).map(([, wh]) => wh));
    // An open-plan office: lights, desks and air conditioning mostly off at weekends.
    expect(weekends).toBeLessThan(weekdays * 0.6);

    const weekdayHour = (h: number) =>
      hours.points
        .filter((p) => new Date(p.start).getUTCHours() === h && !isWeekend(Date.parse(p.start)))
        .map((p) => p.energyWh);
    expect(mean(weekdayHour(13))).toBeGreaterThan(mean(weekdayHour(3)) * 3);
  });

  it('keeps counting live from baselines, and the totals are exactly the history', async () => {
    // Live energy after the backfill, then a clean stop (it adds what the journal holds).
    await until('live energy after the backfill', 60_000, async () => {
      const live = await history(COMPANY, backfilledTo, Date.now() + 60_000, 'minute');
      return live.total.energyWh > 0 ? true : undefined;
    });
    expect(await (headless as Headless).stop()).toBe(0);
    headless = null;

    const db = new Database(dbPath, { readonly: true });
    try {
      const q = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
      // Every node's running total is the sum of its months: nothing counted outside history.
      const totalsOff = q<{ node: string }>(
        `SELECT t.node FROM node_total t JOIN node n ON n.node = t.node
           LEFT JOIN (SELECT node_id, sum(energy_units) AS e, sum(returned_units) AS r FROM energy_month GROUP BY node_id) m
             ON m.node_id = n.id
         WHERE t.energy_units != coalesce(m.e, 0) OR t.returned_units != coalesce(m.r, 0)`,
      );
      expect(totalsOff).toEqual([]);
      expect(q<{ n: number }>('SELECT count(*) AS n FROM node_total')[0]?.n).toBeGreaterThan(150);
      // Every day is the sum of its hours, every month the sum of its days, for every node.
      const daysOff = q<{ node_id: number }>(
        `SELECT d.node_id FROM energy_day d
         WHERE d.energy_units != (SELECT coalesce(sum(h.energy_units), 0) FROM energy_hour h
                                  WHERE h.node_id = d.node_id AND h.start_min >= d.start_min AND h.start_min < d.start_min + 1440)
            OR d.returned_units != (SELECT coalesce(sum(h.returned_units), 0) FROM energy_hour h
                                  WHERE h.node_id = d.node_id AND h.start_min >= d.start_min AND h.start_min < d.start_min + 1440)`,
      );
      expect(daysOff).toEqual([]);
      const monthsOff = q<{ node_id: number }>(
        `SELECT m.node_id FROM energy_month m
         WHERE m.energy_units != (SELECT coalesce(sum(d.energy_units), 0) FROM energy_day d
            WHERE d.node_id = m.node_id AND d.start_min >= m.start_min
              AND d.start_min < coalesce((SELECT min(n.start_min) FROM energy_month n
                                          WHERE n.node_id = m.node_id AND n.start_min > m.start_min), 1e12))`,
      );
      expect(monthsOff).toEqual([]);
      expect(q<{ n: number }>('SELECT count(*) AS n FROM energy_day')[0]?.n).toBeGreaterThan(150 * 390);

      // The first live reading of every counter is a baseline: nothing it held was counted.
      const firsts = q<{ kind: string; counted: number }>(
        `SELECT l.kind, l.counted_units AS counted FROM ledger l
         WHERE l.at_ms >= ? AND l.id = (SELECT min(k.id) FROM ledger k WHERE k.channel_id = l.channel_id
                                         AND k.direction = l.direction AND k.at_ms >= ?)`,
        backfilledTo,
        backfilledTo,
      );
      expect(firsts.length).toBeGreaterThan(50);
      expect(new Set(firsts.map((f) => `${f.kind}:${f.counted}`))).toEqual(new Set(['baseline:0']));
      // And live readings add only what they count: about the fleet's draw over the minutes since.
      const company = q<{ id: number }>('SELECT id FROM node WHERE node = ?', COMPANY)[0]?.id;
      const live = q<{ e: number }>(
        `SELECT coalesce(sum(m.energy_units), 0) AS e FROM energy_minute_all m JOIN place p ON p.id = m.place_id
         WHERE p.company = 'Aurora' AND m.minute >= ?`,
        backfilledTo / 60_000,
      )[0]?.e as number;
      const liveHours = q<{ e: number }>(
        'SELECT coalesce(sum(energy_units), 0) AS e FROM energy_hour WHERE node_id = ? AND start_min >= ?',
        company,
        Math.floor(backfilledTo / HOUR_MS) * 60,
      )[0]?.e as number;
      expect(live).toBeGreaterThan(0);
      const elapsedH = (Date.now() - backfilledTo) / HOUR_MS;
      // Below 500 kW on average: a counter's whole value (megawatt-hours) counted as a rise would not be.
      expect(live / 60_000).toBeLessThan(500_000 * elapsedH);
      expect(liveHours).toBeGreaterThanOrEqual(live);
    } finally {
      db.close();
    }
  });

  it('does not backfill again on the next start', async () => {
    headless = await start();
    const line = await until('the backfill decision', 60_000, () => historyLine(headless as Headless));
    expect(line, (headless as Headless).output()).toBe(
      'demo history: not backfilled (history was backfilled before)',
    );
    const now = Date.now();
    const again = await history(COMPANY, zone.monthStartMs(now) - 400 * DAY_MS, now + 60_000, 'month');
    // The months before this one are exactly as the first start left them.
    expect(again.points.slice(0, 13)).toEqual(firstMonths.points.slice(0, 13));
  });
});

describe('the backfill refuses', () => {
  const open = (path: string, isDemo: boolean) => {
    const opened = openConsole({ dbPath: path, outPrefix: 'kilowatch', publishIntervalS: 5, isDemo });
    if (!opened.ok) throw new Error(opened.error.message);
    return opened.value;
  };

  it('a real site: nothing is written, not even the setting', async () => {
    const { console: core, store } = open(join(dir.path, 'site.db'), false);
    try {
      await expect(backfillDemoHistory(core, store)).resolves.toEqual({
        status: 'skipped',
        reason: 'not the demo console',
      });
      expect(store.loadDevices()).toEqual([]);
      expect(store.setting(BACKFILL_SETTING)).toBeUndefined();
    } finally {
      await core.close();
      store.close();
    }
  });

  it('a demo database that already holds devices', async () => {
    const { console: core, store } = open(join(dir.path, 'used-demo.db'), true);
    try {
      core.ingest.handle('Aurora/Lisbon/Kitchen/Kettle/online', Buffer.from('true'), false);
      core.writer.flush();
      expect(store.loadDevices()).toHaveLength(1);
      await expect(backfillDemoHistory(core, store)).resolves.toEqual({
        status: 'skipped',
        reason: 'the database already holds devices',
      });
      expect(store.setting(BACKFILL_SETTING)).toBeUndefined();
      expect(store.loadTotals()).toEqual([]);
    } finally {
      await core.close();
      store.close();
    }
  });
});
