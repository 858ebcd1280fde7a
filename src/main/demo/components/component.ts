/** What a Gen2+ device needs from each of its components (switch, pm1, em, em1, bthome). */
import type { JsonObject } from '../json';

export interface Gen2Component {
  /** The status keys this component owns, e.g. `['em:0', 'emdata:0']`. */
  readonly keys: readonly string[];
  /** Books energy up to `atMs` at the power reported last, then samples the next power. */
  advance(atMs: number): void;
  /** Full status per key: NotifyFullStatus, Shelly.GetStatus, `status/<key>`. */
  status(): JsonObject;
  /** Partial status per key for this tick's NotifyStatus: only what changed (PROTOCOL.md §5.2). */
  changes(): JsonObject;
  /**
   * Power-up after a reboot at `atMs`; the time it was down is not metered. Old Plus firmware
   * loses `aenergy.total` here; EM counters are kept in flash (PROTOCOL.md §5.1).
   */
  restart(atMs: number, isOldFirmware: boolean): void;
  /** Per-key config, for Shelly.GetComponents (the BLU sensors need `obj_id` from here). */
  config?(): JsonObject;
}
