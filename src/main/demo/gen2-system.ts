/**
 * The non-metering part of a Gen2+ status: `sys`, the network and the connection flags. `sys.uptime`
 * matters to Kilowatch (a decrease means a reboot, PROTOCOL.md §4.6); the rest is there so a full
 * status looks like a real one.
 */
import type { JsonObject } from './json';
import type { ModelInfo } from './models';

export interface SystemState {
  mac: string;
  ip: string;
  model: ModelInfo;
  atMs: number;
  bootAtMs: number;
  /** ESP reset code: 1 power-on, 3 software restart. */
  resetReason: number;
  isOldFirmware: boolean;
  currentVersion: string;
}

export function systemStatus(s: SystemState): JsonObject {
  const unixtime = Math.floor(s.atMs / 1000);
  const date = new Date(s.atMs);
  const time = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  const network: JsonObject =
    s.model.network === 'eth'
      ? {
          eth: { ip: s.ip },
          wifi: { sta_ip: null, status: 'disconnected', ssid: null, rssi: 0 },
        }
      : { wifi: { sta_ip: s.ip, status: 'got ip', ssid: 'Aurora-IoT', rssi: -58 - (unixtime % 9) } };
  return {
    ble: {},
    cloud: { connected: false },
    mqtt: { connected: true },
    sys: {
      mac: s.mac,
      restart_required: false,
      time,
      unixtime,
      uptime: Math.max(0, Math.floor((s.atMs - s.bootAtMs) / 1000)),
      ram_size: 261744,
      ram_free: 151436,
      fs_size: 1048576,
      fs_free: 712704,
      cfg_rev: 12,
      kvs_rev: 0,
      schedule_rev: 0,
      webhook_rev: 0,
      available_updates: s.isOldFirmware ? { stable: { version: s.currentVersion } } : {},
      reset_reason: s.resetReason,
    },
    ...network,
    ws: { connected: false },
  };
}

/** Status objects print their keys in alphabetical order, as the firmware does. */
export function sortedKeys(status: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(status).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
