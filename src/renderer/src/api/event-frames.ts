/**
 * Event frames to listeners, the same for both transports: a WebSocket message (web.ts) and a
 * frame the Electron preload relays (ipc.ts) are one `{"event": name, "payload": …}` text each.
 * A frame is parsed and its payload checked against the contract once, however many listen (a
 * burst's `totals.live` is hundreds of kB); what fails either check is reported as a `rejected`
 * notice, not dropped in silence. A frame nobody listens to is parsed but not checked.
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
      const { event, payload } = frame.value;
      const subscribers = listeners.get(event);
      if (!subscribers?.size) return;
      const checked = checkEvent(event, payload);
      if (!checked.ok) return emit({ kind: 'rejected', reason: checked.error });
      subscribers.forEach((listener) => listener(checked.value));
    },
    on(event, listener) {
      // Checked in dispatch against this same event's schema, so the payload is this event's.
      const subscriber = listener as (payload: unknown) => void;
      let subscribers = listeners.get(event);
      if (!subscribers) listeners.set(event, (subscribers = new Set()));
      subscribers.add(subscriber);
      if (!isStarted) {
        isStarted = true;
        start();
      }
      return () => subscribers.delete(subscriber);
    },
  };
}
