/** The diagnostics page: what ingest did, and who holds the aggregator lease. */
import { ok } from '../../../shared/result';
import type { AggregatorLease } from '../aggregate/aggregator-lease';
import type { SiteRegistry } from '../site/registry';
import type { IngestStats } from '../stats';
import type { CommandPart } from './part';

export function statsCommands(deps: {
  stats: IngestStats;
  registry: SiteRegistry;
  uptimeS(): number;
  /** The current lease: a new one is made at every connect. */
  lease(): AggregatorLease;
}): CommandPart<'stats.get'> {
  return {
    'stats.get': () => {
      const lease = deps.lease();
      return ok({
        ...deps.stats.snapshot({
          devices: deps.registry.devices.size,
          channels: [...deps.registry.devices.values()].reduce((n, d) => n + d.channels.size, 0),
          uptimeS: deps.uptimeS(),
        }),
        aggregator: lease.isAggregator,
        lease: {
          clientId: lease.clientId,
          role: lease.role,
          holder: lease.holder?.clientId ?? null,
          since: lease.holder?.since ?? null,
        },
      });
    },
  };
}
