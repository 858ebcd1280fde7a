/**
 * `history.query`: a node's energy per local bucket. Hours and above come from the rollups kept
 * at ingest (energy stays where it was counted); minutes from the minute table of the node's
 * channels. A range starting inside a bucket includes that whole bucket.
 */
import type { HistoryResult, ParsedParams } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { unitsToWh } from '../aggregate/snapshot';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import type { SiteRegistry } from '../site/registry';
import type { Calendar, Resolution } from '../store/calendar';
import type { KeyIndex } from '../store/key-index';
import type { Store } from '../store/store';

export interface HistoryDeps {
  store: Store;
  registry: SiteRegistry;
  calendar: Calendar;
  nodeIds: KeyIndex;
}

export interface Bucket {
  startMs: number;
  endMs: number;
  energyUnits: number;
  returnedUnits: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function autoResolution(fromMs: number, toMs: number): Resolution {
  const span = toMs - fromMs;
  if (span <= 6 * HOUR) return 'minute';
  if (span <= 8 * DAY) return 'hour';
  if (span <= 93 * DAY) return 'day';
  return 'month';
}

/** The buckets of one node (already resolved) between two instants. */
export function nodeBuckets(
  deps: HistoryDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Bucket[] {
  const { store, calendar } = deps;
  const firstMs = calendar.floor(fromMs, resolution);
  if (resolution === 'minute') {
    const rows = store.minutes(
      node.channels.map((c) => c.row.id),
      Math.floor(firstMs / 60_000),
      Math.ceil(toMs / 60_000),
    );
    const byMinute = new Map<number, Bucket>();
    for (const row of rows) {
      const startMs = row.minute * 60_000;
      const b = byMinute.get(startMs) ?? {
        startMs,
        endMs: startMs + 60_000,
        energyUnits: 0,
        returnedUnits: 0,
      };
      b.energyUnits += row.energyUnits;
      b.returnedUnits += row.returnedUnits;
      byMinute.set(startMs, b);
    }
    return [...byMinute.values()].sort((a, b) => a.startMs - b.startMs);
  }
  const id = deps.nodeIds.get(node.id);
  if (id === undefined) return [];
  const rows = store.rollupRows(resolution, id, Math.floor(firstMs / 60_000), Math.ceil(toMs / 60_000));
  const ends = calendar.ends(
    rows.map((r) => r.startMin * 60_000),
    resolution,
  );
  return rows.map((r, i) => ({
    startMs: r.startMin * 60_000,
    endMs: ends[i] as number,
    energyUnits: r.energyUnits,
    returnedUnits: r.returnedUnits,
  }));
}

export interface ResolvedQuery {
  node: ResolvedNode;
  fromMs: number;
  toMs: number;
  resolution: Resolution;
}

/** What history.query and report.csv both start from: the node, the range and the resolution. */
export function resolveQuery(
  deps: HistoryDeps,
  params: { node: string; from: string; to: string; resolution: Resolution | 'auto' },
): Result<ResolvedQuery, ApiError> {
  const node = resolveNode(deps.registry, params.node);
  if (!node) return err('not-found', `No node "${params.node}".`);
  const fromMs = Date.parse(params.from);
  const toMs = Date.parse(params.to);
  if (!(toMs > fromMs)) return err('invalid-params', 'to: must be after from');
  const resolution = params.resolution === 'auto' ? autoResolution(fromMs, toMs) : params.resolution;
  return ok({ node, fromMs, toMs, resolution });
}

export function historyQuery(
  deps: HistoryDeps,
  params: ParsedParams<'history.query'>,
): Result<HistoryResult, ApiError> {
  const query = resolveQuery(deps, params);
  if (!query.ok) return query;
  const { node, fromMs, toMs, resolution } = query.value;
  const buckets = nodeBuckets(deps, node, fromMs, toMs, resolution);
  const gaps = deps.store.gaps(
    node.channels.map((c) => c.row.id),
    fromMs / 1000,
    toMs / 1000,
  );
  return ok({
    node: node.id,
    resolution,
    unit: 'Wh',
    points: buckets.map((b) => ({
      start: new Date(b.startMs).toISOString(),
      end: new Date(b.endMs).toISOString(),
      energyWh: unitsToWh(b.energyUnits),
      returnedWh: unitsToWh(b.returnedUnits),
    })),
    total: {
      energyWh: unitsToWh(buckets.reduce((sum, b) => sum + b.energyUnits, 0)),
      returnedWh: unitsToWh(buckets.reduce((sum, b) => sum + b.returnedUnits, 0)),
    },
    gaps: gaps.map((g) => ({
      from: new Date(g.fromS * 1000).toISOString(),
      to: new Date(g.toS * 1000).toISOString(),
    })),
  });
}
