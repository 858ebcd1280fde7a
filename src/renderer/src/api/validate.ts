/**
 * The renderer's side of "validate where it is received": every event payload and every command
 * reply value is checked against the contract before any store sees it, whichever transport
 * delivered it.
 */
import {
  ApiErrorSchema,
  commands,
  describeIssues,
  events,
  isEventName,
  type CommandName,
  type CommandReply,
  type CommandValue,
  type EventName,
  type EventPayload,
} from '../../../shared/contract';
import type { Result } from '../../../shared/result';

export type Checked<T> = Result<T, string>;

export function checkEvent<E extends EventName>(event: E, payload: unknown): Checked<EventPayload<E>> {
  const parsed = events[event].safeParse(payload);
  if (!parsed.success) return { ok: false, error: `event ${event}: ${describeIssues(parsed.error)}` };
  // zod's union of every event's output narrows to this event's payload only at runtime.
  return { ok: true, value: parsed.data as EventPayload<E> };
}

/** Parses one WebSocket frame, `{"event": name, "payload": …}`. */
export function checkEventFrame(frame: unknown): Checked<{ event: EventName; payload: unknown }> {
  if (typeof frame !== 'string') return { ok: false, error: 'event frame is not text' };
  let message: unknown;
  try {
    message = JSON.parse(frame);
  } catch {
    return { ok: false, error: 'event frame is not JSON' };
  }
  if (typeof message !== 'object' || message === null || !('event' in message)) {
    return { ok: false, error: 'event frame has no event name' };
  }
  const { event } = message as { event: unknown; payload?: unknown };
  if (typeof event !== 'string' || !isEventName(event)) {
    return { ok: false, error: `unknown event ${String(event)}` };
  }
  return { ok: true, value: { event, payload: (message as { payload?: unknown }).payload } };
}

export interface ReplyCheck<C extends CommandName> {
  reply: CommandReply<C>;
  /** Set when the reply did not match the contract and was replaced by an `internal` error. */
  rejected?: string;
}

const unreadable = <C extends CommandName>(command: C, why: string): ReplyCheck<C> => ({
  reply: {
    ok: false,
    error: {
      code: 'internal',
      message: 'The Kilowatch service sent a reply this console does not understand',
      detail: why,
    },
  },
  rejected: `reply to ${command}: ${why}`,
});

/** Checks a reply body `{"ok":true,"value":…}` or `{"ok":false,"error":…}`. */
export function checkReply<C extends CommandName>(command: C, body: unknown): ReplyCheck<C> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) {
    return unreadable(command, 'the reply is not a result');
  }
  const result = body as { ok: unknown; value?: unknown; error?: unknown };
  if (result.ok === true) {
    const value = commands[command].value.safeParse(result.value);
    if (!value.success) return unreadable(command, describeIssues(value.error));
    return { reply: { ok: true, value: value.data as CommandValue<C> } };
  }
  const error = ApiErrorSchema.safeParse(result.error);
  if (!error.success) return unreadable(command, describeIssues(error.error));
  return { reply: { ok: false, error: error.data } };
}
