/**
 * Commits on the batch writer's own thread (core/store/commit-thread.ts, the built
 * out/main/store-writer.js, as the app and headless run it): the core keeps counting while a
 * batch is written on another connection, batches land exactly and in order, a failed one is
 * taken back and saved with the next (with the one made ready behind it), and a thread that
 * cannot start hands everything back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, EventMessage } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const WRITER = join(__dirname, '..', '..', 'out', 'main', 'store-writer.js');
const T0 = Date.parse('2025-06-01T08:00:00Z');
const DEVICES = Array.from({ length: 40 }, (_, i) => ({
  prefix: `Aurora/Lisbon/Room${100 + (i % 8)}/Dev${i}`,
  src: `shellyplus1pm-a8032a${(0x100000 + i).toString(16)}`,
}));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  if (!existsSync(WRITER)) throw new Error(`${WRITER} is missing: run \`npx electron-vite build\` first.`);
});

function open(path: string, commitThreadPath = WRITER): { t: TestCore; alerts: Alert[] } {
  const t = testCore(path, '2025-06-01T08:00:00Z', 'UTC', { commitThreadPath });
  const alerts: Alert[] = [];
  t.core.on((m: EventMessage) => {
    if (m.event === 'alert') alerts.push(m.payload as Alert);
  });
  return { t, alerts };
}

/** One reading per device for minute `m` (each device rises 2 Wh a minute), then a turn of the loop. */
async function minute(t: TestCore, m: number): Promise<void> {
  t.setTime(T0 + m * 60_000 + 500);
  for (const d of DEVICES)
    t.feed(`${d.prefix}/events/rpc`, switchNotify(d.src, d.prefix, 100 + m * 2, T0 / 1000 + m * 60));
  await new Promise((r) => setTimeout(r, 5));
}

async function companyHistoryWh(t: TestCore, resolution: 'minute' | 'hour' = 'minute'): Promise<number> {
  const history = await t.core.handlers['history.query']({
    node: 'company:Aurora',
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 3 * 3600_000).toISOString(),
    resolution,
  });
  if (!history.ok) throw new Error(history.error.message);
  return Math.round(history.value.points.reduce((sum, p) => sum + p.energyWh, 0) * 1000) / 1000;
}

/** `wh` in the company's total and in its minute and hour history, then again after a restart at `restartAt`. */
async function expectSavedEverywhere(
  t: TestCore,
  path: string,
  wh: number,
  restartAt: string,
): Promise<void> {
  expect(t.core.writer.flush()).toBe(true);
  expect(await t.totalWh('company:Aurora')).toBe(wh);
  expect(await companyHistoryWh(t)).toBe(wh);
  expect(await companyHistoryWh(t, 'hour')).toBe(wh);
  await t.close();
  const again = testCore(path, restartAt, 'UTC');
  cleanups.push(() => again.close());
  expect(await again.totalWh('company:Aurora')).toBe(wh);
  expect(await companyHistoryWh(again)).toBe(wh);
  expect(await companyHistoryWh(again, 'hour')).toBe(wh);
}

/**
 * A console whose first `minutes` are on disk, then another program holding the file's write lock
 * longer than the writer's busy timeout (2 s).
 */
async function lockedAfter(
  minutes: number,
): Promise<{ t: TestCore; alerts: Alert[]; other: Database.Database; path: string }> {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const path = `${dir.path}/kw.db`;
  const { t, alerts } = open(path);
  cleanups.push(() => t.close());
  for (let m = 0; m < minutes; m++) await minute(t, m);
  expect(t.core.writer.flush()).toBe(true);
  const other = new Database(path);
  cleanups.push(() => void (other.open && other.close()));
  other.exec('BEGIN IMMEDIATE');
  return { t, alerts, other, path };
}

describe('the batch writer on its own thread', () => {
  it('writes every batch from another connection, exactly, while this thread keeps counting', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = `${dir.path}/kw.db`;
    const { t } = open(path);
    // data_version moves only when ANOTHER connection commits: the thread, not this one.
    const versionBefore = t.store.database.pragma('data_version', { simple: true }) as number;
    for (let m = 0; m < 60; m++) await minute(t, m);
    await waitFor(
      () => (t.store.database.pragma('data_version', { simple: true }) as number) > versionBefore,
      5000,
      'a commit from the thread',
    );
    // The rollups move from the journal to their tables on the thread too (every 5 s), and this
    // connection's readers stop adding them then.
    const journalRows = () =>
      (t.store.database.prepare('SELECT count(*) AS n FROM rollup_journal').get() as { n: number }).n;
    await waitFor(() => journalRows() === 0 && t.store.pendingRollups === 0, 10_000, 'the rollups applied');
    // 40 devices × 59 rises of 2 Wh after their baselines.
    await expectSavedEverywhere(t, path, 40 * 59 * 2, '2025-06-01T09:10:00Z');
  });

  it('a file locked by another program: counting goes on, the user is told, and everything lands once it is free', async () => {
    const { t, alerts, other } = await lockedAfter(5);
    for (let m = 5; m < 20; m++) await minute(t, m);
    await waitFor(
      () => alerts.some((a) => a.kind === 'storage' && a.severity === 'error'),
      15_000,
      'the storage alert',
    );
    expect(alerts.find((a) => a.kind === 'storage')?.message).toMatch(/locked by another program/);
    for (let m = 20; m < 30; m++) await minute(t, m);
    // Counting never stopped: 40 devices × 29 rises of 2 Wh.
    expect(await t.totalWh('company:Aurora')).toBe(40 * 29 * 2);

    other.exec('ROLLBACK');
    await waitFor(() => alerts.some((a) => /writable again/.test(a.message)), 15_000, 'the recovery');
    expect(t.core.writer.flush()).toBe(true);
    expect(await companyHistoryWh(t)).toBe(40 * 29 * 2);
  });

  it('a backlog of several batches while the file is locked: the batch made ready meanwhile goes back with the failed one, and everything lands once', async () => {
    const { t, alerts, other, path } = await lockedAfter(2);
    // A few minutes, committed by the timer: that commit now waits on the lock (2 s).
    for (let m = 2; m < 5; m++) await minute(t, m);
    await new Promise((r) => setTimeout(r, 400));
    // Meanwhile 40 devices × 135 minutes arrive at once: more than a full batch (5,000 readings),
    // which is detached and made ready behind the commit in flight.
    for (let m = 5; m < 140; m++) {
      t.setTime(T0 + m * 60_000 + 500);
      for (const d of DEVICES)
        t.feed(`${d.prefix}/events/rpc`, switchNotify(d.src, d.prefix, 100 + m * 2, T0 / 1000 + m * 60));
      if (m % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(
      () => alerts.some((a) => a.kind === 'storage' && a.severity === 'error'),
      15_000,
      'the storage alert',
    );
    other.exec('ROLLBACK');
    await waitFor(() => alerts.some((a) => /writable again/.test(a.message)), 15_000, 'the recovery');
    await expectSavedEverywhere(t, path, 40 * 139 * 2, '2025-06-01T10:40:00Z');
  });

  it('a thread that cannot start hands everything back: saved on the core thread, and said', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const { t, alerts } = open(`${dir.path}/kw.db`, join(dir.path, 'no-such-writer.js'));
    cleanups.push(() => t.close());
    for (let m = 0; m < 30; m++) await minute(t, m);
    await waitFor(() => alerts.some((a) => a.kind === 'engine'), 5000, 'the alert');
    expect(alerts.find((a) => a.kind === 'engine')?.message).toMatch(/thread that saves readings stopped/);
    expect(t.core.writer.flush()).toBe(true);
    expect(await companyHistoryWh(t)).toBe(40 * 29 * 2);
  });
});
