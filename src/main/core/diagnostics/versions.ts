/** Which Kilowatch, runtime, SQLite and system a diagnostics archive came from. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, release, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/**
 * Kilowatch's package.json is found by walking up from this module: the source tree (tests),
 * out/main/chunks (built) and the desktop app's archive all have it above them.
 */
export function kilowatchVersion(from: string = __dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = readJson(candidate);
      if (pkg.name === 'kilowatch' && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The better-sqlite3 package this build loads (a native module, so it matters which). */
function betterSqliteVersion(): string | null {
  try {
    const version = readJson(createRequire(__filename).resolve('better-sqlite3/package.json')).version;
    return typeof version === 'string' ? version : null;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
}

export interface Versions {
  kilowatch: string | null;
  node: string;
  electron: string | null;
  v8: string;
  betterSqlite3: string | null;
  sqlite: string;
  os: { type: string; platform: string; release: string; arch: string };
}

export function collectVersions(db: Database.Database): Versions {
  return {
    kilowatch: kilowatchVersion(),
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    v8: process.versions.v8,
    betterSqlite3: betterSqliteVersion(),
    sqlite: (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    os: { type: osType(), platform: platform(), release: release(), arch: arch() },
  };
}
