/**
 * `--demo`: an embedded broker plus a simulated fleet on it. The console connects to the returned
 * URL like to any broker; everything it sees is ordinary Shelly traffic.
 */
import { startEmbeddedBroker } from './embedded-broker';
import { DEFAULT_SEED, startDemoFleet } from './fleet';
import type { DemoDevice } from './types';

export type { DemoDevice } from './types';

export interface DemoHandle {
  url: string;
  /** The fleet's seed: the demo's history backfill must simulate the same devices. */
  seed: number;
  /** The simulated devices, e.g. to label them as demo data. */
  devices: DemoDevice[];
  stop(): Promise<void>;
}

export async function startDemo(opts: { seed?: number; tickMs?: number } = {}): Promise<DemoHandle> {
  const broker = await startEmbeddedBroker();
  let fleet;
  try {
    fleet = await startDemoFleet({ url: broker.url, ...opts });
  } catch (error) {
    await broker.stop();
    throw error;
  }
  const running = fleet;
  return {
    url: broker.url,
    seed: opts.seed ?? DEFAULT_SEED,
    devices: running.devices,
    stop: async () => {
      // Fleet first, so its last wills reach anyone still connected before the broker goes.
      await running.stop();
      await broker.stop();
    },
  };
}
