import { useState } from 'react';
import type { CoverAction, CoverState, SiteNode } from '../../../shared/contract';
import { moveCover } from '../state/actions';
import { useCovers } from '../state/covers';
import { selectCover, useTree } from '../state/tree';

const STATE_WORDS: Record<CoverState, string> = {
  open: 'Open',
  closed: 'Closed',
  opening: 'Opening',
  closing: 'Closing',
  stopped: 'Stopped',
  calibrating: 'Calibrating',
};

const DOING: Record<CoverAction, string> = {
  open: 'Opening',
  close: 'Closing',
  stop: 'Stopping',
  position: 'Moving',
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
    ? `${DOING[op.action]}${op.position === undefined ? '' : ` to ${op.position} %`}… waiting for the device to confirm`
    : cover.state === null
      ? 'Unknown'
      : STATE_WORDS[cover.state];
  return (
    <div
      className={`cover${isPending ? ' cover-pending' : ''}${failure ? ' cover-error' : ''}`}
      role="group"
      aria-label={`${name} cover`}
      aria-busy={isPending}
      data-testid="cover-control"
      data-channel-id={channel.id}
      data-state={cover.state ?? 'unknown'}
      data-position={position ?? ''}
      data-pending={isPending ? op.action : undefined}
    >
      <span className="cover-word" aria-live="polite" data-testid="cover-state">
        {word}
        {position !== null && !isPending && ` · ${position} % open`}
      </span>
      {position !== null && (
        <div
          className="cover-bar"
          role="meter"
          aria-label={`${name} position`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={position}
          aria-valuetext={`${position} % open`}
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
          Open
        </button>
        <button
          type="button"
          className="tool"
          data-testid="cover-stop"
          disabled={isPending}
          onClick={() => send('stop')}
        >
          Stop
        </button>
        <button
          type="button"
          className="tool"
          data-testid="cover-close"
          disabled={isPending}
          onClick={() => send('close')}
        >
          Close
        </button>
      </span>
      {cover.isCalibrated === true && (
        <span className="cover-goto">
          <label>
            <span>Go to</span>
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={shownTarget}
              aria-valuetext={`${shownTarget} % open`}
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
            Go to {shownTarget} %
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
