/**
 * The core's worker thread as the tests start it: the built entry (`npx electron-vite build`;
 * npm test builds before running vitest) on a real SQLite file, with the console's options.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApiError, Result } from '../../src/shared/result';
import { CoreHost, WORKER_ENTRY } from '../../src/main/worker/core-host';
import type { WorkerOpenOptions } from '../../src/main/worker/protocol';

export const BUILT_WORKER = resolve(__dirname, '../../out/main', WORKER_ENTRY);

/** For a beforeAll: says what to run when the build is missing, instead of a timeout. */
export function requireBuiltWorker(): void {
  if (!existsSync(BUILT_WORKER)) throw new Error(`${BUILT_WORKER} is missing: run \`npm run build\` first.`);
}

export const workerOpenOptions = (
  dbPath: string,
  extra: Partial<WorkerOpenOptions> = {},
): WorkerOpenOptions => ({
  dbPath,
  outPrefix: 'kilowatch',
  publishIntervalS: 15,
  isDemo: false,
  timeZone: 'UTC',
  ...extra,
});

/** The built worker on `dbPath`; its log lines go to `log`. */
export function startWorkerHost(
  dbPath: string,
  log: (message: string) => void,
  extra: Partial<WorkerOpenOptions> = {},
): Promise<Result<CoreHost, ApiError>> {
  return CoreHost.start({ open: workerOpenOptions(dbPath, extra), log, workerPath: BUILT_WORKER });
}
