import { create } from 'zustand';
import type { NodeTotals } from '../../../shared/contract';

interface LiveStore {
  byId: Record<string, NodeTotals>;
  /** Time of the last `totals.live` push. */
  at: string | null;
  /** Pushes carry only the nodes that changed, so they are merged into what is known. */
  merge: (totals: NodeTotals[], at?: string) => void;
}

export const useLive = create<LiveStore>()((set) => ({
  byId: {},
  at: null,
  merge: (totals, at) =>
    set((s) => {
      const byId = { ...s.byId };
      for (const total of totals) byId[total.id] = total;
      return { byId, at: at ?? s.at };
    }),
}));
