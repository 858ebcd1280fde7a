import { useConnection } from '../state/connection';
import { useLink } from '../state/link';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { retryCountdown, statusText, statusWord } from '../connection-words';
import { t } from '../i18n/words';

/** The broker connection as the core sees it, and the renderer's own link to the core. */
export function ConnectionStatus() {
  const state = useConnection((s) => s.state);
  const serviceError = useConnection((s) => s.error);
  const isStreamUp = useLink((s) => s.isStreamUp);
  const rejected = useLink((s) => s.rejected);
  const lastRejection = useLink((s) => s.lastRejection);
  const [isRetrying, setRetrying] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  // A countdown ticks once a second while a retry is due, and not otherwise (no idle renders).
  const retryAt = isStreamUp !== false && state?.status !== 'connected' ? (state?.nextRetryAt ?? null) : null;
  useEffect(() => {
    if (!retryAt) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [retryAt]);

  // While the service is unreachable the last broker state is stale, so it is not shown as current.
  const isServiceDown = isStreamUp === false;
  const status = isServiceDown ? 'unreachable' : (state?.status ?? 'unknown');
  const errorText = isServiceDown
    ? t('app.connection.serviceDown')
    : (state?.lastError?.message ?? (state ? null : serviceError?.message));

  return (
    <div className="connection" data-testid="connection-status" data-status={status} aria-live="polite">
      <span className={`status-dot status-${status}`} aria-hidden="true" />
      <span className="status-word">{!isServiceDown && state ? statusWord(state) : statusText(status)}</span>
      {state?.broker && (
        <span className="broker" title={state.broker}>
          {state.broker}
        </span>
      )}
      {state?.demo && <span className="badge">{t('app.connection.demo')}</span>}
      {state?.tlsVerified === false && (
        <span className="badge badge-warn">{t('app.connection.tlsUnverified')}</span>
      )}
      {!isServiceDown && state && retryCountdown(state, now) && (
        // A second-by-second count is not news for a screen reader; the status word is.
        <span className="muted" data-testid="retry-countdown" aria-live="off">
          {retryCountdown(state, now)}
        </span>
      )}
      {!isServiceDown && state && (state.status === 'reconnecting' || state.status === 'error') && (
        <button
          type="button"
          className="link-button"
          data-testid="reconnect-now"
          disabled={isRetrying}
          onClick={() => {
            // Skips the remaining backoff; the result arrives as connection.state like any other.
            setRetrying(true);
            void api.invoke('connection.connect', {}).finally(() => setRetrying(false));
          }}
        >
          {isRetrying ? t('app.connection.reconnecting') : t('app.connection.reconnectNow')}
        </button>
      )}
      {errorText && (
        <span className="connection-error" data-testid="connection-error" title={errorText}>
          {errorText}
        </span>
      )}
      {rejected > 0 && (
        <span className="badge badge-warn" title={lastRejection ?? undefined}>
          {t('app.connection.dropped', { count: rejected })}
        </span>
      )}
    </div>
  );
}
