/**
 * JSON-RPC over MQTT as a Gen2+ device answers it (PROTOCOL.md §3.4). Only requests are handled:
 * a frame without `method` is a reply (possibly our own, echoed back) and a frame without `src`
 * cannot be answered, so a real device ignores both and so do we.
 */
import type { CoverMove } from './components/cover-component';
import type { RpcOutcome } from './gen2-frames';
import type { JsonObject, JsonValue } from './json';
import type { Outbound } from './types';

export interface RpcRequest {
  id: number | string | null;
  src: string;
  method: string;
  params: Record<string, unknown>;
}

export function parseRpcRequest(text: string): RpcRequest | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null; // not JSON: a device drops it
    throw error;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return null;
  const f = frame as Record<string, unknown>;
  if (typeof f.method !== 'string' || typeof f.src !== 'string' || f.src === '') return null;
  const id = typeof f.id === 'number' || typeof f.id === 'string' ? f.id : null;
  const params =
    typeof f.params === 'object' && f.params !== null && !Array.isArray(f.params) ? f.params : {};
  return { id, src: f.src, method: f.method, params: params as Record<string, unknown> };
}

/** What the RPC layer needs from a device. */
export interface RpcDevice {
  /** `undefined` if the device has no `switch:<id>`. */
  setSwitch(
    id: number,
    on: boolean | 'toggle',
    atMs: number,
  ): { wasOn: boolean; after: Outbound[] } | undefined;
  switchStatus(id: number): JsonValue | undefined;
  /** `undefined` if the device has no `cover:<id>`. */
  moveCover(id: number, move: CoverMove, atMs: number): { after: Outbound[] } | undefined;
  coverStatus(id: number): JsonValue | undefined;
  fullStatus(atMs: number): JsonObject;
  deviceInfo(): JsonObject;
  components(atMs: number): Array<{ key: string; status: JsonValue; config?: JsonValue }>;
  reboot(atMs: number, delayMs: number): Outbound[];
}

export interface RpcResult {
  outcome: RpcOutcome;
  /** Messages the device publishes after its reply (notifications, status topics). */
  after: Outbound[];
}

/** Shelly's error codes: -103 invalid argument, -105 not found, 404 no such method. */
const invalidArgument = (name: string): RpcResult => ({
  outcome: { error: { code: -103, message: `Invalid argument '${name}'!` } },
  after: [],
});
const notFound = (id: unknown): RpcResult => ({
  outcome: { error: { code: -105, message: `Argument 'id', value ${String(id)} not found!` } },
  after: [],
});
const done = (result: JsonValue, after: Outbound[] = []): RpcResult => ({ outcome: { result }, after });

const isComponentId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function handleRpc(device: RpcDevice, req: RpcRequest, atMs: number): RpcResult {
  const p = req.params;
  switch (req.method) {
    case 'Switch.Set':
    case 'Switch.Toggle': {
      if (!isComponentId(p.id)) return invalidArgument('id');
      const on = req.method === 'Switch.Toggle' ? 'toggle' : p.on;
      if (typeof on !== 'boolean' && on !== 'toggle') return invalidArgument('on');
      const changed = device.setSwitch(p.id, on, atMs);
      return changed ? done({ was_on: changed.wasOn }, changed.after) : notFound(p.id);
    }
    case 'Switch.GetStatus': {
      if (!isComponentId(p.id)) return invalidArgument('id');
      const status = device.switchStatus(p.id);
      return status === undefined ? notFound(p.id) : done(status);
    }
    case 'Cover.Open':
    case 'Cover.Close':
    case 'Cover.Stop':
    case 'Cover.GoToPosition': {
      if (!isComponentId(p.id)) return invalidArgument('id');
      let move: CoverMove;
      if (req.method === 'Cover.GoToPosition') {
        const pos = p.pos;
        if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0 || pos > 100)
          return invalidArgument('pos');
        move = { position: pos };
      } else move = req.method === 'Cover.Open' ? 'open' : req.method === 'Cover.Close' ? 'close' : 'stop';
      const moved = device.moveCover(p.id, move, atMs);
      return moved ? done(null, moved.after) : notFound(p.id);
    }
    case 'Cover.GetStatus': {
      if (!isComponentId(p.id)) return invalidArgument('id');
      const status = device.coverStatus(p.id);
      return status === undefined ? notFound(p.id) : done(status);
    }
    case 'Shelly.GetStatus':
      return done(device.fullStatus(atMs));
    case 'Shelly.GetDeviceInfo':
      return done(device.deviceInfo());
    case 'Shelly.GetComponents':
      return done(componentsResult(device, p, atMs));
    case 'Shelly.GetConfig':
      return done(configResult(device, atMs));
    case 'Shelly.Reboot': {
      const delayMs = isComponentId(p.delay_ms) ? p.delay_ms : 1000;
      return done(null, device.reboot(atMs, delayMs));
    }
    default:
      return { outcome: { error: { code: 404, message: `No handler for ${req.method}` } }, after: [] };
  }
}

/** `dynamic_only` keeps the components with ids from 200 (BTHome, virtual); `include` adds config. */
function componentsResult(device: RpcDevice, p: Record<string, unknown>, atMs: number): JsonObject {
  const include = Array.isArray(p.include) ? p.include : [];
  const isDynamic = (key: string) => Number(key.split(':')[1]) >= 200;
  const list = device
    .components(atMs)
    .filter((c) => p.dynamic_only !== true || isDynamic(c.key))
    .map((c) => ({
      key: c.key,
      ...(include.includes('status') && { status: c.status }),
      ...(include.includes('config') && c.config !== undefined && { config: c.config }),
    }));
  return { components: list, cfg_rev: 12, offset: 0, total: list.length };
}

/** Components a person names in the Shelly app: outputs and meters (an `emdata:N` is its `em:N`'s). */
const NAMED_TYPES = new Set(['switch', 'pm1', 'cover', 'light', 'em', 'em1']);

/**
 * Shelly.GetConfig: every component's config under its key, and `sys.device` with the device's
 * name. The demo's staff named each channel after the device in the site plan: the one channel
 * of a single-channel device is the device ("Light1"), several are numbered ("DeskRow1 2").
 */
function configResult(device: RpcDevice, atMs: number): JsonObject {
  const info = device.deviceInfo();
  const components = device.components(atMs);
  const named = components.filter((c) => NAMED_TYPES.has(c.key.split(':')[0] ?? ''));
  const deviceName = typeof info.name === 'string' ? info.name : null;
  const nameOf = (key: string): string | null => {
    const index = named.findIndex((c) => c.key === key);
    if (index < 0 || deviceName === null) return null;
    return named.length === 1 ? deviceName : `${deviceName} ${index + 1}`;
  };
  const result: JsonObject = {
    sys: {
      device: { name: deviceName, mac: info.mac ?? null, fw_id: info.fw_id ?? null, discoverable: true },
    },
  };
  for (const c of components) {
    const id = Number(c.key.split(':')[1]);
    const own = typeof c.config === 'object' && c.config !== null && !Array.isArray(c.config) ? c.config : {};
    const name = nameOf(c.key);
    result[c.key] = { id, ...(NAMED_TYPES.has(c.key.split(':')[0] ?? '') && { name }), ...own };
  }
  return result;
}
