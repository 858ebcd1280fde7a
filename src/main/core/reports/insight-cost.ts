/**
 * The money behind insight.get's figures (issue #18): each figure's energy priced from the same
 * buckets it was read from (hours and above from the priced twins, minutes priced as they are
 * read, as history.query does), added exactly in cost units and rounded once. A sum is only
 * given when every unit of its energy was priced: a cost of part of the energy would read as the
 * cost of all of it.
 */
import { toMinor } from '../cost/cost-engine';
import { addSum, emptySum, type PricedSum } from '../cost/priced-rollups';
import type { Resolution } from '../store/calendar';
import { bucketCosts, wholePricedSum } from './bucket-cost';
import type { Bucket, HistoryDeps } from './history';

const MINUTE = 60_000;

/** The priced sum of a node's buckets; null without a tariff or when any unit had no price. */
export async function pricedBuckets(
  deps: HistoryDeps,
  node: string,
  buckets: readonly Bucket[],
  resolution: Resolution,
): Promise<PricedSum | null> {
  const costs = await bucketCosts(deps, node, buckets, resolution);
  return (costs && wholePricedSum(buckets, costs)) ?? null;
}

/** Two priced parts of one figure: priced only when both are. */
export const joined = (a: PricedSum | null, b: PricedSum | null): PricedSum | null => {
  if (!a || !b) return null;
  const sum = emptySum();
  addSum(sum, a);
  addSum(sum, b);
  return sum;
};

export const costMinorOf = (sum: PricedSum | null): number | undefined =>
  sum ? toMinor(sum.costUnits) : undefined;

/** now against before, exactly, in per cent; null when before cost nothing. */
export const costPct = (now: bigint, before: bigint): number | null =>
  before === 0n ? null : (Number(now - before) / Number(before)) * 100;

/**
 * A steady load through [fromMs, toMs): `units` every `perMinutes` minutes, each minute at the
 * import price in force then, in cost units × `perMinutes` (kept whole: the minute's share of
 * `units` need not be). Null when a minute has no price.
 */
export function steadyLoadCost(
  deps: HistoryDeps,
  units: number,
  perMinutes: number,
  fromMs: number,
  toMs: number,
): { scaledCostUnits: bigint; scale: bigint } | null {
  const pricing = deps.pricing;
  if (!pricing) return null;
  // The cost of one unit in each minute is that minute's import price: their sum prices the load.
  let pricePerUnit = 0n;
  for (let m = fromMs; m < toMs; m += MINUTE) {
    const priced = pricing.priceMinute(m, 1, 0);
    if (!priced) return null;
    pricePerUnit += priced.costUnits;
  }
  return { scaledCostUnits: BigInt(units) * pricePerUnit, scale: BigInt(perMinutes) };
}
