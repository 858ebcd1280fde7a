/** Rows for tests that write a Store directly, without the ingest that would make them. */
import type { DeviceRow } from '../../src/main/core/store/rows';

/** A Gen2 device seen once, online, at time 0: enough for its channels' foreign keys. */
export function deviceRow(key: string, model: string | null = null): DeviceRow {
  return {
    key,
    shellyId: key,
    generation: 2,
    model,
    name: null,
    firmware: null,
    epoch: 0,
    offlineCount: 0,
    isOnline: true,
    uptimeS: null,
    firstSeenMs: 0,
    lastSeenMs: 0,
  };
}
