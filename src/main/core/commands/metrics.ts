/**
 * `metrics.snapshot`: what GET /metrics shows (README "Prometheus"), taken from the same figures
 * as site.tree and stats.get so a graph never disagrees with the console. The bridge formats it;
 * nothing here knows Prometheus.
 */
import {
  NODE_KINDS,
  type MetricsSnapshot,
  type NodeKind,
  type Sensor,
  type SiteNode,
} from '../../../shared/contract';
import { ok } from '../../../shared/result';
import type { CommandHandlers } from '../dispatch';
import type { SiteRegistry } from '../site/registry';
import type { CommitTimings } from '../store/commit-timings';
import type { CommandPart } from './part';

/** The console, read when a scrape comes: its command table is built after this part. */
export interface MetricsSources {
  core: {
    readonly handlers: Pick<CommandHandlers, 'site.tree' | 'stats.get'>;
    readonly registry: SiteRegistry;
    readonly writer: { readonly commitTimings: CommitTimings };
    health(): { broker: string; aggregator: boolean };
  };
  clock: () => number;
}

const DEVICE_PREFIX = 'device:';
const ROOM_PREFIX = 'room:';

/** A node the tree does not show (a total kept for a hidden component): its kind from its id. */
function kindOfId(id: string): NodeKind | null {
  const kind = id.slice(0, id.indexOf(':'));
  return id === 'unassigned' ? 'unassigned' : (NODE_KINDS.find((k) => k === kind) ?? null);
}

function walk(nodes: readonly SiteNode[], visit: (node: SiteNode) => void): void {
  for (const node of nodes) {
    visit(node);
    walk(node.children, visit);
  }
}

/** `room:Aurora/Lisbon/Kitchen` → its names; place names never hold a slash (PLACE_NAME_PATTERN). */
const roomNames = (room: string | null): string[] | null =>
  room?.startsWith(ROOM_PREFIX) ? room.slice(ROOM_PREFIX.length).split('/') : null;

function sensorFigures(s: Sensor): MetricsSnapshot['sensors'][number] {
  return {
    address: s.address,
    name: s.name,
    room: roomNames(s.room),
    temperatureC: s.temperatureC,
    humidityPct: s.humidityPct,
    batteryPct: s.batteryPct,
    lastSeenS: s.lastUpdated === null ? null : Date.parse(s.lastUpdated) / 1000,
  };
}

export function metricsCommands({ core, clock }: MetricsSources): CommandPart<'metrics.snapshot'> {
  return {
    'metrics.snapshot': async ({ channels }) => {
      const [tree, stats] = await Promise.all([
        core.handlers['site.tree']({}),
        core.handlers['stats.get']({}),
      ]);
      if (!tree.ok) return tree;
      if (!stats.ok) return stats;
      const nowMs = clock();
      const shown = new Map<string, SiteNode>();
      walk(tree.value.nodes, (node) => shown.set(node.id, node));
      const nodes: MetricsSnapshot['nodes'] = [];
      for (const t of tree.value.totals) {
        const node = shown.get(t.id);
        const kind = node?.kind ?? kindOfId(t.id);
        if (kind && (channels || kind !== 'channel'))
          nodes.push({ id: t.id, kind, path: node?.path ?? [], energyWh: t.energyWh, powerW: t.powerW });
      }
      const devices: MetricsSnapshot['devices'] = [];
      for (const node of shown.values()) {
        if (node.kind !== 'device') continue;
        const key = node.id.slice(DEVICE_PREFIX.length);
        const lastSeenMs = node.lastSeen === undefined ? null : Date.parse(node.lastSeen);
        devices.push({
          id: core.registry.devices.get(key)?.row.shellyId ?? key,
          path: node.path,
          online: node.online === true,
          lastSeenAgeS: lastSeenMs === null ? null : Math.max(0, (nowMs - lastSeenMs) / 1000),
        });
      }
      return ok({
        at: new Date(nowMs).toISOString(),
        nodes,
        devices,
        messages: { received: stats.value.received, rejected: stats.value.rejected },
        commits: core.writer.commitTimings.snapshot(),
        broker: { connected: core.health().broker === 'connected', aggregator: stats.value.aggregator },
        sensors: tree.value.sensors.map(sensorFigures),
      });
    },
  };
}
