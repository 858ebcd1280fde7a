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
  /**
   * For a range that runs through today: the core's total from the range's start to local
   * midnight. The chart's total is this plus the live today, so it moves with the tiles.
   */
  beforeTodayWh: number | null;
  /** The local midnight `beforeTodayWh` runs up to. */
  dayStartMs: number | null;
  /** When these numbers were fetched (epoch ms). */
  loadedAtMs: number;
}

/**
 * What today, this week and this month have cost so far, each a total the core added over its
 * history (`history.query` by the day from the period's start to now): the renderer adds no
 * money. Minor units (cents); null where the core gave none (a unit without a price).
 */
export interface PeriodCosts {
  status: 'ready' | 'error';
  /** The core's currency (ISO 4217); null without `[tariff]`, when nothing is shown. */
  currency: string | null;
  today: number | null;
  week: number | null;
  month: number | null;
  /** When these were asked for: they lag the live kWh until the next refresh. */
  asOfMs: number;
  error: string | null;
}

/**
 * This week's and this month's energy of a node before today, as the core totals the completed
 * days; the tiles add the live today to both, so today ≤ week ≤ month on every push.
 */
export interface PeriodView {
  nodeId: string;
  weekBeforeTodayWh: number | null;
  monthBeforeTodayWh: number | null;
  weekStartMs: number;
  monthStartMs: number;
  dayStartMs: number;
  /** The first stored bucket this month (by the day) or today (by the hour): where data begins. */
  firstStoredMs: number | null;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** The periods' cost; null until first loaded for this node and day. */
  costs: PeriodCosts | null;
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
