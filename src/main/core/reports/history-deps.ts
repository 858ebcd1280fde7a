/** What the history reports read from, and the bucket they read it into (history.ts and its helpers). */
import type { RollupPricing } from '../cost/priced-rollups';
import type { SiteRegistry } from '../site/registry';
import type { Calendar } from '../store/calendar';
import type { HistoryReader } from '../store/history-reader';
import type { KeyIndex } from '../store/key-index';
import type { Store } from '../store/store';

export interface HistoryDeps {
  store: Store;
  /** Minute rows and rollups: on a snapshot of their own for heavy reads (history-snapshot.ts). */
  reads: HistoryReader;
  registry: SiteRegistry;
  calendar: Calendar;
  nodeIds: KeyIndex;
  /** The tariff's priced rollups; null without a tariff. */
  pricing: RollupPricing | null;
}

export interface Bucket {
  startMs: number;
  endMs: number;
  energyUnits: number;
  returnedUnits: number;
}
