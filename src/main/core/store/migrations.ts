/**
 * Migration policy: numbered SQL files in ./migrations, applied in order, each together with its
 * `PRAGMA user_version` bump inside one transaction, so a crash leaves the file at a known
 * version. A database written by a newer Kilowatch (a higher user_version) is refused, never
 * altered: an older build cannot know what it would break.
 *
 * The SQL files are the source of truth. Run from source (tests, benchmarks) they are read from
 * disk; the electron-vite build inlines them as __KILOWATCH_MIGRATIONS__, because the bundle has
 * no migrations folder beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { MIGRATION_FILES } from './migration-files';

export { MIGRATION_FILES };

declare const __KILOWATCH_MIGRATIONS__: readonly string[] | undefined;

export const MIGRATIONS: readonly string[] =
  typeof __KILOWATCH_MIGRATIONS__ !== 'undefined'
    ? __KILOWATCH_MIGRATIONS__
    : MIGRATION_FILES.map((file) => readFileSync(join(__dirname, 'migrations', file), 'utf8'));
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
