/** The header's words for the broker link: what it is, and while it waits, when it tries next. */
import type { ConnectionState } from '../../shared/contract';
import { t, type MessageKey } from './i18n/words';

const UNREACHABLE = new Set(['broker-unreachable', 'timeout']);

/** The link's states, and the renderer's own two: the service is down, or nothing is known yet. */
type LinkStatus = ConnectionState['status'] | 'unreachable' | 'unknown';

const STATUS_WORDS: Record<LinkStatus, MessageKey> = {
  disconnected: 'app.connection.status.disconnected',
  connecting: 'app.connection.status.connecting',
  connected: 'app.connection.status.connected',
  reconnecting: 'app.connection.status.reconnecting',
  error: 'app.connection.status.error',
  unreachable: 'app.connection.status.unreachable',
  unknown: 'app.connection.status.unknown',
};

/** A status in words ("connected"); `data-status` keeps the code. */
export const statusText = (status: LinkStatus): string => t(STATUS_WORDS[status]);

/** "broker unreachable" while retrying a broker that does not answer; otherwise the status. */
export function statusWord(state: ConnectionState): string {
  if (state.status === 'reconnecting' && state.lastError && UNREACHABLE.has(state.lastError.code))
    return t('app.connection.brokerUnreachable');
  return statusText(state.status);
}

/** "retrying in 12 s" (counting down against `nowMs`), "retrying now…", or null when not waiting. */
export function retryCountdown(state: ConnectionState, nowMs: number): string | null {
  if (state.status === 'connected' || !state.nextRetryAt) return null;
  const seconds = Math.ceil((Date.parse(state.nextRetryAt) - nowMs) / 1000);
  return seconds > 0 ? t('app.connection.retryIn', { seconds }) : t('app.connection.retryNow');
}
