/**
 * `kilowatch rollup --rebuild` on a real database: it reports that intact rollups match, and
 * finds and rewrites damaged ones with exactly the energy of their minutes.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/headless';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const CLI = resolve(__dirname, '../../scripts/kilowatch.mjs');
const PREFIX = 'Aurora/Faro/Kitchen/Oven';
const NODES = [
  `channel:${PREFIX}|switch:0`,
  'company:Aurora',
  `device:${PREFIX}`,
  'office:Aurora/Faro',
  'room:Aurora/Faro/Kitchen',
];
const DAY_MS = 86_400_000;

/** Every rollup row as node, level, bucket start (UTC epoch minutes) and Wh. */
function rollupRows(db: string): Array<{ node: string; level: string; startMin: number; wh: number }> {
  const raw = new Database(db, { readonly: true });
  const rows = ['hour', 'day', 'week', 'month'].flatMap(
    (level) =>
      raw
        .prepare(
          `SELECT n.node AS node, '${level}' AS level, r.start_min AS startMin, r.energy_units / 60000.0 AS wh
           FROM energy_${level} r JOIN node n ON n.id = r.node_id ORDER BY n.node, r.start_min`,
        )
        .all() as Array<{ node: string; level: string; startMin: number; wh: number }>,
  );
  raw.close();
  return rows;
}

describe('kilowatch rollup --rebuild', () => {
  it('verifies intact rollups and repairs damaged ones', async () => {
    assertBuilt();
    const dir = tempDir();
    const db = `${dir.path}/kw.db`;
    // The CLI opens the file at the real time and retention keeps 35 days, so the minutes are
    // recent: 10:00 UTC two days ago, in UTC (pinned for both), so 90 minutes never cross a day.
    const todayUtcMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const t0Ms = todayUtcMs - 2 * DAY_MS + 10 * 3_600_000;
    const t0 = t0Ms / 1000;
    const t = testCore(db, new Date(t0Ms).toISOString(), 'UTC');
    for (let i = 0; i <= 90; i++) {
      t.setTime((t0 + i * 60 + 1) * 1000);
      t.feed(`${PREFIX}/events/rpc`, switchNotify('shellyplus1pm-a8032ab1c2d3', PREFIX, 10 + i, t0 + i * 60));
    }
    await t.close();

    // 90 rises of 1 Wh, booked in the minutes that ended at each reading: 10:00–11:29 UTC.
    const day = new Date(t0Ms - 10 * 3_600_000);
    const weekStartMs = day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS;
    const monthStartMs = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1);
    const min = (ms: number) => ms / 60_000;
    const expected = NODES.flatMap((node) => [
      { node, level: 'hour', startMin: min(t0Ms), wh: 60 },
      { node, level: 'hour', startMin: min(t0Ms) + 60, wh: 30 },
    ])
      .concat(NODES.map((node) => ({ node, level: 'day', startMin: min(day.getTime()), wh: 90 })))
      .concat(NODES.map((node) => ({ node, level: 'week', startMin: min(weekStartMs), wh: 90 })))
      .concat(NODES.map((node) => ({ node, level: 'month', startMin: min(monthStartMs), wh: 90 })));
    expect(rollupRows(db)).toEqual(expected);

    const run = () =>
      execFileSync(process.execPath, [CLI, 'rollup', '--rebuild', '--db', db], {
        encoding: 'utf8',
        cwd: dir.path,
        env: { ...process.env, TZ: 'UTC' },
      });
    expect(run()).toMatch(/from 90 minute rows .*; 0 differed and were rewritten/);
    expect(rollupRows(db)).toEqual(expected);

    // Damage two kinds of rollup: every day row doubled, one hour row of the room emptied.
    const raw = new Database(db);
    const days = raw.prepare('UPDATE energy_day SET energy_units = energy_units * 2').run().changes;
    const hours = raw
      .prepare(
        "UPDATE energy_hour SET energy_units = 0 WHERE start_min = ? AND node_id = (SELECT id FROM node WHERE node = 'room:Aurora/Faro/Kitchen')",
      )
      .run(min(t0Ms) + 60).changes;
    raw.close();
    expect([days, hours]).toEqual([5, 1]);
    expect(rollupRows(db)).not.toEqual(expected);

    expect(run()).toMatch(new RegExp(`from 90 minute rows .*; ${days + hours} differed and were rewritten`));
    expect(rollupRows(db)).toEqual(expected);
    expect(run()).toMatch(/; 0 differed/);
    dir.remove();
  });
});
