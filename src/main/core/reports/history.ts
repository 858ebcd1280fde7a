/** `history.query`: energy of a node per time bucket, read from the minute table. */
import type { HistoryResult, ParsedParams } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { unitsToWh } from '../aggregate/snapshot';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import type { SiteRegistry } from '../site/registry';
import type { MinuteRow, Store } from '../store/store';
import { autoResolution, bucketEnd, bucketStart, type Resolution } from './buckets';

export interface Bucket {
  startMs: number;
  endMs: number;
  energyUnits: number;
  returnedUnits: number;
  rows: MinuteRow[];
}

export function readRange(
  store: Store,
  registry: SiteRegistry,
  params: { node: string; from: string; to: string; resolution: Resolution | 'auto' },
): Result<
  {
    node: ResolvedNode;
    resolution: Resolution;
    buckets: Bucket[];
    gaps: Array<{ from: string; to: string }>;
  },
  ApiError
> {
  const node = resolveNode(registry, params.node);
  if (!node) return err('not-found', `No node "${params.node}".`);
  const fromMs = Date.parse(params.from);
  const toMs = Date.parse(params.to);
  if (!(toMs > fromMs)) return err('invalid-params', 'to: must be after from');
  const resolution = params.resolution === 'auto' ? autoResolution(fromMs, toMs) : params.resolution;
  const rows = store.minutes(
    node.channels.map((c) => c.row.id),
    Math.floor(fromMs / 60_000),
    Math.ceil(toMs / 60_000),
  );
  const buckets = new Map<number, Bucket>();
  const gaps: Array<{ from: string; to: string }> = [];
  for (const row of rows) {
    const startMs = bucketStart(row.minute * 60_000, resolution);
    let b = buckets.get(startMs);
    if (!b) {
      b = { startMs, endMs: bucketEnd(startMs, resolution), energyUnits: 0, returnedUnits: 0, rows: [] };
      buckets.set(startMs, b);
    }
    b.energyUnits += row.energyUnits;
    b.returnedUnits += row.returnedUnits;
    b.rows.push(row);
    if (row.gapFromS !== null) {
      gaps.push({
        from: new Date(row.gapFromS * 1000).toISOString(),
        to: new Date(row.minute * 60_000).toISOString(),
      });
    }
  }
  return ok({ node, resolution, buckets: [...buckets.values()].sort((a, b) => a.startMs - b.startMs), gaps });
}

export function historyQuery(
  store: Store,
  registry: SiteRegistry,
  params: ParsedParams<'history.query'>,
): Result<HistoryResult, ApiError> {
  const range = readRange(store, registry, params);
  if (!range.ok) return range;
  const { node, resolution, buckets, gaps } = range.value;
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
    gaps,
  });
}
