/**
 * A node's cost this local month so far, for its published aggregate (issue #18). The month, not
 * the aggregate's cumulative energy: that runs from `since`, often from before any tariff, and a
 * cost of part of it would read as the whole. Only when every unit of the month's energy was
 * priced, as in history.query.
 */
import { emptySum, RollupPricing } from '../cost/priced-rollups';
import { costFigures } from '../reports/bucket-cost';
import type { Calendar } from '../store/calendar';
import type { KeyIndex } from '../store/key-index';
import type { Store } from '../store/store';

export interface MonthCostDeps {
  store: Store;
  calendar: Calendar;
  nodeIds: KeyIndex;
  pricing: RollupPricing;
}

export interface MonthCost {
  /** Consumption this local month so far at the import prices, in whole minor units. */
  monthCostMinor: number;
  currency: string;
}

export function monthCost(deps: MonthCostDeps, node: string, nowMs: number): MonthCost | undefined {
  const id = deps.nodeIds.get(node);
  if (id === undefined) return undefined;
  const start = deps.calendar.starts(Math.floor(nowMs / 60_000)).month;
  const own = deps.store.rollupRows('month', id, start, start + 1)[0] ?? { energyUnits: 0, returnedUnits: 0 };
  const priced = emptySum();
  let isPriced = false;
  for (const [rateKey, twin] of deps.pricing.twinsOf(id)) {
    for (const row of deps.store.rollupRows('month', twin, start, start + 1)) {
      RollupPricing.add(priced, rateKey, row.energyUnits, row.returnedUnits);
      isPriced = true;
    }
  }
  const { costMinor } = costFigures(own, isPriced ? priced : undefined);
  return costMinor === undefined ? undefined : { monthCostMinor: costMinor, currency: deps.pricing.currency };
}
