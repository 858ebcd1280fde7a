/**
 * Every `[[poll]]` device of this console, started with it and stopped by close(). Polling runs on
 * every console configured with the entry, aggregator or standby: each console counts its own
 * totals from what it reads, and only the aggregator publishes them.
 */
import { DevicePoller, type PollerDeps } from './poller';
import type { PollTarget } from './poll-targets';

export class Polling {
  private readonly pollers: DevicePoller[];
  /** Device keys (topic prefixes) read over HTTP: the tree marks them. */
  readonly keys: ReadonlySet<string>;

  constructor(targets: readonly PollTarget[], deps: PollerDeps) {
    this.pollers = targets.map((t) => new DevicePoller(t, deps));
    this.keys = new Set(targets.map((t) => t.prefix));
  }

  start(): void {
    for (const p of this.pollers) p.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }
}
