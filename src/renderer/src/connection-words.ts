/** The header's words for the broker link: what it is, and while it waits, when it tries next. */
import type { ConnectionState } from '../../shared/contract';

const UNREACHABLE = new Set(['broker-unreachable', 'timeout']);

/** "broker unreachable" while retrying a broker that does not answer; otherwise the status. */
export function statusWord(state: ConnectionState): string {
  if (state.status === 'reconnecting' && state.lastError && UNREACHABLE.has(state.lastError.code))
    return 'broker unreachable';
  return state.status;
}

/** "retrying in 12 s" (counting down against `nowMs`), "retrying now…", or null when not waiting. */
export function retryCountdown(state: ConnectionState, nowMs: number): string | null {
  if (state.status === 'connected' || !state.nextRetryAt) return null;
  const seconds = Math.ceil((Date.parse(state.nextRetryAt) - nowMs) / 1000);
  return seconds > 0 ? `retrying in ${seconds} s` : 'retrying now…';
}
