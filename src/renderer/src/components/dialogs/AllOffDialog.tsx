import { useMemo, useState } from 'react';
import type { NodeKind } from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n/words';
import { allOff, relaysToSwitchOff, type AllOffProgress } from '../../state/actions';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { Dialog } from './Dialog';

const LISTED = 8;

const IN_PLACE: Record<NodeKind, MessageKey> = {
  company: 'dialogs.allOff.in.company',
  office: 'dialogs.allOff.in.office',
  room: 'dialogs.allOff.in.room',
  device: 'dialogs.allOff.in.device',
  channel: 'dialogs.allOff.in.channel',
  unassigned: 'dialogs.allOff.in.unassigned',
};

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
  const where = node ? t(IN_PLACE[node.kind], { path: node.path.join(' / ') || node.name }) : '';
  const count = channels.length;

  const run = async (): Promise<void> => {
    if (progress || count === 0) return;
    setProgress({ done: 0, total: count, failed: [] });
    await allOff(channels, setProgress);
  };

  return (
    <Dialog
      title={count > 0 ? t('dialogs.allOff.title', { count }) : t('dialogs.allOff.nothing')}
      testId="all-off-dialog"
      onClose={close}
      onSubmit={() => void run()}
      actions={
        isDone || count === 0 ? (
          <button type="button" className="primary" onClick={close} data-testid="all-off-close">
            {t('dialogs.close')}
          </button>
        ) : (
          <>
            <button type="button" onClick={close} disabled={isRunning}>
              {t('dialogs.cancel')}
            </button>
            <button
              type="submit"
              className="primary danger"
              disabled={isRunning}
              data-testid="confirm-all-off"
            >
              {isRunning
                ? t('dialogs.allOff.switching', { done: progress?.done ?? 0, count })
                : t('dialogs.allOff.confirm', { count })}
            </button>
          </>
        )
      }
    >
      {count === 0 ? (
        <p>{t('dialogs.allOff.alreadyOff', { where })}</p>
      ) : (
        <>
          <p data-testid="all-off-summary" data-count={count}>
            {t('dialogs.allOff.summary', { count, where })}
          </p>
          <ul className="plain-list">
            {channels.slice(0, LISTED).map((c) => (
              <li key={c.id}>{c.path.slice(-2).join(' · ')}</li>
            ))}
            {count > LISTED && (
              <li className="muted">{t('dialogs.allOff.more', { count: count - LISTED })}</li>
            )}
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
              ? t('dialogs.allOff.confirmed', { count })
              : t('dialogs.allOff.partial', {
                  off: progress.total - progress.failed.length,
                  count,
                  failed: progress.failed.length,
                })
            : t('dialogs.allOff.progress', { done: progress.done, count })}
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
