/** Where the console keeps its data, and how much room it takes (the settings' data section). */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { err, ok } from '../../../shared/result';
import { SCHEMA_VERSION } from '../store/migrations';
import type { CommandPart } from './part';

/** Bytes under `dir`; files that vanish while counted (a rotated log) are skipped. */
function bytesUnder(dir: string, depth = 0): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += depth < 4 ? bytesUnder(path, depth + 1) : 0;
      else if (entry.isFile()) total += statSync(path).size;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
  }
  return total;
}

function sizeOrZero(path: string): number {
  try {
    return statSync(path).size;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 0;
    throw e;
  }
}

/**
 * `dataDir`: the data folder when the console knows it (a database kept elsewhere with --db still
 * leaves logs and saved connections there); otherwise the database's folder.
 */
export function storageCommands(deps: { dbPath: string; dataDir?: string }): CommandPart<'storage.info'> {
  return {
    'storage.info': () => {
      if (deps.dbPath === ':memory:') return err('not-found', 'This console keeps its data in memory only.');
      const dbPath = resolve(deps.dbPath);
      const folder = deps.dataDir ? resolve(deps.dataDir) : dirname(dbPath);
      try {
        // The journal files exist only while a connection has the database open in WAL mode.
        const dbBytes = ['', '-wal', '-shm'].reduce((n, suffix) => n + sizeOrZero(`${dbPath}${suffix}`), 0);
        return ok({
          folder,
          dbPath,
          folderBytes: bytesUnder(folder),
          dbBytes,
          schemaVersion: SCHEMA_VERSION,
        });
      } catch (e) {
        return err(
          'storage-unavailable',
          `The data folder ${folder} cannot be read: ${(e as Error).message}`,
        );
      }
    },
  };
}
