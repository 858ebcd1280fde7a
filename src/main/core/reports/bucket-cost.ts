/**
 * What a node's buckets cost (issue #18): hours and above from the priced twins kept beside the
 * rollups (cost/priced-rollups.ts), minutes priced as they are read. A bucket has cost figures
 * only when its twins account for every unit of its energy: part of a bucket counted before the
 * tariff (or its first period) has no price, and a cost of part of it would read as the whole.
 */
import { toMinor } from '../cost/cost-engine';
import { addSum, emptySum, minorOf, RollupPricing, type PricedSum } from '../cost/priced-rollups';
import type { Resolution } from '../store/calendar';
import type { Bucket, HistoryDeps } from './history-deps';

type Energy = Pick<Bucket, 'energyUnits' | 'returnedUnits'>;

export interface CostFigures {
  costMinor?: number;
  exportCreditMinor?: number;
}

/** Priced sums by bucket start; null without a tariff. */
export async function bucketCosts(
  deps: HistoryDeps,
  node: string,
  buckets: readonly Bucket[],
  resolution: Resolution,
): Promise<Map<number, PricedSum> | null> {
  const pricing = deps.pricing;
  if (!pricing) return null;
  const out = new Map<number, PricedSum>();
  if (resolution === 'minute') {
    for (const b of buckets) {
      const priced = pricing.priceMinute(b.startMs, b.energyUnits, b.returnedUnits);
      if (priced) out.set(b.startMs, priced);
    }
    return out;
  }
  const id = deps.nodeIds.get(node);
  const first = buckets[0];
  const last = buckets.at(-1);
  if (id === undefined || !first || !last) return out;
  // By start: a role series' rollup buckets carry no end.
  const fromMin = Math.floor(first.startMs / 60_000);
  const toMin = Math.floor(last.startMs / 60_000) + 1;
  for (const [rateKey, twin] of pricing.twinsOf(id)) {
    for (const row of await deps.reads.rollupRows(resolution, twin, fromMin, toMin)) {
      const startMs = row.startMin * 60_000;
      let sum = out.get(startMs);
      if (!sum) out.set(startMs, (sum = emptySum()));
      RollupPricing.add(sum, rateKey, row.energyUnits, row.returnedUnits);
    }
  }
  return out;
}

const isEmpty = (e: Energy): boolean => e.energyUnits === 0 && e.returnedUnits === 0;

/** A bucket's cost figures, when every unit of its energy was priced; none otherwise. */
export function costFigures(bucket: Energy, priced: PricedSum | undefined): CostFigures {
  if (!priced) return isEmpty(bucket) ? { costMinor: 0, exportCreditMinor: 0 } : {};
  if (priced.energyUnits !== bucket.energyUnits || priced.returnedUnits !== bucket.returnedUnits) return {};
  return minorOf(priced);
}

/** The exact priced sum of several buckets; undefined when any of them was not wholly priced. */
export function wholePricedSum(
  buckets: readonly Bucket[],
  costs: ReadonlyMap<number, PricedSum>,
): PricedSum | undefined {
  const total = emptySum();
  for (const b of buckets) {
    const priced = costs.get(b.startMs);
    if (isEmpty(b) && !priced) continue;
    if (!priced || costFigures(b, priced).costMinor === undefined) return undefined;
    addSum(total, priced);
  }
  return total;
}

/** The figures of several buckets together, rounded once; none when any of them has none. */
export function totalCostFigures(
  buckets: readonly Bucket[],
  costs: ReadonlyMap<number, PricedSum>,
): CostFigures {
  const total = wholePricedSum(buckets, costs);
  return total ? minorOf(total) : {};
}

/**
 * The cost of what no sub-meter measured under a main meter: the supply's cost less the metered
 * loads' (each priced at its own minutes), rounded once; none unless both were wholly priced.
 */
export function unmeteredCost(
  supply: Bucket | undefined,
  supplyCost: PricedSum | undefined,
  loads: Bucket | undefined,
  loadsCost: PricedSum | undefined,
): { unmeteredCostMinor?: number } {
  if (!supply || costFigures(supply, supplyCost).costMinor === undefined) return {};
  const loadsUnits = loads
    ? costFigures(loads, loadsCost).costMinor === undefined
      ? undefined
      : (loadsCost?.costUnits ?? 0n)
    : 0n;
  if (loadsUnits === undefined) return {};
  return { unmeteredCostMinor: toMinor((supplyCost?.costUnits ?? 0n) - loadsUnits) };
}
