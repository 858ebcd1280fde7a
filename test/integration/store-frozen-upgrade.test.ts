/**
 * Upgrades from databases frozen at each released schema (test/fixtures/db/v*.db, made from the
 * migration SQL as released by make-frozen.ts and committed): today's Store.open migrates a copy
 * of each, every row it had is still there, and the console reads the exact totals, counters and
 * history the file held. Released migrations themselves are checked byte for byte against the
 * sha256 recorded when they were released: a schema change is a new file, never an edit.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole } from '../../src/main/core/open-console';
import { MIGRATION_FILES, MIGRATIONS, SCHEMA_VERSION } from '../../src/main/core/store/migrations';
import { Store } from '../../src/main/core/store/store';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

const FROZEN = resolve(__dirname, '../fixtures/db');
const MIGRATIONS_DIR = resolve(__dirname, '../../src/main/core/store/migrations');
const RELEASED = JSON.parse(readFileSync(join(FROZEN, 'released-migrations.json'), 'utf8')) as Record<
  string,
  { commit: string; sha256: string }
>;
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

const OVEN = 'Aurora/Porto/Kitchen/Oven';
const LAMP = 'shellies/shelly1pm-A1B2C3';
const KITCHEN = 'room:Aurora/Porto/Kitchen';
const OFFICE_ROOM = 'room:Aurora/Porto/Office';
/** Units: 1 Wh = 60 000. */
const wh = (units: number) => units / 60_000;

/**
 * What each frozen file holds (make-frozen.ts): the oven counted 60 Wh on 14 April and 90 Wh on
 * 5 May (and 10 Wh on 6 May from v2 on), the Gen1 lamp 60 Wh on 5 May, in the Office room staff
 * put it in.
 */
const HELD = {
  1: { ovenWh: 150, ovenCounterWh: 1150, may6Wh: 0, ovenLastS: Date.parse('2025-05-05T11:30:00Z') / 1000 },
  2: { ovenWh: 160, ovenCounterWh: 1160, may6Wh: 10, ovenLastS: Date.parse('2025-05-06T11:10:00Z') / 1000 },
  3: { ovenWh: 160, ovenCounterWh: 1160, may6Wh: 10, ovenLastS: Date.parse('2025-05-06T11:10:00Z') / 1000 },
} as const;
const LAMP_WH = 60;

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function copyOf(version: number): string {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, `v${version}.db`);
  copyFileSync(join(FROZEN, `v${version}.db`), path);
  return path;
}

/** Every row of every table, as the file holds it. */
function tables(path: string): Map<string, Array<Record<string, unknown>>> {
  const db = new Database(path, { readonly: true });
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string }>;
  const out = new Map(
    names.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
  );
  db.close();
  return out as Map<string, Array<Record<string, unknown>>>;
}

const userVersion = (path: string): number => {
  const db = new Database(path, { readonly: true });
  const version = db.pragma('user_version', { simple: true }) as number;
  db.close();
  return version;
};

describe('released migrations', () => {
  it('are byte for byte as released, in their place, each with a frozen database of its schema', () => {
    const released = Object.keys(RELEASED);
    expect(released).toEqual(['0001_initial.sql', '0002_rollups.sql', '0003_rollup_journal.sql']);
    // New migrations come after the released ones; none is taken out or reordered.
    expect(MIGRATION_FILES.slice(0, released.length)).toEqual(released);
    for (const [i, file] of released.entries()) {
      const recorded = RELEASED[file]?.sha256;
      expect(sha256(readFileSync(join(MIGRATIONS_DIR, file))), `${file} on disk was edited`).toBe(recorded);
      expect(sha256(MIGRATIONS[i] as string), `${file} as the store applies it`).toBe(recorded);
    }
    expect(
      readdirSync(FROZEN)
        .filter((f) => f.endsWith('.db'))
        .sort(),
    ).toEqual(released.map((_, i) => `v${i + 1}.db`));
  });
});

describe.each([1, 2, 3] as const)('a database frozen at schema v%i', (version) => {
  it('is migrated by today’s Store.open without losing or changing a row', () => {
    const path = copyOf(version);
    expect(userVersion(path)).toBe(version);
    const before = tables(path);
    expect(before.get('device')).toHaveLength(2);

    const opened = Store.open(path);
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.close();
    expect(userVersion(path)).toBe(SCHEMA_VERSION);

    const after = tables(path);
    // Rollup increments left in a schema-3 journal are added to the rollups at open, once.
    const replayed =
      version === 3 ? ['energy_hour', 'energy_day', 'energy_week', 'energy_month', 'rollup_journal'] : [];
    for (const [table, rows] of before) {
      if (replayed.includes(table)) continue;
      // Columns a later schema added (energy_minute.place_id after v1) are not the old file's.
      const columns = Object.keys(rows[0] ?? {});
      const kept = (after.get(table) ?? []).map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
      expect(kept, `rows of ${table}`).toEqual(rows);
    }
    if (version === 3) {
      expect(before.get('rollup_journal')).toHaveLength(1);
      expect(after.get('rollup_journal')).toEqual([]);
      // The journaled 10 Wh of 6 May, 11:00–11:10 UTC, now in the hour rollup of each oven node.
      const may6Hour = Date.parse('2025-05-06T11:00:00Z') / 60_000;
      const hourOf = (rows: Array<Record<string, unknown>> | undefined) =>
        (rows ?? []).filter((r) => r.start_min === may6Hour).map((r) => wh(r.energy_units as number));
      expect(hourOf(before.get('energy_hour'))).toEqual([]);
      expect(hourOf(after.get('energy_hour'))).toEqual([10, 10, 10, 10, 10]);
    }
  });

  it('shows the exact totals, counters, places and history it held', async () => {
    const held = HELD[version];
    const path = copyOf(version);
    const nowMs = Date.parse('2025-05-07T12:00:00Z');
    const opened = openConsole({
      dbPath: path,
      outPrefix: 'kilowatch',
      publishIntervalS: 3600,
      clock: () => nowMs,
      timeZone: 'Europe/Lisbon',
    });
    if (!opened.ok) throw new Error(opened.error.message);
    const { console: core, store } = opened.value;
    try {
      const tree = await core.handlers['site.tree']({});
      if (!tree.ok) throw new Error(tree.error.message);
      const totals = new Map(tree.value.totals.map((t) => [t.id, [t.energyWh, t.returnedWh]]));
      expect(Object.fromEntries(totals)).toEqual({
        [`channel:${OVEN}|switch:0`]: [held.ovenWh, 0],
        [`device:${OVEN}`]: [held.ovenWh, 0],
        [KITCHEN]: [held.ovenWh, 0],
        [`channel:${LAMP}|relay:0`]: [LAMP_WH, 0],
        [`device:${LAMP}`]: [LAMP_WH, 0],
        [OFFICE_ROOM]: [LAMP_WH, 0],
        'office:Aurora/Porto': [held.ovenWh + LAMP_WH, 0],
        'company:Aurora': [held.ovenWh + LAMP_WH, 0],
      });
      // Staff's placement and name, and the renamed room, came through.
      expect(findNode(tree.value.nodes, KITCHEN)?.name).toBe('Cozinha');
      expect(findNode(tree.value.nodes, OFFICE_ROOM)?.children.map((n) => [n.id, n.name])).toEqual([
        [`device:${LAMP}`, 'DeskLamp'],
      ]);

      // The engine's memory: the next reading counts from the last one, not from a new baseline.
      expect(
        store.loadCounters().map((c) => [c.channelId, c.direction, wh(c.valueUnits), c.order.primaryS]),
      ).toEqual([
        [1, 'import', held.ovenCounterWh, held.ovenLastS],
        [2, 'import', 160, Date.parse('2025-05-05T10:30:00.500Z') / 1000],
      ]);

      const history = async (node: string, from: string, to: string, resolution: 'hour' | 'month') => {
        const r = await core.handlers['history.query']({ node, from, to, resolution });
        if (!r.ok) throw new Error(r.error.message);
        return r.value.points.filter((p) => p.energyWh !== 0).map((p) => [p.start, p.energyWh]);
      };
      // April: from v2 on its minutes are gone (retention), so only the rollups still hold it.
      expect(await history(KITCHEN, '2025-03-31T23:00:00Z', '2025-05-31T23:00:00Z', 'month')).toEqual([
        ['2025-03-31T23:00:00.000Z', 60],
        ['2025-04-30T23:00:00.000Z', 90 + held.may6Wh],
      ]);
      expect(await history(KITCHEN, '2025-05-05T00:00:00Z', '2025-05-07T00:00:00Z', 'hour')).toEqual([
        ['2025-05-05T10:00:00.000Z', 60],
        ['2025-05-05T11:00:00.000Z', 30],
        ...(held.may6Wh ? [['2025-05-06T11:00:00.000Z', held.may6Wh]] : []),
      ]);
      expect(await history(OFFICE_ROOM, '2025-05-05T00:00:00Z', '2025-05-06T00:00:00Z', 'hour')).toEqual([
        ['2025-05-05T10:00:00.000Z', LAMP_WH],
      ]);
    } finally {
      await core.close();
      store.close();
    }
    expect(userVersion(path)).toBe(SCHEMA_VERSION);
  });
});
