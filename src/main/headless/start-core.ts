/**
 * Where the headless console's core runs: on its worker thread (core-host.ts), so the bridge
 * answers while a burst is counted; or, with KILOWATCH_CORE=main-thread, on this thread as before
 * (to compare the two, e.g. in the bench). Start-up errors are the same either way.
 */
import type { ApiError, Result } from '../../shared/result';
import type { ProfileStore } from '../core/broker/profile-store';
import type { ConsoleApi } from '../core/console-api';
import type { Logger } from '../core/dispatch';
import type { BackfillReport } from '../demo/backfill';
import { CoreHost } from '../worker/core-host';
import type { WorkerOpenOptions } from '../worker/protocol';
import { releaseMainYoungGeneration } from '../worker/young-generation';

export interface StartedCore {
  api: ConsoleApi;
  backfillDemo(seed: number): Promise<BackfillReport>;
}

export async function startCore(
  options: Omit<WorkerOpenOptions, 'profiles'>,
  dataDir: string,
  profiles: ProfileStore,
  workerPath: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Result<StartedCore, ApiError>> {
  const where = env.KILOWATCH_CORE ?? 'worker';
  if (where === 'main-thread') {
    releaseMainYoungGeneration();
    // Loaded here only: with the core on its worker, this thread never needs its code.
    const [{ openConsole }, { inProcessConsole }, { backfillDemoHistory }] = await Promise.all([
      import('../core/open-console'),
      import('../core/console-api'),
      import('../demo/backfill'),
    ]);
    const opened = openConsole({ ...options, profiles });
    if (!opened.ok) return opened;
    const { console: core, store } = opened.value;
    return {
      ok: true,
      value: {
        api: inProcessConsole(core, log, () => store.close()),
        backfillDemo: (seed) => backfillDemoHistory(core, store, { seed }),
      },
    };
  }
  if (where !== 'worker')
    return {
      ok: false,
      error: {
        code: 'invalid-params',
        message: `KILOWATCH_CORE is "${where}"; use "worker" (the default) or "main-thread".`,
      },
    };
  const started = await CoreHost.start({
    open: { ...options, profiles: { dir: dataDir, secrets: 'file', passwordFromEnv: true } },
    log,
    workerPath,
  });
  if (!started.ok) return started;
  const host = started.value;
  // Tests only: SIGUSR2 kills the worker as an uncaught bug would. Never listened for otherwise.
  if (env.KILOWATCH_TEST_HOOKS === '1') process.on('SIGUSR2', () => host.crashForTest());
  return { ok: true, value: { api: host, backfillDemo: (seed) => host.backfillDemo(seed) } };
}
