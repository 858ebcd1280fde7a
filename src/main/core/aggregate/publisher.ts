/**
 * Publishes the aggregates back to the broker (ARCHITECTURE.md §5): retained, QoS 1, every
 * interval and only for nodes whose numbers changed since they were last published.
 */
import type { NodeTotals } from '../../../shared/contract';
import type { Place } from '../site/placement';
import { nodeId } from '../site/placement';
import type { SiteRegistry } from '../site/registry';
import type { MonthCost } from './month-cost';
import { topicSegment } from './topic-name';

export interface AggregatePublication {
  topic: string;
  payload: string;
}

/** A node the aggregates are published for, with its place's names (unescaped). */
export interface PublishTarget {
  node: string;
  path: string[];
}

/** A company, office or room node id as its path of names; null for any other node. */
function placePath(node: string): string[] | null {
  const colon = node.indexOf(':');
  const kind = node.slice(0, colon);
  const path = node.slice(colon + 1).split('/');
  const depth = { company: 1, office: 2, room: 3 }[kind];
  return depth !== undefined && path.length === depth ? path : null;
}

/** Every placed device and every company, office and room: the Coreflux profiles publish the same. */
export function publishTargets(
  registry: SiteRegistry,
  totals: ReadonlyMap<string, NodeTotals>,
): PublishTarget[] {
  const seen = new Set<string>();
  const out: PublishTarget[] = [];
  const add = (node: string, path: string[]) => {
    if (seen.has(node)) return;
    seen.add(node);
    out.push({ node, path });
  };
  for (const device of registry.devices.values()) {
    if (!('place' in device.placement) || device.channels.size === 0) continue;
    const p: Place = device.placement.place;
    add(nodeId.company(p), [p.company]);
    add(nodeId.office(p), [p.company, p.office]);
    add(nodeId.room(p), [p.company, p.office, p.room]);
    add(nodeId.device(device.row.key), [p.company, p.office, p.room, p.device]);
  }
  // Places whose devices all moved away: their last count is published too, so the retained
  // topic holds everything counted there, even energy counted just before the move.
  for (const node of totals.keys()) {
    const path = placePath(node);
    if (path) add(node, path);
  }
  return out;
}

export class AggregatePublisher {
  /** The last payload published per node, without its timestamp, to publish only changes. */
  private readonly last = new Map<string, string>();

  constructor(private readonly outPrefix: string) {}

  /** `costOf`, with a tariff: a node's cost this month (month-cost.ts), published beside its energy. */
  changes(
    registry: SiteRegistry,
    totals: ReadonlyMap<string, NodeTotals>,
    nowMs: number,
    costOf?: (node: string) => MonthCost | undefined,
  ): AggregatePublication[] {
    const out: AggregatePublication[] = [];
    for (const { node, path } of publishTargets(registry, totals)) {
      const t = totals.get(node);
      if (!t || t.since === null) continue;
      const body = {
        energyWh: t.energyWh,
        returnedWh: t.returnedWh,
        powerW: t.powerW,
        since: t.since,
        devices: t.devices,
        reporting: t.reporting,
        // Main meters and solar (README): what the energy means once roles are in play.
        ...(t.productionWh !== undefined && { productionWh: t.productionWh }),
        ...(t.unmeteredWh !== undefined && { unmeteredWh: t.unmeteredWh, exportWh: t.exportWh }),
        ...(t.selfConsumptionWh !== undefined && { selfConsumptionWh: t.selfConsumptionWh }),
        ...costOf?.(node),
      };
      const key = JSON.stringify(body);
      if (this.last.get(node) === key) continue;
      this.last.set(node, key);
      const topic = [this.outPrefix, ...path.map(topicSegment), 'energy'].join('/');
      out.push({ topic, payload: JSON.stringify({ ...body, ts: new Date(nowMs).toISOString() }) });
    }
    return out;
  }

  /** After a reconnect everything is published again, so the broker's retained copies are current. */
  forget(): void {
    this.last.clear();
  }
}
