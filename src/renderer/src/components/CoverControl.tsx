import { useState } from 'react';
import type { CoverAction, CoverState, SiteNode } from '../../../shared/contract';
import { moveCover } from '../state/actions';
import { t, type MessageKey } from '../i18n/words';
import { useCovers } from '../state/covers';
import { selectCover, useTree } from '../state/tree';

const STATE_WORDS: Record<CoverState, MessageKey> = {
  open: 'details.cover.state.open',
  closed: 'details.cover.state.closed',
  opening: 'details.cover.state.opening',
  closing: 'details.cover.state.closing',
  stopped: 'details.cover.state.stopped',
  calibrating: 'details.cover.state.calibrating',
};

/** What a pending command is doing, as one sentence each (a target only goes with "position"). */
const DOING: Record<CoverAction, MessageKey> = {
  open: 'details.cover.pending.open',
  close: 'details.cover.pending.close',
  stop: 'details.cover.pending.stop',
  position: 'details.cover.pending.position',
};

/**
 * One cover (blinds, shutters): its state and position, open/close/stop buttons and, once the
 * device is calibrated, a position to go to. Like a relay, a command stays pending until the
 * device's own status shows it under way, and says why when it did not.
 */
export function CoverControl({ channel }: { channel: SiteNode }) {
  const cover = useTree(selectCover(channel));
  const op = useCovers((s) => s.byChannel[channel.id]);
  const isPending = op?.status === 'pending';
  const failure = op?.status === 'failed' ? op : null;
  const [target, setTarget] = useState<number | null>(null);
  const position = cover.positionPct;
  const shownTarget = target ?? position ?? 0;
  const name = channel.path.length > 1 ? channel.path.slice(-2).join(' ') : channel.name;
  const send = (action: CoverAction, to?: number): void => {
    if (isPending) return;
    void moveCover(channel.id, action, to).then(() => setTarget(null));
  };
  const word = isPending
    ? op.action === 'position' && op.position !== undefined
      ? t('details.cover.pending.positionTo', { position: op.position })
      : t(DOING[op.action])
    : cover.state === null
      ? t('details.cover.state.unknown')
      : t(STATE_WORDS[cover.state]);
  return (
    <div
      className={`cover${isPending ? ' cover-pending' : ''}${failure ? ' cover-error' : ''}`}
      role="group"
      aria-label={t('details.cover.label', { name })}
      aria-busy={isPending}
      data-testid="cover-control"
      data-channel-id={channel.id}
      data-state={cover.state ?? 'unknown'}
      data-position={position ?? ''}
      data-pending={isPending ? op.action : undefined}
    >
      <span className="cover-word" aria-live="polite" data-testid="cover-state">
        {word}
        {position !== null && !isPending && ` · ${t('details.cover.percentOpen', { position })}`}
      </span>
      {position !== null && (
        <div
          className="cover-bar"
          role="meter"
          aria-label={t('details.cover.positionLabel', { name })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={position}
          aria-valuetext={t('details.cover.percentOpen', { position })}
          data-testid="cover-position"
        >
          <span className="cover-bar-fill" style={{ width: `${position}%` }} />
        </div>
      )}
      <span className="cover-buttons">
        <button
          type="button"
          className="tool"
          data-testid="cover-open"
          disabled={isPending}
          onClick={() => send('open')}
        >
          {t('details.cover.open')}
        </button>
        <button
          type="button"
          className="tool"
          data-testid="cover-stop"
          disabled={isPending}
          onClick={() => send('stop')}
        >
          {t('details.cover.stop')}
        </button>
        <button
          type="button"
          className="tool"
          data-testid="cover-close"
          disabled={isPending}
          onClick={() => send('close')}
        >
          {t('details.cover.close')}
        </button>
      </span>
      {cover.isCalibrated === true && (
        <span className="cover-goto">
          <label>
            <span>{t('details.cover.goTo')}</span>
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={shownTarget}
              aria-valuetext={t('details.cover.percentOpen', { position: shownTarget })}
              data-testid="cover-target"
              disabled={isPending}
              onChange={(event) => setTarget(Number(event.currentTarget.value))}
            />
          </label>
          <button
            type="button"
            className="tool"
            data-testid="cover-go"
            disabled={isPending || target === null}
            onClick={() => target !== null && send('position', target)}
          >
            {t('details.cover.goToPosition', { position: shownTarget })}
          </button>
        </span>
      )}
      {failure && (
        <span className="cover-error-text" role="alert" data-testid="cover-error">
          {failure.message}
        </span>
      )}
    </div>
  );
}
