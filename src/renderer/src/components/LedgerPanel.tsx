import { useCallback, useState } from 'react';
import type { LedgerEntry, SiteNode } from '../../../shared/contract';
import { formatDateTime, formatEnergy } from '../format';
import { loadLedger } from '../state/actions';
import { t, type MessageKey } from '../i18n/words';
import { useTree } from '../state/tree';

const LIMIT = 50;

/** What each decision means, in the words a facility manager would use. */
const KIND_TEXT: Record<LedgerEntry['kind'], MessageKey> = {
  baseline: 'details.ledger.kind.baseline',
  duplicate: 'details.ledger.kind.duplicate',
  'out-of-order': 'details.ledger.kind.outOfOrder',
  'stale-retained': 'details.ledger.kind.staleRetained',
  'no-change': 'details.ledger.kind.noChange',
  reset: 'details.ledger.kind.reset',
  'dip-ignored': 'details.ledger.kind.dipIgnored',
  unavailable: 'details.ledger.kind.unavailable',
  rejected: 'details.ledger.kind.rejected',
  gap: 'details.ledger.kind.gap',
  rebased: 'details.ledger.kind.rebased',
  role: 'details.ledger.kind.role',
};

// A kind newer than this renderer is shown as the core names it.
const kindText = (kind: LedgerEntry['kind']): string =>
  (KIND_TEXT as Partial<Record<string, MessageKey>>)[kind] ? t(KIND_TEXT[kind]) : kind;

const wh = (v: number | null): string => (v === null ? '—' : formatEnergy(v));
/** The channel as the tree names it; its key only for a channel the tree no longer has. */
const channelOf = (id: string, byId: Record<string, SiteNode>): string =>
  byId[id]?.name ?? id.slice(id.lastIndexOf('|') + 1);

type State =
  | { status: 'closed' }
  | { status: 'loading'; entries: LedgerEntry[] }
  | { status: 'ready'; entries: LedgerEntry[] }
  | { status: 'error'; message: string };

/**
 * "Why this number": the newest decisions the energy engine took under the node, other than plain
 * rises. Loaded only when opened, so a busy tree costs nothing. Keyed by node where it is used, so
 * selecting another node starts closed.
 */
export function LedgerPanel({ nodeId }: { nodeId: string }) {
  const [state, setState] = useState<State>({ status: 'closed' });
  const byId = useTree((s) => s.byId);
  const load = useCallback(async () => {
    setState((s) => ({ status: 'loading', entries: 'entries' in s ? s.entries : [] }));
    const reply = await loadLedger(nodeId, LIMIT);
    setState(
      reply.ok
        ? { status: 'ready', entries: reply.value }
        : { status: 'error', message: reply.error.message },
    );
  }, [nodeId]);

  return (
    <details
      className="panel-block ledger"
      data-testid="ledger"
      data-status={state.status}
      open={state.status !== 'closed'}
      onToggle={(e) => {
        const isOpen = (e.currentTarget as HTMLDetailsElement).open;
        if (isOpen && state.status === 'closed') void load();
        if (!isOpen && state.status !== 'closed') setState({ status: 'closed' });
      }}
    >
      <summary>
        <h3>{t('details.ledger.title')}</h3>
      </summary>
      {state.status === 'error' && (
        <p className="callout" role="alert">
          {t('details.ledger.error', { message: state.message })}
        </p>
      )}
      {(state.status === 'ready' || state.status === 'loading') && state.entries.length === 0 && (
        <p className="muted">
          {state.status === 'loading' ? t('details.ledger.loading') : t('details.ledger.empty')}
        </p>
      )}
      {'entries' in state && state.entries.length > 0 && (
        <>
          <table className="ledger-table">
            <thead>
              <tr>
                <th scope="col">{t('details.ledger.when')}</th>
                <th scope="col">{t('details.ledger.channel')}</th>
                <th scope="col">{t('details.ledger.what')}</th>
                <th scope="col">{t('details.ledger.values')}</th>
                <th scope="col">{t('details.ledger.counted')}</th>
              </tr>
            </thead>
            <tbody>
              {state.entries.map((e, i) => (
                <tr
                  key={`${e.at}|${e.channel}|${e.counter}|${i}`}
                  data-testid="ledger-entry"
                  data-kind={e.kind}
                >
                  <td>{formatDateTime(e.at)}</td>
                  <td>
                    {channelOf(e.channel, byId)}
                    {e.counter === 'return' ? ` · ${t('details.ledger.returned')}` : ''}
                  </td>
                  <td>
                    {kindText(e.kind)}
                    {e.reason ? ` (${e.reason})` : ''}
                  </td>
                  <td>
                    {wh(e.previousWh)} → {wh(e.valueWh)}
                  </td>
                  <td>{formatEnergy(e.countedWh)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            {t('details.ledger.limit', { count: LIMIT })}{' '}
            <button type="button" className="tool" data-testid="ledger-refresh" onClick={() => void load()}>
              {t('details.ledger.refresh')}
            </button>
          </p>
        </>
      )}
    </details>
  );
}
