/**
 * Gen2+ JSON-RPC frames as devices publish them (PROTOCOL.md §3.3, §3.4): notifications on
 * `<prefix>/events/rpc` with `dst` = `<prefix>/events`, replies on `<src>/rpc`.
 */
import { scaled, toJson, type JsonNumber, type JsonObject, type JsonValue } from './json';
import type { Outbound } from './types';

export interface Gen2Address {
  id: string;
  prefix: string;
}

/** `params.ts`: device clock in seconds with two decimals (`1741593660.22`). */
export function tsOf(atMs: number): JsonNumber {
  return scaled(Math.floor(atMs / 10), 2);
}

function notification(dev: Gen2Address, method: string, params: JsonObject): Outbound {
  const frame = { src: dev.id, dst: `${dev.prefix}/events`, method, params };
  return { topic: `${dev.prefix}/events/rpc`, payload: toJson(frame) };
}

/** Only the components (and fields) that changed; `ts` may be an unsynced clock right after boot. */
export function notifyStatus(dev: Gen2Address, ts: JsonNumber, changes: JsonObject): Outbound {
  return notification(dev, 'NotifyStatus', { ts, ...changes });
}

export function notifyFullStatus(dev: Gen2Address, atMs: number, status: JsonObject): Outbound {
  return notification(dev, 'NotifyFullStatus', { ts: tsOf(atMs), ...status });
}

export function notifyEvent(dev: Gen2Address, atMs: number, events: JsonObject[]): Outbound {
  const ts = tsOf(atMs);
  return notification(dev, 'NotifyEvent', { ts, events: events.map((e) => ({ ...e, ts })) });
}

export type RpcOutcome = { result: JsonValue } | { error: { code: number; message: string } };

/** The response frame goes to `<src>/rpc`, `src` being whatever the requester named itself. */
export function rpcReply(
  dev: Gen2Address,
  requestId: number | string | null,
  to: string,
  outcome: RpcOutcome,
): Outbound {
  return { topic: `${to}/rpc`, payload: toJson({ id: requestId, src: dev.id, dst: to, ...outcome }) };
}

/** `status/<component>` and `<prefix>/status`: the status object itself, no envelope, no timestamp. */
export function statusMessage(dev: Gen2Address, component: string | null, status: JsonValue): Outbound {
  const topic = component === null ? `${dev.prefix}/status` : `${dev.prefix}/status/${component}`;
  return { topic, payload: toJson(status) };
}
