/**
 * `kilowatch rollup --rebuild` on a real database: it reports that intact rollups match, and
 * finds and rewrites damaged ones.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/headless';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const CLI = resolve(__dirname, '../../scripts/kilowatch.mjs');

describe('kilowatch rollup --rebuild', () => {
  it('verifies intact rollups and repairs damaged ones', async () => {
    assertBuilt();
    const dir = tempDir();
    const db = `${dir.path}/kw.db`;
    // Recent minutes: the CLI opens the file at the real time, and retention keeps 35 days.
    const t0 = Math.floor(Date.now() / 3_600_000) * 3600 - 3 * 3600;
    const t = testCore(db, new Date(t0 * 1000).toISOString());
    for (let i = 0; i <= 90; i++) {
      t.setTime((t0 + i * 60 + 1) * 1000);
      t.feed(
        'Aurora/Faro/Kitchen/Oven/events/rpc',
        switchNotify('shellyplus1pm-a8032ab1c2d3', 'Aurora/Faro/Kitchen/Oven', 10 + i, t0 + i * 60),
      );
    }
    await t.close();
    const run = () =>
      execFileSync(process.execPath, [CLI, 'rollup', '--rebuild', '--db', db], { encoding: 'utf8' });
    expect(run()).toMatch(/from 90 minute rows .*; 0 differed and were rewritten/);
    const raw = new Database(db);
    raw.prepare('UPDATE energy_day SET energy_units = energy_units * 2').run();
    raw.close();
    expect(run()).toMatch(/; [1-9]\d* differed and were rewritten/);
    expect(run()).toMatch(/; 0 differed/);
    dir.remove();
  });
});
