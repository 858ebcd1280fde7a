import { useCallback, useState } from 'react';
import type { LedgerEntry, SiteNode } from '../../../shared/contract';
import { formatDateTime, formatEnergy } from '../format';
import { loadLedger } from '../state/actions';
import { useTree } from '../state/tree';

const LIMIT = 50;

/** What each decision means, in the words a facility manager would use. */
const KIND_TEXT: Record<LedgerEntry['kind'], string> = {
  baseline: 'First reading: the starting point, nothing counted',
  duplicate: 'The same reading again: ignored',
  'out-of-order': 'Older than a reading already counted: ignored (the newer one includes it)',
  'stale-retained': 'An old copy the broker kept: ignored',
  'no-change': 'No change',
  reset: 'The counter restarted (reboot or reset): counted from zero',
  'dip-ignored': 'Lower without a sign of a reset: ignored, the higher value kept',
  unavailable: 'The device had no value yet (just rebooted)',
  rejected: 'Refused',
  gap: 'First reading after the device was away: booked as one interval, shown as a gap',
  rebased:
    'Three consistent jumps in a row: a swapped device or counter, so counting restarts here without the jump',
  role: 'Metering role changed: its energy counts this way from here on; what came before stays as counted',
};

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
        <h3>Why this number</h3>
      </summary>
      {state.status === 'error' && (
        <p className="callout" role="alert">
          The ledger could not be read: {state.message}
        </p>
      )}
      {(state.status === 'ready' || state.status === 'loading') && state.entries.length === 0 && (
        <p className="muted">
          {state.status === 'loading'
            ? 'Reading the ledger…'
            : 'Every reading so far was a plain rise: nothing to explain.'}
        </p>
      )}
      {'entries' in state && state.entries.length > 0 && (
        <>
          <table className="ledger-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Channel</th>
                <th scope="col">What happened</th>
                <th scope="col">Before → reading</th>
                <th scope="col">Counted</th>
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
                    {e.counter === 'return' ? ' · Returned' : ''}
                  </td>
                  <td>
                    {KIND_TEXT[e.kind]}
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
            The newest {LIMIT} decisions at most; plain rises are not listed.{' '}
            <button type="button" className="tool" data-testid="ledger-refresh" onClick={() => void load()}>
              Refresh
            </button>
          </p>
        </>
      )}
    </details>
  );
}
