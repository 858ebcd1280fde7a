/**
 * `categories.breakdown`: a place's energy (and cost) per device category over a period (issue
 * #18 item 5). The named categories come from the rollups kept under `category:<c>:<place>` as
 * the energy was counted (booking-targets.ts); `other` is the place's energy less them, so the
 * categories add up to the place's total exactly (under a main meter `other` also holds what no
 * sub-meter measured). Hours and above: a range inside an hour reads that whole hour.
 */
import {
  DEVICE_CATEGORIES,
  type CategoryBreakdown,
  type DeviceCategory,
  type ParsedParams,
} from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { emptySum, minorOf, type PricedSum } from '../cost/priced-rollups';
import { categoryNode } from '../site/booking-targets';
import type { Rollup } from '../store/calendar';
import { unitsToWh } from '../units';
import { bucketCosts, wholePricedSum } from './bucket-cost';
import { placeOf, resolveQuery, type Bucket, type HistoryDeps } from './history';

interface Part {
  energyUnits: number;
  /** Undefined: no tariff, or part of the energy was counted without a price. */
  priced: PricedSum | undefined;
}

async function partOf(
  deps: HistoryDeps,
  node: string,
  resolution: Rollup,
  fromMin: number,
  toMin: number,
): Promise<Part> {
  const id = deps.nodeIds.get(node);
  if (id === undefined) return { energyUnits: 0, priced: deps.pricing ? emptySum() : undefined };
  const buckets: Bucket[] = [];
  const rows = await deps.reads.rollupRows(resolution, id, fromMin, toMin);
  const ends = deps.calendar.ends(
    rows.map((r) => r.startMin * 60_000),
    resolution,
  );
  rows.forEach((r, i) =>
    buckets.push({
      startMs: r.startMin * 60_000,
      endMs: ends[i] as number,
      energyUnits: r.energyUnits,
      returnedUnits: r.returnedUnits,
    }),
  );
  const costs = await bucketCosts(deps, node, buckets, resolution);
  return {
    energyUnits: buckets.reduce((sum, b) => sum + b.energyUnits, 0),
    priced: costs ? wholePricedSum(buckets, costs) : undefined,
  };
}

export async function categoryBreakdown(
  deps: HistoryDeps,
  params: ParsedParams<'categories.breakdown'>,
): Promise<Result<CategoryBreakdown, ApiError>> {
  const query = resolveQuery(deps, { ...params, resolution: 'auto' });
  if (!query.ok) return query;
  const { node, fromMs, toMs } = query.value;
  if (!placeOf(node))
    return err(
      'invalid-params',
      `Categories are kept for a company, office, room or Unassigned; "${params.node}" is a ${node.kind}, which has one category of its own.`,
    );
  const resolution: Rollup = query.value.resolution === 'minute' ? 'hour' : query.value.resolution;
  const fromMin = Math.floor(deps.calendar.floor(fromMs, resolution) / 60_000);
  const toMin = Math.ceil(toMs / 60_000);
  const own = await partOf(deps, node.id, resolution, fromMin, toMin);
  const named: Array<[DeviceCategory, Part]> = [];
  for (const category of DEVICE_CATEGORIES) {
    if (category === 'other') continue;
    named.push([category, await partOf(deps, categoryNode(category, node.id), resolution, fromMin, toMin)]);
  }
  const rest: Part = { energyUnits: own.energyUnits, priced: own.priced && { ...own.priced } };
  for (const [, part] of named) {
    rest.energyUnits -= part.energyUnits;
    if (!rest.priced || !part.priced) rest.priced = undefined;
    else rest.priced.costUnits -= part.priced.costUnits;
  }
  const figures = (part: Part) => ({
    energyWh: unitsToWh(part.energyUnits),
    ...(part.priced && { costMinor: minorOf(part.priced).costMinor }),
  });
  return ok({
    node: node.id,
    from: new Date(fromMin * 60_000).toISOString(),
    to: new Date(toMs).toISOString(),
    ...(deps.pricing && { currency: deps.pricing.currency }),
    categories: [...named, ['other', rest] as [DeviceCategory, Part]].map(([category, part]) => ({
      category,
      ...figures(part),
    })),
    total: figures(own),
  });
}
