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
import { workFor } from '../core/store/read-pace';

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
  const frame = message.event === 'totals.live' ? liveFrame(message.payload) : null;
  if (frame) return { event: message.event, frame };
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

// totals.live as the contract has it: its fields but the nodes, and one node.
const live = events['totals.live'];
const liveEnvelope = live.omit({ nodes: true });
const liveNode = live.shape.nodes.element;

/** How many nodes between looks at the clock. */
const NODES_PER_CHECK = 64;

/**
 * A totals.live push checked and written node by node, into bytes as it goes: the same check and
 * the same frame as the whole payload's, but each node's checked copy and text are gone before the
 * next node's. Checked whole, a push of 15,000 nodes (a backlog at 10,000 channels) kept all their
 * copies alive long enough for V8 to move them into the old generation, a quarter of all the
 * core's memory that outlived a young collection (bench memory-peak, allocation sampling).
 *
 * It can be written a slice at a time (advance), so that in a backlog, where every node changes
 * between pushes, a command that arrives meanwhile is answered between slices (core-worker.ts).
 * The nodes are the push's own objects, which are replaced, never changed (site-totals.ts).
 */
export class LiveFrameWriter {
  private readonly nodes: readonly unknown[] = [];
  private readonly out: Utf8Writer | null = null;
  private at = 0;
  private isDone = false;
  private isValid = true;

  constructor(payload: unknown) {
    const nodes = (payload as { nodes?: unknown } | null)?.nodes;
    const envelope = liveEnvelope.safeParse(payload);
    if (!envelope.success || !Array.isArray(nodes)) {
      this.isValid = false;
      this.isDone = true;
      return;
    }
    this.nodes = nodes;
    this.out = new Utf8Writer(256 * nodes.length + 256);
    // `nodes` is the envelope's last field (asserted below), so it goes where the object closes.
    this.out.write(
      `{"event":"totals.live","payload":${JSON.stringify(envelope.data).slice(0, -1)},"nodes":[`,
    );
  }

  /** Writes nodes for about `budgetMs` (all of them with Infinity); true once the frame is done. */
  advance(budgetMs: number): boolean {
    return this.isDone || workFor(budgetMs, () => this.run());
  }

  /** Up to NODES_PER_CHECK nodes; true once the frame is done (or the payload failed its check). */
  private run(): boolean {
    const out = this.out;
    if (!out) return true;
    const end = Math.min(this.nodes.length, this.at + NODES_PER_CHECK);
    for (; this.at < end; this.at++) {
      const node = liveNode.safeParse(this.nodes[this.at]);
      if (!node.success) {
        this.isValid = false;
        this.isDone = true;
        return true;
      }
      out.write(this.at === 0 ? JSON.stringify(node.data) : `,${JSON.stringify(node.data)}`);
    }
    if (this.at < this.nodes.length) return false;
    out.write(']}}');
    this.isDone = true;
    return true;
  }

  /** The frame once done, or null when the payload is not what the contract says. */
  frame(): Uint8Array<ArrayBuffer> | null {
    if (!this.isDone) throw new Error('a totals.live frame was taken before it was written');
    return this.isValid && this.out ? this.out.bytes() : null;
  }
}

/** The push's frame written at once, or null when it fails the check (encodeEvent then logs why). */
function liveFrame(payload: unknown): Uint8Array<ArrayBuffer> | null {
  const writer = new LiveFrameWriter(payload);
  writer.advance(Infinity);
  return writer.frame();
}

const liveFields = Object.keys(live.shape);
if (liveFields.at(-1) !== 'nodes' || liveFields.length < 2)
  throw new Error(`totals.live's fields are ${liveFields.join(', ')}: liveFrame expects nodes last`);

/** UTF-8 written piece by piece into a buffer that grows, outside V8's heap. */
class Utf8Writer {
  private buffer: Uint8Array<ArrayBuffer>;
  private at = 0;

  constructor(expectedBytes: number) {
    this.buffer = new Uint8Array(expectedBytes);
  }

  write(text: string): void {
    let rest = text;
    for (;;) {
      const { read, written } = encoder.encodeInto(rest, this.buffer.subarray(this.at));
      this.at += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.at + 3 * rest.length));
      grown.set(this.buffer.subarray(0, this.at));
      this.buffer = grown;
    }
  }

  /** What was written, in an ArrayBuffer of its own (see utf8). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.at);
  }
}
