/**
 * Migration policy: numbered SQL files, applied in order, each together with its
 * `PRAGMA user_version` bump inside one transaction, so a crash leaves the file at a known
 * version. A database written by a newer Kilowatch (a higher user_version) is refused, never
 * altered: an older build cannot know what it would break.
 */
import type Database from 'better-sqlite3';
import m0001 from './migrations/0001_initial.sql?raw';
import m0002 from './migrations/0002_rollups.sql?raw';

export const MIGRATIONS: readonly string[] = [m0001, m0002];
export const SCHEMA_VERSION = MIGRATIONS.length;

export type MigrationOutcome = { ok: true; from: number; to: number } | { ok: false; found: number };

export function migrate(db: Database.Database): MigrationOutcome {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) return { ok: false, found };
  for (let version = found; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { ok: true, from: found, to: SCHEMA_VERSION };
}
