/** `ledger.query`: why a number is what it is, newest first. */
import type { LedgerEntry, ParsedParams } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { unitsToWh } from '../units';
import { resolveNode } from '../site/resolve-node';
import type { SiteRegistry } from '../site/registry';
import { nodeId } from '../site/placement';
import type { Store } from '../store/store';

export function ledgerQuery(
  store: Store,
  registry: SiteRegistry,
  params: ParsedParams<'ledger.query'>,
): Result<{ entries: LedgerEntry[] }, ApiError> {
  const node = resolveNode(registry, params.node);
  if (!node) return err('not-found', `No node "${params.node}".`);
  const fromMs = params.from ? Date.parse(params.from) : 0;
  const toMs = params.to ? Date.parse(params.to) : Number.MAX_SAFE_INTEGER;
  const byId = new Map(node.channels.map((c) => [c.row.id, c]));
  const rows = store.ledger([...byId.keys()], fromMs, toMs, params.limit);
  const entries = rows.map((r): LedgerEntry => {
    const channel = byId.get(r.channelId);
    const kind = r.kind as LedgerEntry['kind'];
    return {
      at: new Date(r.atMs).toISOString(),
      channel: channel ? nodeId.channel(channel.device.row.key, channel.row.component) : String(r.channelId),
      counter: r.direction,
      kind,
      ...(r.reason !== null && { reason: r.reason }),
      previousWh: r.previousUnits === null ? null : unitsToWh(r.previousUnits),
      valueWh: r.valueUnits === null ? null : unitsToWh(r.valueUnits),
      countedWh: unitsToWh(r.countedUnits),
    };
  });
  return ok({ entries });
}
