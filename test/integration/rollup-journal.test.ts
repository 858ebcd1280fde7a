/**
 * The rollup journal (schema v3) on real files: each commit journals its rollup increments and
 * they reach the rollup tables later, so a crash in between must neither lose them nor add them
 * twice. The crash is a copy of the database and its WAL taken while the console still runs:
 * exactly what a kill -9 leaves on disk.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../src/main/core/store/store';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Hotel/Porto/Room7/Minibar';
const SRC = 'shellyplus1pm-a8032ab1c2d7';
const ROOM = 'room:Hotel/Porto/Room7';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function openCore(path: string, startIso: string): TestCore {
  const t = testCore(path, startIso);
  cleanups.push(() => t.close());
  return t;
}

/** One reading a minute for `minutes` minutes from `fromIso`, +`whPerMinute` each; returns the Wh counted. */
function stream(t: TestCore, fromIso: string, minutes: number, whPerMinute: number): number {
  for (let i = 0; i < minutes; i++) {
    const minuteMs = Date.parse(fromIso) + i * 60_000;
    t.setTime(minuteMs + 500);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1000 + i * whPerMinute, minuteMs / 1000));
  }
  return (minutes - 1) * whPerMinute;
}

function journalRows(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  const n = (db.prepare('SELECT count(*) AS n FROM rollup_journal').get() as { n: number }).n;
  db.close();
  return n;
}

/** The crash: the file and its WAL as they are on disk right now. */
function crashCopy(from: string, to: string): void {
  for (const suffix of ['', '-wal']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
}

async function historySumWh(t: TestCore, resolution: 'minute' | 'hour' | 'day' | 'month'): Promise<number> {
  const r = await t.core.handlers['history.query']({
    node: ROOM,
    from: '2025-03-01T00:00:00Z',
    to: '2025-04-01T00:00:00Z',
    resolution,
  });
  if (!r.ok) throw new Error(r.error.message);
  return Math.round(r.value.points.reduce((s, p) => s + p.energyWh, 0) * 1000) / 1000;
}

describe('rollup journal', () => {
  it('a crash between commit and apply: the restarted console adds the journal exactly once', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const live = openCore(`${dir.path}/live.db`, '2025-03-10T08:00:00Z');
    const counted = stream(live, '2025-03-10T08:00:00Z', 150, 2.5); // three local hours
    expect(live.core.writer.flush()).toBe(true);
    // Committed minutes, journaled rollups, nothing applied yet: the window a crash can hit.
    expect(journalRows(`${dir.path}/live.db`)).toBeGreaterThan(0);
    crashCopy(`${dir.path}/live.db`, `${dir.path}/crashed.db`);

    const restarted = openCore(`${dir.path}/crashed.db`, '2025-03-10T10:31:00Z');
    expect(journalRows(`${dir.path}/crashed.db`)).toBe(0);
    for (const resolution of ['minute', 'hour', 'day', 'month'] as const)
      expect(await historySumWh(restarted, resolution), resolution).toBe(counted);
    // The rollup tables themselves now equal what the minutes say, bucket by bucket.
    expect(restarted.core.rebuildRollups().differed).toBe(0);
  });

  it('a reader asking before the next apply gets the journaled increments too', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const t = openCore(`${dir.path}/kw.db`, '2025-03-10T08:00:00Z');
    const counted = stream(t, '2025-03-10T08:00:00Z', 90, 1.25);
    expect(t.core.writer.flush()).toBe(true);
    expect(t.store.pendingRollups).toBeGreaterThan(0);
    expect(await historySumWh(t, 'hour')).toBe(counted);
    expect(await historySumWh(t, 'month')).toBe(counted);
  });

  it('a journal another process already applied is not applied again', () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = `${dir.path}/kw.db`;
    const t = openCore(path, '2025-03-10T08:00:00Z');
    const counted = stream(t, '2025-03-10T08:00:00Z', 30, 4);
    expect(t.core.writer.flush()).toBe(true);
    expect(t.store.pendingRollups).toBeGreaterThan(0);
    // A second store on the same file replays the journal and empties it…
    const other = Store.open(path);
    if (!other.ok) throw new Error(other.error.message);
    other.value.close();
    expect(journalRows(path)).toBe(0);
    // …so the first one must notice, not add its own copy of the same increments on top.
    const applied = t.store.applyRollups();
    expect(applied.ok).toBe(true);
    const db = new Database(path, { readonly: true });
    const monthUnits = (
      db
        .prepare(
          `SELECT sum(r.energy_units) AS u FROM energy_month r JOIN node n ON n.id = r.node_id WHERE n.node = ?`,
        )
        .get(ROOM) as { u: number }
    ).u;
    db.close();
    expect(monthUnits / 60_000).toBe(counted);
  });

  it('once the writer has stopped, nothing schedules itself on a database about to close', async () => {
    const dir = tempDir();
    const path = `${dir.path}/kw.db`;
    const t = testCore(path, '2025-06-01T08:00:00Z');
    stream(t, '2025-06-01T08:00:00Z', 3, 2);
    await t.core.close();
    // A late message or query after close (an IPC call racing the shutdown) still commits, but a
    // timer armed now would fire after store.close() and throw outside any caller.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    try {
      stream(t, '2025-06-01T08:03:00Z', 2, 2);
      expect(t.core.writer.flush()).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
      t.store.close();
      dir.remove();
    }
  });

  it('refuses a database whose journal holds a damaged row, and leaves the file as it was', async () => {
    const dir = tempDir();
    const path = `${dir.path}/kw.db`;
    const t = testCore(path, '2025-06-01T08:00:00Z');
    stream(t, '2025-06-01T08:00:00Z', 3, 2);
    await t.close();
    const db = new Database(path);
    db.prepare('INSERT INTO rollup_journal (deltas) VALUES (?)').run(Buffer.alloc(25));
    db.close();
    const before = readFileSync(path);
    const opened = Store.open(path);
    expect(opened.ok).toBe(false);
    if (!opened.ok) {
      expect(opened.error.code).toBe('storage-corrupt');
      expect(opened.error.message).toContain(path);
      expect(opened.error.message).toMatch(/rollup journal/);
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    dir.remove();
  });

  it('a rebuild keeps energy counted while a device had no place under Unassigned', async () => {
    const dir = tempDir();
    const t = testCore(`${dir.path}/kw.db`, '2025-06-01T08:00:00Z');
    const id = 'shellyplug-s-C8C9A3B8FDE8';
    const energy = (iso: string, wattMinutes: number) => {
      t.setTime(iso);
      t.feed(`shellies/${id}/relay/0/energy`, String(wattMinutes));
    };
    energy('2025-06-01T08:00:00Z', 6000);
    energy('2025-06-01T08:01:00Z', 6600); // 10 Wh while unplaced
    const assigned = await t.core.handlers['site.assign']({
      device: id,
      path: ['Aurora', 'Lisbon', 'Kitchen'],
    });
    expect(assigned.ok).toBe(true);
    energy('2025-06-01T08:02:00Z', 6660); // 1 Wh in the kitchen
    const day = async (node: string) => {
      const r = await t.core.handlers['history.query']({
        node,
        from: '2025-06-01T00:00:00Z',
        to: '2025-06-02T00:00:00Z',
        resolution: 'day',
      });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.total.energyWh;
    };
    expect([await day('room:Aurora/Lisbon/Kitchen'), await day('unassigned')]).toEqual([1, 10]);
    t.core.rebuildRollups();
    expect([await day('room:Aurora/Lisbon/Kitchen'), await day('unassigned')]).toEqual([1, 10]);
    await t.close();
    dir.remove();
  });
});
