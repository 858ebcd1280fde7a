import { useMemo, useState } from 'react';
import { kindLabel } from '../../format';
import { allOff, relaysToSwitchOff, type AllOffProgress } from '../../state/actions';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { Dialog } from './Dialog';

const LISTED = 8;

/** "All off" for a room, office or company: says how many relays it will switch, then does it. */
export function AllOffDialog({ nodeId }: { nodeId: string }) {
  const close = useUi((s) => s.closeDialog);
  const node = useTree((s) => s.byId[nodeId]);
  // Fixed when the dialog opens: the confirmation names exactly what will be switched.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const channels = useMemo(() => (node ? relaysToSwitchOff(node) : []), [nodeId]);
  const [progress, setProgress] = useState<AllOffProgress | null>(null);
  const isRunning = progress !== null && progress.done < progress.total;
  const isDone = progress !== null && progress.done === progress.total;
  const where = node ? `${kindLabel(node.kind).toLowerCase()} ${node.path.join(' / ') || node.name}` : '';
  const count = channels.length;
  const relays = `${count} ${count === 1 ? 'relay' : 'relays'}`;

  const run = async (): Promise<void> => {
    if (progress || count === 0) return;
    setProgress({ done: 0, total: count, failed: [] });
    await allOff(channels, setProgress);
  };

  return (
    <Dialog
      title={count > 0 ? `Switch off ${relays}?` : 'Nothing to switch off'}
      testId="all-off-dialog"
      onClose={close}
      onSubmit={() => void run()}
      actions={
        isDone || count === 0 ? (
          <button type="button" className="primary" onClick={close} data-testid="all-off-close">
            Close
          </button>
        ) : (
          <>
            <button type="button" onClick={close} disabled={isRunning}>
              Cancel
            </button>
            <button
              type="submit"
              className="primary danger"
              disabled={isRunning}
              data-testid="confirm-all-off"
            >
              {isRunning ? `Switching… ${progress?.done ?? 0} of ${count}` : `Switch off ${relays}`}
            </button>
          </>
        )
      }
    >
      {count === 0 ? (
        <p>Every relay in the {where} is already off.</p>
      ) : (
        <>
          <p data-testid="all-off-summary" data-count={count}>
            This switches off {relays} in the {where} that {count === 1 ? 'is' : 'are'} on or in an unknown
            state. Whatever they power stops.
          </p>
          <ul className="plain-list">
            {channels.slice(0, LISTED).map((c) => (
              <li key={c.id}>{c.path.slice(-2).join(' · ')}</li>
            ))}
            {count > LISTED && <li className="muted">and {count - LISTED} more</li>}
          </ul>
        </>
      )}
      {progress && (
        <p
          role="status"
          data-testid="all-off-progress"
          data-done={progress.done}
          data-failed={progress.failed.length}
        >
          {isDone
            ? progress.failed.length === 0
              ? `All ${relays} confirmed off.`
              : `${progress.total - progress.failed.length} of ${count} confirmed off; ${progress.failed.length} failed:`
            : `Switched ${progress.done} of ${count}…`}
        </p>
      )}
      {progress && progress.failed.length > 0 && (
        <ul className="plain-list field-problem">
          {progress.failed.map((f) => (
            <li key={f.channel.id}>
              {f.channel.path.slice(-2).join(' · ')}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
