import type { KilowatchApi } from '../../../shared/contract';

/** What a transport reports about itself, beside the contract's own events. */
export type TransportNotice =
  /** Events flow (again); anything pushed while they did not is lost, so refetch snapshots. */
  | { kind: 'stream-open' }
  | { kind: 'stream-closed'; retryInMs: number }
  /** A message that did not match the contract was dropped. */
  | { kind: 'rejected'; reason: string };

export interface Transport extends KilowatchApi {
  readonly kind: 'ipc' | 'web';
  onNotice(listener: (notice: TransportNotice) => void): () => void;
}

export function createNotices(): {
  emit: (notice: TransportNotice) => void;
  on: (listener: (notice: TransportNotice) => void) => () => void;
} {
  const listeners = new Set<(notice: TransportNotice) => void>();
  return {
    emit: (notice) => listeners.forEach((listener) => listener(notice)),
    on: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
