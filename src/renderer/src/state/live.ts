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
  /** Pushes carry only the nodes that changed, so they are merged into what is known. */
  merge: (totals: NodeTotals[], at?: string) => void;
}

export const useLive = create<LiveStore>()((set) => ({
  byId: {},
  at: null,
  version: 0,
  merge: (totals, at) =>
    set((s) => {
      for (const total of totals) s.byId[total.id] = total;
      return { version: s.version + 1, at: at ?? s.at };
    }),
}));
