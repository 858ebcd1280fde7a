/**
 * EM counters are notified partially: a NotifyStatus for `emdata:N`/`em1data:N` carries only the
 * counters whose printed value changed (PROTOCOL.md §4.4). This remembers what was last sent.
 */
import type { JsonNumber, JsonObject } from '../json';

export class ChangedFields {
  private readonly last = new Map<string, string>();

  /** Records every field as sent (after a full status). */
  sent(fields: Record<string, JsonNumber>): void {
    for (const [name, value] of Object.entries(fields)) this.last.set(name, value.text);
  }

  /** The fields whose printed value differs from what was last sent, and records them as sent. */
  takeChanged(fields: Record<string, JsonNumber>): JsonObject {
    const changed: JsonObject = {};
    for (const [name, value] of Object.entries(fields)) {
      if (this.last.get(name) === value.text) continue;
      changed[name] = value;
      this.last.set(name, value.text);
    }
    return changed;
  }
}
