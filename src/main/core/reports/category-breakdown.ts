/**
 * `categories.breakdown`: a place's energy (and cost) per device category over a period (issue
 * #18 item 5). The named categories come from the rollups kept under `category:<c>:<place>` as
 * the energy was counted (booking-targets.ts); `other` is the place's energy less them, so the
 * categories add up to the place's total exactly (under a main meter `other` also holds what no
 * sub-meter measured). Hours and above: a range inside an hour reads that whole hour.
 */
import { DEVICE_CATEGORIES, type CategoryBreakdown, type ParsedParams } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { minorOf, type PricedSum } from '../cost/priced-rollups';
import type { Rollup } from '../store/calendar';
import { unitsToWh } from '../units';
import { bucketCosts, wholePricedSum } from './bucket-cost';
import { categorySeries } from './category-series';
import { nodeBuckets, placeOf, resolveQuery, type Bucket, type HistoryDeps } from './history';

/** A period's energy and, when every unit of it was priced, its priced sum. */
function periodOf(buckets: readonly Bucket[], costs: ReadonlyMap<number, PricedSum> | null) {
  const priced = costs ? wholePricedSum(buckets, costs) : undefined;
  return {
    energyWh: unitsToWh(buckets.reduce((sum, b) => sum + b.energyUnits, 0)),
    ...(priced && { costMinor: minorOf(priced).costMinor }),
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
  const own = await nodeBuckets(deps, node, fromMs, toMs, resolution);
  const ownCosts = await bucketCosts(deps, node.id, own, resolution);
  // The per-bucket series report.csv's perCategory gives, summed over the period: `other` is the
  // place less the named categories bucket by bucket, so the two always agree.
  const series = new Map(
    (await categorySeries(deps, node, own, ownCosts, fromMs, toMs, resolution)).map((s) => [s.category, s]),
  );
  // A category with no rows: nothing, which with a tariff costs exactly nothing.
  const none = { buckets: [], costs: deps.pricing ? new Map<number, PricedSum>() : null };
  return ok({
    node: node.id,
    from: new Date(fromMin * 60_000).toISOString(),
    to: new Date(toMs).toISOString(),
    ...(deps.pricing && { currency: deps.pricing.currency }),
    categories: DEVICE_CATEGORIES.map((category) => {
      const { buckets, costs } = series.get(category) ?? none;
      return { category, ...periodOf(buckets, costs) };
    }),
    total: periodOf(own, ownCosts),
  });
}
