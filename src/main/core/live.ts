/**
 * `totals.live`: coalesced, at most one push per interval (≤ 4/s), carrying only the nodes whose
 * numbers changed since the last push. Only the nodes the site's totals worked out again since the
 * last push are compared (aggregate/site-totals.ts); the first push carries every node.
 *
 * Pushes are numbered, and a snapshot (totals.get) says which push it stands at. A console reads
 * snapshots and pushes on different paths (an HTTP reply and the WebSocket; an IPC reply and an
 * IPC event), so a snapshot can reach it after a newer push; without the number the older snapshot
 * won, and since pushes carry only changes, the row stayed wrong until the node changed again.
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

export interface LiveSnapshot {
  totals: NodeTotals[];
  /** The push these totals stand at: what that push left, nothing newer. */
  seq: number;
}

export class LiveTotals {
  private readonly last = new Map<string, NodeTotals>();
  private hasPushed = false;
  /** The last push's number; one less than the first one's before any push. */
  private seq: number;

  constructor(
    private readonly deps: {
      site: SiteTotals;
      clock: () => number;
      push(nodes: NodeTotals[], seq: number): void;
      /**
       * The first push's number (default 1). An engine started again after a crash goes on from
       * the last number its consoles heard, so a snapshot it takes is never ranked below a push of
       * the engine before it.
       */
      firstSeq?: number;
    },
  ) {
    this.seq = (deps.firstSeq ?? 1) - 1;
  }

  /**
   * Every node's totals and the push they stand at. What changed since the last push is pushed
   * first: a snapshot newer than its push could hold a value that a later push, comparing with
   * what it last sent, would never send (a power that went up and back down).
   */
  snapshot(): LiveSnapshot {
    this.push();
    return { totals: [...this.last.values()], seq: this.seq };
  }

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
    if (changed.length > 0) this.deps.push(changed, ++this.seq);
  }
}
