import { create } from 'zustand';
import type { HistoryResult } from '../../../shared/contract';
import type { Span } from '../ranges';

export interface ChildSeries {
  id: string;
  label: string;
  result: HistoryResult;
}

/** What the energy chart shows for one node and range, exactly as the core returned it. */
export interface EnergyView {
  key: string;
  nodeId: string;
  span: Span;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** The node's own history: its total per bucket. */
  total: HistoryResult | null;
  /** One series per child (the largest first), stacked. */
  children: ChildSeries[];
  /** Children too small to get a series of their own (they are still in the total line). */
  otherChildren: number;
  previous: HistoryResult | null;
  previousSpan: Span | null;
  /** When these numbers were fetched (epoch ms). */
  loadedAtMs: number;
}

/** This week's and this month's energy of a node, one core bucket each. */
export interface PeriodView {
  nodeId: string;
  weekWh: number | null;
  monthWh: number | null;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

interface HistoryStore {
  energy: EnergyView | null;
  periods: PeriodView | null;
  setEnergy: (view: EnergyView) => void;
  setPeriods: (view: PeriodView) => void;
}

export const useHistory = create<HistoryStore>()((set) => ({
  energy: null,
  periods: null,
  setEnergy: (energy) => set({ energy }),
  setPeriods: (periods) => set({ periods }),
}));
