/**
 * Where the rotated logs are and what they are called: the main thread writes them
 * (src/main/log), the core reads them into the diagnostics archive.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The logs' folder inside a data folder. */
export const logDirOf = (dataDir: string): string => join(dataDir, 'logs');

/** pino-roll numbers the files: kilowatch.1.log, kilowatch.2.log, … (the highest is current). */
export const LOG_FILE_BASE = 'kilowatch';
export const LOG_FILE_EXTENSION = '.log';
const LOG_FILE_NAME = /^kilowatch\.(\d+)\.log$/;

/** The log files in `dir`, oldest first; none when the folder does not exist yet. */
export async function listLogFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .map((name) => ({ name, number: Number(LOG_FILE_NAME.exec(name)?.[1] ?? NaN) }))
    .filter((f) => Number.isInteger(f.number))
    .sort((a, b) => a.number - b.number)
    .map((f) => f.name);
}
