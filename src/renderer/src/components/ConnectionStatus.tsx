import { useConnection } from '../state/connection';
import { useLink } from '../state/link';
import { useState } from 'react';
import { api } from '../api';
import { formatTime } from '../format';

/** The broker connection as the core sees it, and the renderer's own link to the core. */
export function ConnectionStatus() {
  const state = useConnection((s) => s.state);
  const serviceError = useConnection((s) => s.error);
  const isStreamUp = useLink((s) => s.isStreamUp);
  const rejected = useLink((s) => s.rejected);
  const lastRejection = useLink((s) => s.lastRejection);
  const [isRetrying, setRetrying] = useState(false);

  // While the service is unreachable the last broker state is stale, so it is not shown as current.
  const isServiceDown = isStreamUp === false;
  const status = isServiceDown ? 'unreachable' : (state?.status ?? 'unknown');
  const errorText = isServiceDown
    ? 'The Kilowatch service is not reachable, retrying'
    : (state?.lastError?.message ?? (state ? null : serviceError?.message));

  return (
    <div className="connection" data-testid="connection-status" data-status={status} aria-live="polite">
      <span className={`status-dot status-${status}`} aria-hidden="true" />
      <span className="status-word">{status}</span>
      {state?.broker && (
        <span className="broker" title={state.broker}>
          {state.broker}
        </span>
      )}
      {state?.demo && <span className="badge">demo</span>}
      {state?.tlsVerified === false && <span className="badge badge-warn">TLS unverified</span>}
      {!isServiceDown && state?.nextRetryAt && state.status !== 'connected' && (
        <span className="muted">next try {formatTime(state.nextRetryAt)}</span>
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
          {isRetrying ? 'Reconnecting…' : 'Reconnect now'}
        </button>
      )}
      {errorText && (
        <span className="connection-error" data-testid="connection-error" title={errorText}>
          {errorText}
        </span>
      )}
      {rejected > 0 && (
        <span className="badge badge-warn" title={lastRejection ?? undefined}>
          {rejected} invalid {rejected === 1 ? 'message' : 'messages'} dropped
        </span>
      )}
    </div>
  );
}
