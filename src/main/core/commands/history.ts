/** Commands that read the past from the file: history, reports and the ledger. */
import { csvReport } from '../reports/csv-report';
import { historyQuery } from '../reports/history';
import { ledgerQuery } from '../reports/ledger';
import { reportSummary } from '../reports/summary';
import type { SiteRegistry } from '../site/registry';
import type { BatchWriter } from '../store/batch-writer';
import type { Calendar } from '../store/calendar';
import type { KeyIndex } from '../store/key-index';
import type { Store } from '../store/store';
import type { CommandPart } from './part';

export interface HistoryCommandDeps {
  store: Store;
  registry: SiteRegistry;
  calendar: Calendar;
  nodeIds: KeyIndex;
  writer: BatchWriter;
}

export function historyCommands(
  deps: HistoryCommandDeps,
): CommandPart<'history.query' | 'report.csv' | 'report.summary' | 'ledger.query'> {
  const { store, registry, calendar, nodeIds, writer } = deps;
  // Queries read the file: what is pending is committed first so an answer includes the last
  // readings (and, for the ledger, the decisions about them).
  const committed = () => {
    writer.flush();
    return { store, registry, calendar, nodeIds };
  };
  return {
    'history.query': (params) => historyQuery(committed(), params),
    'report.csv': (params) => csvReport(committed(), params),
    'report.summary': (params) => reportSummary(committed(), params),
    'ledger.query': (params) => {
      committed();
      return ledgerQuery(store, registry, params);
    },
  };
}
