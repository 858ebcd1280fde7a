import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { SiteNode } from '../../../shared/contract';
import { setRelay } from '../state/actions';
import { t } from '../i18n/words';
import { useRelays } from '../state/relays';
import { selectOutput, useTree } from '../state/tree';

interface Props {
  channel: SiteNode;
  /** Tree rows keep only the active row's toggle in the tab order. */
  tabIndex?: number;
  /** Show the failure text beside the switch (the details panel), not only as a tooltip. */
  isVerbose?: boolean;
}

/**
 * One relay: a real switch (role="switch", aria-checked) that Space and Enter operate. It stays
 * pending until the core reports that the device itself confirmed, and shows why when it did not.
 * While the relay's state is unknown a click cannot mean "the other way": it asks which way.
 */
export function RelayToggle({ channel, tabIndex = 0, isVerbose = false }: Props) {
  const output = useTree(selectOutput(channel));
  const op = useRelays((s) => s.byChannel[channel.id]);
  const isPending = op?.status === 'pending';
  const failure = op?.status === 'failed' ? op : null;
  const state = isPending
    ? 'pending'
    : failure
      ? 'error'
      : output === null
        ? 'unknown'
        : output
          ? 'on'
          : 'off';
  const name = channel.path.length > 1 ? channel.path.slice(-2).join(' ') : channel.name;
  const label = t('details.relay.label', { name });
  const [isChoosing, setChoosing] = useState(false);
  const switchRef = useRef<HTMLButtonElement>(null);
  const firstChoiceRef = useRef<HTMLButtonElement>(null);
  // The choice is only for an unknown state: once the device says, the switch means "toggle".
  const isAsking = isChoosing && output === null && !isPending;
  useEffect(() => {
    if (isAsking) firstChoiceRef.current?.focus();
  }, [isAsking]);
  const toggle = (): void => {
    if (isPending) return;
    if (output === null) return setChoosing(!isChoosing);
    void setRelay(channel.id, !output);
  };
  const choose = (on: boolean): void => {
    setChoosing(false);
    switchRef.current?.focus();
    void setRelay(channel.id, on);
  };
  const title = isPending
    ? t(op.on ? 'details.relay.switchingOnWait' : 'details.relay.switchingOffWait')
    : failure
      ? t(failure.on ? 'details.relay.failedOn' : 'details.relay.failedOff', { message: failure.message })
      : output === null
        ? t('details.relay.unknownTitle')
        : t(output ? 'details.relay.onTitle' : 'details.relay.offTitle');
  return (
    <span className={`relay relay-${state}`} data-channel-id={channel.id}>
      <button
        ref={switchRef}
        type="button"
        role="switch"
        className="switch"
        aria-checked={output === true}
        aria-busy={isPending}
        aria-label={label}
        aria-invalid={failure ? true : undefined}
        aria-describedby={failure && isVerbose ? `relay-error-${channel.id}` : undefined}
        data-testid="relay-toggle"
        data-channel-id={channel.id}
        data-state={state}
        title={title}
        tabIndex={tabIndex}
        onClick={(event: MouseEvent) => {
          event.stopPropagation();
          toggle();
        }}
        onDoubleClick={(event: MouseEvent) => event.stopPropagation()}
        // The tree handles Space and Enter for its rows; a focused switch keeps them for itself.
        onKeyDown={(event: KeyboardEvent) => event.stopPropagation()}
      >
        <span className="switch-knob" aria-hidden="true" />
      </button>
      {isAsking && (
        <span
          className="relay-choice"
          role="group"
          aria-label={t('details.relay.choice', { name })}
          data-testid="relay-choice"
          onClick={(event: MouseEvent) => event.stopPropagation()}
          onKeyDown={(event: KeyboardEvent) => {
            // The tree's own keys (arrows, Space, Enter) stay with the choice while it is open.
            event.stopPropagation();
            if (event.key === 'Escape') {
              setChoosing(false);
              switchRef.current?.focus();
            }
          }}
        >
          <button
            ref={firstChoiceRef}
            type="button"
            className="tool"
            data-testid="relay-choose-on"
            tabIndex={tabIndex}
            onClick={() => choose(true)}
          >
            {t('details.relay.switchOn')}
          </button>
          <button
            type="button"
            className="tool"
            data-testid="relay-choose-off"
            tabIndex={tabIndex}
            onClick={() => choose(false)}
          >
            {t('details.relay.switchOff')}
          </button>
        </span>
      )}
      {isVerbose && (
        <span className="relay-word" aria-live="polite">
          {isPending
            ? t(op.on ? 'details.relay.switchingOn' : 'details.relay.switchingOff')
            : failure
              ? ''
              : output === null
                ? t('details.relay.unknown')
                : output
                  ? t('details.relay.on')
                  : t('details.relay.off')}
        </span>
      )}
      {failure &&
        (isVerbose ? (
          <span
            className="relay-error"
            role="alert"
            id={`relay-error-${channel.id}`}
            data-testid="relay-error"
          >
            {failure.message}
          </span>
        ) : (
          <span
            className="relay-flag"
            role="img"
            aria-label={t('details.relay.failed', { message: failure.message })}
            title={title}
            data-testid="relay-error"
          >
            !
          </span>
        ))}
    </span>
  );
}
