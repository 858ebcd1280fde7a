/**
 * Event frames to listeners, the same for both transports: a WebSocket message (web.ts) and a
 * frame the Electron preload relays (ipc.ts) are one `{"event": name, "payload": …}` text each.
 * A frame is parsed once, whoever listens; each payload is checked against the contract before a
 * listener sees it, and what fails either check is reported as a `rejected` notice, not dropped
 * in silence.
 */
import type { EventName, KilowatchApi } from '../../../shared/contract';
import type { TransportNotice } from './transport';
import { checkEvent, checkEventFrame } from './validate';

export interface EventFrames {
  /** One frame as it arrived. */
  dispatch(frame: unknown): void;
  on: KilowatchApi['on'];
}

/** `start` runs once, when the first listener subscribes: where the transport opens its stream. */
export function createEventFrames(emit: (notice: TransportNotice) => void, start: () => void): EventFrames {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let isStarted = false;
  return {
    dispatch(data) {
      const frame = checkEventFrame(data);
      if (!frame.ok) return emit({ kind: 'rejected', reason: frame.error });
      listeners.get(frame.value.event)?.forEach((listener) => listener(frame.value.payload));
    },
    on(event, listener) {
      const checked = (payload: unknown): void => {
        const result = checkEvent(event, payload);
        if (result.ok) listener(result.value);
        else emit({ kind: 'rejected', reason: result.error });
      };
      let subscribers = listeners.get(event);
      if (!subscribers) listeners.set(event, (subscribers = new Set()));
      subscribers.add(checked);
      if (!isStarted) {
        isStarted = true;
        start();
      }
      return () => subscribers.delete(checked);
    },
  };
}
