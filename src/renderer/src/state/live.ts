import { create } from 'zustand';
import type { NodeTotals } from '../../../shared/contract';

interface LiveStore {
  /**
   * Latest totals per node id. Updated in place: a site of 10,000 devices has ~30,000 nodes and
   * copying them four times a second would cost more than the update itself. Components select
   * one node's entry (`s.byId[id]`), which is a new object whenever that node changed.
   */
  byId: Record<string, NodeTotals>;
  /** Time of the last `totals.live` push. */
  at: string | null;
  /** Bumped on every merge, for the few readers that watch many nodes at once. */
  version: number;
  /** A `totals.live` push: it carries only the nodes that changed, so it is merged into what is known. */
  push: (nodes: NodeTotals[], seq: number, at: string) => void;
  /**
   * A snapshot (totals.get) standing at push `seq`. It travels apart from the pushes (a reply, not
   * the event stream) and can arrive after a newer one: a node that push carried keeps the push's
   * numbers, since pushes send only changes and no later one would mend it.
   */
  snapshot: (totals: NodeTotals[], seq: number) => void;
  /**
   * The event stream opened again and the snapshots are about to be asked for: every push heard
   * before is older than them, and a console process started again numbers its pushes from 1.
   */
  streamOpened: () => void;
}

/** The push each node's entry came from; plain, since nothing renders from it. */
const pushedAt = new Map<string, number>();

export const useLive = create<LiveStore>()((set) => ({
  byId: {},
  at: null,
  version: 0,
  push: (nodes, seq, at) =>
    set((s) => {
      for (const total of nodes) {
        s.byId[total.id] = total;
        pushedAt.set(total.id, seq);
      }
      return { version: s.version + 1, at };
    }),
  snapshot: (totals, seq) =>
    set((s) => {
      for (const total of totals) {
        if ((pushedAt.get(total.id) ?? -1) > seq) continue;
        s.byId[total.id] = total;
      }
      return { version: s.version + 1 };
    }),
  streamOpened: () => pushedAt.clear(),
}));
