/** Commands that read the past from the file: history, reports and the ledger. */
import type { ParsedParams } from '../../../shared/contract';
import type { RollupPricing } from '../cost/priced-rollups';
import { categoryBreakdown } from '../reports/category-breakdown';
import { csvReport } from '../reports/csv-report';
import { historyQuery, type HistoryDeps } from '../reports/history';
import { insightOf, type NightWindow } from '../reports/insight';
import { ledgerQuery } from '../reports/ledger';
import { reportSummary } from '../reports/summary';
import type { SiteRegistry } from '../site/registry';
import type { BatchWriter } from '../store/batch-writer';
import type { Calendar } from '../store/calendar';
import { directReads, openSnapshot, type HistorySnapshot } from '../store/history-snapshot';
import type { KeyIndex } from '../store/key-index';
import type { Store } from '../store/store';
import type { CommandPart } from './part';

export interface HistoryCommandDeps {
  store: Store;
  registry: SiteRegistry;
  calendar: Calendar;
  nodeIds: KeyIndex;
  writer: BatchWriter;
  clock(): number;
  /** insight.get's night window. */
  night: NightWindow;
  /** Minute retention now (settings): older stretches are read by the hour. */
  minuteDays(): number;
  /** The tariff's priced rollups now; null without a tariff (no cost anywhere). */
  pricing(): RollupPricing | null;
}

/**
 * A history query reads minute rows over more than this span (ms) on a snapshot of its own, in
 * slices; shorter ones, and every rollup read, take a few milliseconds on the writer's connection.
 */
const LIGHT_MINUTE_SPAN_MS = 86_400_000;

const isLight = (params: ParsedParams<'history.query'>): boolean =>
  params.resolution !== 'minute' || Date.parse(params.to) - Date.parse(params.from) <= LIGHT_MINUTE_SPAN_MS;

export function historyCommands(
  deps: HistoryCommandDeps,
): CommandPart<
  'history.query' | 'report.csv' | 'report.summary' | 'ledger.query' | 'insight.get' | 'categories.breakdown'
> {
  const { store, registry, calendar, nodeIds, writer } = deps;
  /**
   * Queries read the file: what is pending is committed first so an answer includes the last
   * readings (and, for the ledger, the decisions about them). Reports are heavy reads (per-child
   * minutes, a year of rows to format): they run on a snapshot, breathing between slices, so the
   * core keeps counting and answering while they run.
   */
  const reading = async <T>(heavy: boolean, read: (d: HistoryDeps) => Promise<T>): Promise<T> => {
    writer.flush();
    const snapshot: HistorySnapshot = heavy ? openSnapshot(store) : directReads(store);
    try {
      return await read({
        store,
        reads: snapshot.reader,
        registry,
        calendar,
        nodeIds,
        pricing: deps.pricing(),
      });
    } finally {
      snapshot.close();
    }
  };
  return {
    'history.query': (params) => reading(!isLight(params), (d) => historyQuery(d, params)),
    'report.csv': (params) => reading(true, (d) => csvReport(d, params)),
    'report.summary': (params) => reading(true, (d) => reportSummary(d, params)),
    // A few rollup reads per category: on the writer's connection, like a light history query.
    'categories.breakdown': (params) => reading(false, (d) => categoryBreakdown(d, params)),
    // A dozen reads of rollups and minutes: on a snapshot, like a report.
    'insight.get': ({ node }) => {
      const nowMs = deps.clock();
      return reading(true, (d) =>
        insightOf(
          { ...d, nowMs, night: deps.night, minutesKeptFromMs: nowMs - deps.minuteDays() * 86_400_000 },
          node,
        ),
      );
    },
    'ledger.query': (params) => {
      writer.flush();
      return ledgerQuery(store, registry, params);
    },
  };
}
