/**
 * `totals.live`: coalesced, at most one push per interval (≤ 4/s), carrying only the nodes whose
 * numbers changed since the last push. Only the nodes the site's totals worked out again since the
 * last push are compared (aggregate/site-totals.ts); the first push carries every node.
 */
import type { NodeTotals } from '../../shared/contract';
import type { SiteTotals } from './aggregate/site-totals';
import { isSameElectrical } from './site/electrical';

const isSameTotals = (a: NodeTotals, b: NodeTotals): boolean =>
  a.energyWh === b.energyWh &&
  a.returnedWh === b.returnedWh &&
  a.powerW === b.powerW &&
  a.todayWh === b.todayWh &&
  a.since === b.since &&
  a.devices === b.devices &&
  a.reporting === b.reporting &&
  a.productionWh === b.productionWh &&
  a.unmeteredWh === b.unmeteredWh &&
  a.exportWh === b.exportWh &&
  a.selfConsumptionWh === b.selfConsumptionWh &&
  a.hasMain === b.hasMain &&
  isSameElectrical(a.electrical, b.electrical);

export class LiveTotals {
  private readonly last = new Map<string, NodeTotals>();
  private hasPushed = false;

  constructor(
    private readonly deps: {
      site: SiteTotals;
      clock: () => number;
      push(nodes: NodeTotals[]): void;
    },
  ) {}

  /** Pushes the nodes that changed; the first push carries every node. */
  push(): void {
    const nowMs = this.deps.clock();
    const { current, touched } = this.deps.site.takeTouched(nowMs);
    const ids = this.hasPushed ? touched : current.keys();
    this.hasPushed = true;
    const changed: NodeTotals[] = [];
    for (const id of ids) {
      const t = current.get(id);
      if (!t) {
        this.last.delete(id);
        continue;
      }
      const last = this.last.get(id);
      if (!last || !isSameTotals(last, t)) changed.push(t);
      this.last.set(id, t);
    }
    if (changed.length > 0) this.deps.push(changed);
  }
}
