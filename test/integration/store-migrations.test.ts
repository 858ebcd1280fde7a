/**
 * Migrations on real files: an empty file and a schema-v1 file reach the head schema (compared
 * with a committed snapshot), v1 minutes get rollups, and a file from a newer Kilowatch is refused
 * without a single byte changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole } from '../../src/main/core/open-console';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/main/core/store/migrations';
import { Store } from '../../src/main/core/store/store';
import { tempDir } from '../support/temp-dir';

const SNAPSHOT = resolve(__dirname, '../fixtures/schema-snapshot.json');
const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));
const newDir = () => {
  const d = tempDir();
  dirs.push(d);
  return d.path;
};

function schemaOf(path: string) {
  const db = new Database(path, { readonly: true });
  const tables = db
    .prepare("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string; type: string }>;
  const out = tables.map((t) => ({
    name: t.name,
    type: t.type,
    columns:
      t.type === 'table'
        ? db.prepare('SELECT name, type, "notnull", pk FROM pragma_table_info(?)').all(t.name)
        : [],
  }));
  db.close();
  return out;
}

describe('store migrations', () => {
  it('migrates an empty file to the head schema, which matches the committed snapshot', () => {
    const path = `${newDir()}/kw.db`;
    const opened = Store.open(path);
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.close();
    const schema = schemaOf(path);
    if (process.env.UPDATE_SCHEMA_SNAPSHOT === '1') {
      // A schema change is a decision: regenerate on purpose and review the diff.
      writeFileSync(SNAPSHOT, JSON.stringify({ version: SCHEMA_VERSION, schema }, null, 2) + '\n');
    }
    // A missing snapshot is a failure, never a fresh one: a snapshot written by the run that
    // compares with it could not catch anything.
    expect(
      existsSync(SNAPSHOT),
      `${SNAPSHOT} is missing: run with UPDATE_SCHEMA_SNAPSHOT=1 and commit it after review`,
    ).toBe(true);
    expect({ version: SCHEMA_VERSION, schema }).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });

  it('upgrades a schema-v1 file with minutes: rollups are built from them and totals survive', async () => {
    const path = `${newDir()}/kw.db`;
    const v1 = new Database(path);
    v1.exec(MIGRATIONS[0] as string);
    v1.pragma('user_version = 1');
    v1.prepare(
      "INSERT INTO device (key, shelly_id, generation, first_seen_ms, last_seen_ms) VALUES ('Aurora/Porto/Kitchen/Oven', 'shellyplus1pm-a8032ab1c2d3', 2, 0, 0)",
    ).run();
    v1.prepare(
      "INSERT INTO channel (id, device_key, component, is_gross, is_phase) VALUES (1, 'Aurora/Porto/Kitchen/Oven', 'switch:0', 1, 0)",
    ).run();
    const base = Date.parse('2025-05-05T10:00:00Z') / 60_000;
    for (let i = 0; i < 90; i++) {
      v1.prepare(
        'INSERT INTO energy_minute (channel_id, minute, energy_units, returned_units) VALUES (1, ?, 60000, 0)',
      ).run(base + i);
    }
    v1.prepare(
      "INSERT INTO node_total (node, energy_units, returned_units, since_ms) VALUES ('room:Aurora/Porto/Kitchen', 5400000, 0, 0)",
    ).run();
    v1.close();

    let nowMs = Date.parse('2025-05-05T12:00:00Z');
    const opened = openConsole({
      dbPath: path,
      outPrefix: 'k',
      publishIntervalS: 3600,
      clock: () => nowMs,
      timeZone: 'Europe/Lisbon',
    });
    if (!opened.ok) throw new Error(opened.error.message);
    const { console: core, store } = opened.value;
    const hours = await core.handlers['history.query']({
      node: 'room:Aurora/Porto/Kitchen',
      from: '2025-05-05T00:00:00Z',
      to: '2025-05-06T00:00:00Z',
      resolution: 'hour',
    });
    if (!hours.ok) throw new Error(hours.error.message);
    expect(hours.value.points.map((p) => p.energyWh)).toEqual([60, 30]);
    const tree = await core.handlers['site.tree']({});
    expect(tree.ok && tree.value.totals.find((t) => t.id === 'room:Aurora/Porto/Kitchen')?.energyWh).toBe(90);
    nowMs += 1;
    await core.close();
    store.close();
    expect(new Database(path, { readonly: true }).pragma('user_version', { simple: true }) as number).toBe(
      SCHEMA_VERSION,
    );
  });

  it('refuses a file from a newer Kilowatch and leaves it byte for byte as it was', () => {
    const path = `${newDir()}/kw.db`;
    const db = new Database(path);
    db.exec('CREATE TABLE future (x)');
    db.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
    db.close();
    const hash = () => createHash('sha256').update(readFileSync(path)).digest('hex');
    const before = hash();
    const opened = Store.open(path);
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.code).toBe('storage-corrupt');
    expect(opened.error.message).toMatch(/written by a newer Kilowatch/);
    expect(hash()).toBe(before);
  });
});
