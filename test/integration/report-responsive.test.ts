/**
 * A heavy read never blocks the live path (#15 §1): the core's thread also reads MQTT and answers
 * every command, so a report that held it for its whole length would freeze live totals and the
 * console. On the built worker entry and a real SQLite file with a month of minute rows for a room
 * (20 channels, about 900,000 rows), a light command sent right after `report.csv` (the same port,
 * so the worker sees the CSV first) is answered before the CSV is.
 *
 * Needs the build: `npx electron-vite build` (npm test builds before running vitest).
 */
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildHistoryDb } from '../../bench/lib/history-db';
import type { CoreHost } from '../../src/main/worker/core-host';
import { tempDir } from '../support/temp-dir';
import { requireBuiltWorker, startWorkerHost } from '../support/worker-host';

const DAY_MS = 86_400_000;

let dir: ReturnType<typeof tempDir> | null = null;
let host: CoreHost | null = null;
const logs: string[] = [];

beforeAll(requireBuiltWorker);

afterEach(async () => {
  await host?.close();
  host = null;
  dir?.remove();
  dir = null;
  logs.length = 0;
});

describe('heavy reads beside the live path', () => {
  it('answers stats.get while a month-long per-device report.csv of a room is still being made', async () => {
    dir = tempDir('kw-report-responsive-');
    // Ending now: the console keeps 35 days of minutes, so none of these are pruned under the test.
    const built = buildHistoryDb(join(dir.path, 'kw.db'), {
      channels: 20,
      days: 32,
      minuteDays: 31,
      endMs: Date.now(),
    });
    const started = await startWorkerHost(built.path, (message) => void logs.push(message), {
      publishIntervalS: 3600,
    });
    if (!started.ok) throw new Error(started.error.message);
    host = started.value;
    const room = built.rooms[0] as string;
    const period = {
      from: new Date(built.endMs - 30 * DAY_MS).toISOString(),
      to: new Date(built.endMs).toISOString(),
    };

    const answered: string[] = [];
    const csv = host
      .invoke('report.csv', { node: room, ...period, resolution: 'hour', perChild: true })
      .then((reply) => (answered.push('report.csv'), reply));
    const stats = host.invoke('stats.get', {}).then((reply) => (answered.push('stats.get'), reply));
    const [csvReply, statsReply] = await Promise.all([csv, stats]);

    expect(statsReply.ok).toBe(true);
    expect(answered).toEqual(['stats.get', 'report.csv']);
    // The CSV is the whole work, not cut short by the slicing: ten devices × 720 hours, and the
    // rows add up to the total row (which is the room's own history).
    if (!csvReply.ok) throw new Error(csvReply.error.message);
    const value = csvReply.value as { csv: string; rows: number };
    expect(value.rows).toBe(10 * 30 * 24);
    const rows = parse(value.csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    const mWh = (row: Record<string, string> | undefined) => Math.round(Number(row?.energy_kwh) * 1e6);
    const total = rows.at(-1);
    expect(total?.note).toBe('total');
    expect(rows.slice(0, -1).reduce((sum, row) => sum + mWh(row), 0)).toBe(mWh(total));
    const history = await host.invoke('history.query', { node: room, ...period, resolution: 'day' });
    if (!history.ok) throw new Error(history.error.message);
    expect(Math.round((history.value as { total: { energyWh: number } }).total.energyWh * 1000)).toBe(
      mWh(total),
    );
    expect(logs).toEqual([]);
  }, 120_000);
});
