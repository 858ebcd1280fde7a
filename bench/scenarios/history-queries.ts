/**
 * History queries on a generated database of 1,000 channels × 1 year (minute rows for the last
 * 35 days, rollups for the whole year), through the contract's own dispatch (validation included):
 * a room at hour over 30 days, the company at day over a year, one device at minute over a day,
 * and the CSV of a month for a room, per device. Median ms after the database is built.
 */
import { join } from 'node:path';
import { dispatch } from '../../src/main/core/dispatch';
import { openConsole } from '../../src/main/core/open-console';
import { buildHistoryDb } from '../lib/history-db';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types';

const DAY_MS = 86_400_000;

async function timeMs(run: () => Promise<unknown>, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = process.hrtime.bigint();
    await run();
    out.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return out;
}

export const historyQueries: Scenario = {
  name: 'history-queries',
  rows: ['query-room-hour-30d', 'query-company-day-1y', 'query-device-minute-1d', 'csv-month'],
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const size = ctx.isQuick
      ? { channels: 40, days: 60, minuteDays: 7 }
      : { channels: 1000, days: 365, minuteDays: 35 };
    ctx.log(
      `history: building ${size.channels} channels × ${size.days} days (minutes for ${size.minuteDays})…`,
    );
    const built = buildHistoryDb(join(ctx.tmp, 'history.db'), { ...size, endMs: Date.now() });
    ctx.log(
      `history: built in ${(built.buildMs / 1000).toFixed(1)} s, ${(built.sizeBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    const opened = openConsole({
      dbPath: built.path,
      outPrefix: 'kilowatch',
      publishIntervalS: 3600,
      timeZone: 'UTC',
    });
    if (!opened.ok) throw new Error(opened.error.message);
    const { console: core, store } = opened.value;
    ctx.defer(async () => {
      await core.close();
      store.close();
    });
    const log = (message: string, error?: unknown) => ctx.log(`${message} ${String(error ?? '')}`);
    const iso = (ms: number) => new Date(ms).toISOString();
    const end = built.endMs;
    const call = async (command: string, params: unknown) => {
      const r = await dispatch(core.handlers, command, params, log);
      if (!r.ok) throw new Error(`${command}: ${r.error.message}`);
      return r.value;
    };
    const samples = ctx.isQuick ? 5 : 41;
    const room = built.rooms[0] as string;
    const queries: Array<{ name: string; metric: string; below: number; run: () => Promise<unknown> }> = [
      {
        name: 'query-room-hour-30d',
        metric: 'history.query, a room at hour over 30 days',
        below: 5,
        run: () =>
          call('history.query', {
            node: room,
            from: iso(end - 30 * DAY_MS),
            to: iso(end),
            resolution: 'hour',
          }),
      },
      {
        name: 'query-company-day-1y',
        metric: 'history.query, the company at day over a year',
        below: 5,
        run: () =>
          call('history.query', {
            node: 'company:Bench',
            from: iso(end - 365 * DAY_MS),
            to: iso(end),
            resolution: 'day',
          }),
      },
      {
        name: 'query-device-minute-1d',
        metric: 'history.query, one device at minute over a day',
        below: 20,
        run: () =>
          call('history.query', {
            node: `device:${built.devices[0]}`,
            from: iso(end - DAY_MS),
            to: iso(end),
            resolution: 'minute',
          }),
      },
      {
        name: 'csv-month',
        metric: 'report.csv, a room over a month at hour, per device',
        below: 1000,
        run: () =>
          call('report.csv', {
            node: room,
            from: iso(end - 30 * DAY_MS),
            to: iso(end),
            resolution: 'hour',
            perChild: true,
          }),
      },
    ];
    const results: ScenarioResult[] = [];
    // A sanity check that the answers are the real work: the company's year equals its rollup total.
    const year = (await call('history.query', {
      node: 'company:Bench',
      from: iso(end - size.days * DAY_MS),
      to: iso(end),
      resolution: 'month',
    })) as { points: Array<{ energyWh: number }> };
    const yearWh = year.points.reduce((s, p) => s + p.energyWh, 0);
    for (const q of queries) {
      await timeMs(q.run, 3); // warm-up: statement cache, page cache
      results.push({
        name: q.name,
        metric: q.metric,
        unit: 'ms',
        samples: await timeMs(q.run, samples),
        target: { of: 'value', below: q.below },
        notes:
          q.name === 'query-room-hour-30d'
            ? [
                `database: ${built.channels} channels × ${built.days} days (minute rows for ${built.minuteDays} days), ` +
                  `${(built.sizeBytes / 2 ** 20).toFixed(0)} MiB = ${(built.sizeBytes / 2 ** 20 / built.channels / (built.days / 365)).toFixed(2)} MiB per channel-year, built in ${(built.buildMs / 1000).toFixed(1)} s`,
                `company energy over the period read back: ${(yearWh / 1000).toFixed(1)} kWh`,
              ]
            : [],
      });
    }
    return results;
  },
};
