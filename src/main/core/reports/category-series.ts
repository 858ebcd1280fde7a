/**
 * A place's buckets per device category, for `report.csv` with `perCategory`: each named category
 * from its rollups (`category:<c>:<place>`), then `other` as the place's buckets less them, so the
 * rows of a bucket add up to the place's (category-breakdown.ts gives the same over a whole period).
 */
import { DEVICE_CATEGORIES, type DeviceCategory } from '../../../shared/contract';
import { addSum, emptySum, type PricedSum } from '../cost/priced-rollups';
import { categoryNode } from '../site/booking-targets';
import type { ResolvedNode } from '../site/resolve-node';
import type { Rollup } from '../store/calendar';
import { bucketCosts, costFigures } from './bucket-cost';
import { nodeBuckets, type Bucket, type HistoryDeps } from './history';

export interface CategorySeries {
  category: DeviceCategory;
  buckets: Bucket[];
  /** Priced sums by bucket start (null without a tariff); `other`'s only where every part's is whole. */
  costs: Map<number, PricedSum> | null;
}

export async function categorySeries(
  deps: HistoryDeps,
  place: ResolvedNode,
  own: readonly Bucket[],
  /** `own`'s priced sums (bucketCosts), which the caller needs for the place's total too. */
  ownCosts: ReadonlyMap<number, PricedSum> | null,
  fromMs: number,
  toMs: number,
  resolution: Rollup,
): Promise<CategorySeries[]> {
  const out: CategorySeries[] = [];
  for (const category of DEVICE_CATEGORIES) {
    if (category === 'other') continue;
    const node = categoryNode(category, place.id);
    const buckets = await nodeBuckets(
      deps,
      { id: node, kind: place.kind, channels: [] },
      fromMs,
      toMs,
      resolution,
    );
    if (buckets.length === 0) continue;
    out.push({ category, buckets, costs: await bucketCosts(deps, node, buckets, resolution) });
  }
  const rest: Bucket[] = own.map((b) => ({ ...b }));
  const restCosts = ownCosts && new Map<number, PricedSum>();
  const byStart = new Map(rest.map((b) => [b.startMs, b]));
  for (const b of rest) {
    const priced = ownCosts?.get(b.startMs);
    if (restCosts && priced && costFigures(b, priced).costMinor !== undefined)
      restCosts.set(b.startMs, { ...priced });
  }
  for (const part of out) {
    for (const b of part.buckets) {
      let r = byStart.get(b.startMs);
      if (!r) {
        // Under a main meter a category's loads can fall in an hour the main meter's reading
        // does not: `other` is then negative there, as `unmetered` is.
        r = { startMs: b.startMs, endMs: b.endMs, energyUnits: 0, returnedUnits: 0 };
        rest.push(r);
        byStart.set(b.startMs, r);
        if (restCosts) restCosts.set(b.startMs, emptySum());
      }
      r.energyUnits -= b.energyUnits;
      r.returnedUnits -= b.returnedUnits;
      const left = restCosts?.get(b.startMs);
      const priced = part.costs?.get(b.startMs);
      if (!left) continue;
      if (!priced || costFigures(b, priced).costMinor === undefined) restCosts?.delete(b.startMs);
      else addSum(left, priced, -1);
    }
  }
  out.push({ category: 'other', buckets: rest.sort((a, b) => a.startMs - b.startMs), costs: restCosts });
  return out;
}
