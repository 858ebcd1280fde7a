/**
 * `totals.live`: coalesced, at most one push per interval (≤ 4/s), carrying only the nodes whose
 * numbers changed since the last push. Nothing is computed while nothing was read or moved.
 */
import type { NodeTotals } from '../../shared/contract';
import { isSameElectrical } from './site/electrical';

const isSameTotals = (a: NodeTotals, b: NodeTotals): boolean =>
  a.energyWh === b.energyWh &&
  a.returnedWh === b.returnedWh &&
  a.powerW === b.powerW &&
  a.devices === b.devices &&
  a.reporting === b.reporting &&
  isSameElectrical(a.electrical, b.electrical);

export class LiveTotals {
  private last = new Map<string, NodeTotals>();
  private isDirty = false;

  constructor(
    private readonly deps: {
      /** Every node's totals now. */
      snapshot(): Map<string, NodeTotals>;
      push(nodes: NodeTotals[]): void;
    },
  ) {}

  /** Something was read or moved: the next push looks again. */
  markChanged(): void {
    this.isDirty = true;
  }

  /** Pushes the nodes that changed; the first push carries every node. */
  push(): void {
    if (!this.isDirty && this.last.size > 0) return;
    this.isDirty = false;
    const now = this.deps.snapshot();
    const changed: NodeTotals[] = [];
    for (const [id, t] of now) {
      const last = this.last.get(id);
      if (!last || !isSameTotals(last, t)) changed.push(t);
    }
    this.last = now;
    if (changed.length > 0) this.deps.push(changed);
  }
}
