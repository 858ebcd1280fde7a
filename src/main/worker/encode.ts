/**
 * The core's replies and events leave its worker thread as contract JSON, already in the bytes
 * the bridge sends (`{"ok":…}` for a reply, `{"event":…,"payload":…}` for a WebSocket frame), and
 * the bytes are transferred, not copied. A 10,000-device `site.tree` is ~7 MB: posted as objects,
 * the structured clone alone held the main thread ~0.5 s per reply, and checking and encoding it
 * there took as long again, while the main thread is the one that must answer every console.
 *
 * The contract check happens here, once, just before encoding: nothing the contract does not
 * describe leaves the core (a bug's reply becomes the same logged `internal` error as before, a
 * bad event is dropped and logged). The main thread relays what it cannot have altered; front
 * ends still validate what arrives (renderer/api/validate.ts).
 */
import {
  commands,
  describeIssues,
  events,
  isCommandName,
  isEventName,
  type EventMessage,
  type EventName,
} from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';
import type { Logger } from '../core/dispatch';

const encoder = new TextEncoder();

/**
 * UTF-8 in an ArrayBuffer of its own, so it can be transferred: TextEncoder never hands out a
 * slice of a shared pool (Buffer.from does, for small strings, and transferring that would
 * detach the pool).
 */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/** The reply as the contract describes it, or the internal error a bug's reply turns into. */
export function checkedReply(
  command: string,
  result: Result<unknown, ApiError>,
  log: Logger,
): Result<unknown, ApiError> {
  if (!result.ok || !isCommandName(command)) return result;
  const parsed = commands[command].value.safeParse(result.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  log(`the reply to ${command} is not what the contract says: ${describeIssues(parsed.error)}`);
  return err('internal', `Kilowatch hit an internal error while running ${command}. It has been logged.`);
}

/** The event's WebSocket frame, or null (logged) when the contract does not describe it. */
export function encodeEvent(
  message: EventMessage,
  log: Logger,
): { event: EventName; frame: Uint8Array<ArrayBuffer> } | null {
  if (!isEventName(message.event)) {
    log(`dropped an unknown event "${message.event}"`);
    return null;
  }
  const parsed = events[message.event].safeParse(message.payload);
  if (!parsed.success) {
    log(`dropped a ${message.event} event: ${describeIssues(parsed.error)}`);
    return null;
  }
  return {
    event: message.event,
    frame: utf8(JSON.stringify({ event: message.event, payload: parsed.data })),
  };
}
