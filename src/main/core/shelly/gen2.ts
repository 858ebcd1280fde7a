/** Gen2+ (Plus, Pro, Gen3, Gen4) topics: JSON-RPC frames and component status (PROTOCOL.md §3). */
import { climateFacts, componentRoleFacts } from './climate';
import { componentFacts } from './components';
import { configNameFacts, isConfigResult } from './config-names';
import { isTrustedDeviceId } from './device-id';
import { nameField } from './device-name';
import { isRecord, parseJsonObject, trustedTimeS } from './payload';
import type { Gen2TopicKind } from './topic';
import type { DecodeContext, DecodeOutcome, DeviceRef, Fact } from './types';

const REBOOT_EVENTS = new Set(['scheduled_restart', 'ota_success']);

function device(prefix: string, src: unknown): DeviceRef {
  return isTrustedDeviceId(src) ? { key: prefix, generation: 2, id: src } : { key: prefix, generation: 2 };
}

function eventFacts(events: unknown[]): Fact[] {
  const facts: Fact[] = [];
  for (const event of events) {
    if (!isRecord(event)) continue;
    if (event.component === 'sys' && typeof event.event === 'string' && REBOOT_EVENTS.has(event.event)) {
      facts.push({ type: 'reboot', why: event.event });
    } else if (event.event === 'config_changed') {
      facts.push({ type: 'config-changed' });
    } else if (event.event === 'shelly-blu' && isRecord(event.data)) {
      const d = event.data;
      if (typeof d.address !== 'string') continue;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      const at = num(event.ts);
      facts.push({
        type: 'sensor',
        sensor: {
          address: d.address,
          ...(num(d.pid) !== undefined && { packetId: num(d.pid) }),
          ...(num(d.temperature) !== undefined && { temperatureC: num(d.temperature) }),
          ...(num(d.humidity) !== undefined && { humidityPct: num(d.humidity) }),
          ...(num(d.battery) !== undefined && { batteryPct: num(d.battery) }),
          ...(num(d.rssi) !== undefined && { rssiDbm: num(d.rssi) }),
          ...(at !== undefined && { atS: at }),
        },
      });
    }
    // EMData/EM1Data `data` events are per-period records, not cumulative counters: never counted.
  }
  return facts;
}

function rpcReply(prefix: string, frame: Record<string, unknown>, ctx: DecodeContext): DecodeOutcome {
  if ('method' in frame) {
    // Rule 9: a ResetCounters command (Switch, PM1, EMData, EM1Data…) is evidence of a reset, so
    // the next drop of that device's counters is counted from zero even without a device clock.
    // `src` here is the requester's, not the device's.
    if (typeof frame.method === 'string' && frame.method.endsWith('.ResetCounters'))
      return {
        kind: 'device',
        device: device(prefix, undefined),
        facts: [{ type: 'reboot', why: frame.method }],
      };
    // A request to the device at this prefix; remembering it lets its reply be attributed.
    if (typeof frame.src === 'string' && (typeof frame.id === 'number' || typeof frame.id === 'string')) {
      return { kind: 'rpc-request', prefix, replyTo: frame.src, requestId: frame.id };
    }
    return { kind: 'ignored', why: 'request' };
  }
  const facts: Fact[] = [];
  const requestId = typeof frame.id === 'number' || typeof frame.id === 'string' ? frame.id : null;
  // Only a number and a string are read: anything else (an object with a hostile toString) would
  // throw while being turned into one.
  const error = isRecord(frame.error)
    ? {
        code: typeof frame.error.code === 'number' ? frame.error.code : Number.NaN,
        message: typeof frame.error.message === 'string' ? frame.error.message : '',
      }
    : undefined;
  facts.push({ type: 'rpc-reply', to: prefix, requestId, ...(error && { error }) });
  const result = isRecord(frame.result) ? frame.result : undefined;
  if (result && typeof result.gen === 'number' && typeof result.id === 'string') {
    // Shelly.GetDeviceInfo, asked on connect.
    facts.push({
      type: 'identity',
      id: result.id,
      generation: result.gen,
      ...(typeof result.model === 'string' && { model: result.model }),
      ...nameField(result.name),
      ...(typeof result.ver === 'string' && { firmware: result.ver }),
    });
  } else if (result && isConfigResult(result)) {
    // Shelly.GetConfig, asked on connect and when the device says its configuration changed.
    facts.push(...configNameFacts(result));
  } else if (result && isRecord(result.sys)) {
    // Shelly.GetStatus, asked on connect: every component's full status, timed by arrival.
    facts.push(
      ...componentFacts(result, { arrivalS: ctx.arrivalS, fallbackS: ctx.arrivalS, isDeviceTimed: false }),
    );
  }
  // Shelly.GetConfig keys each component's config by its key: a thermostat's roles are there too.
  for (const [key, config] of Object.entries(result ?? {}))
    if (/^number:\d{1,5}$/.test(key) && isRecord(config)) facts.push(...componentRoleFacts(key, config));
  const components = result?.components;
  if (Array.isArray(components)) {
    for (const c of components) {
      if (!isRecord(c) || typeof c.key !== 'string' || !isRecord(c.config)) continue;
      if (/^number:\d{1,5}$/.test(c.key)) {
        // A thermostat's readings live in virtual numbers; only the role says which is which.
        facts.push(...componentRoleFacts(c.key, c.config));
        if (isRecord(c.status)) climateFacts(facts, 'number', c.key, c.status);
        continue;
      }
      if (!/^bthome(device|sensor):\d+$/.test(c.key) || typeof c.config.addr !== 'string') continue;
      const meta = isRecord(c.config.meta) && isRecord(c.config.meta.ui) ? c.config.meta.ui : undefined;
      facts.push({
        type: 'bthome-config',
        component: c.key,
        address: c.config.addr,
        ...(typeof c.config.obj_id === 'number' && { objectId: c.config.obj_id }),
        ...(typeof meta?.local_name === 'string' && { model: meta.local_name }),
        ...nameField(c.config.name),
      });
      if (isRecord(c.status)) facts.push({ type: 'bthome-status', component: c.key, status: c.status });
    }
  }
  // The reply's sender is the device; the topic prefix is the requester's reply address.
  const src = isTrustedDeviceId(frame.src) ? frame.src : undefined;
  if (!src) return { kind: 'ignored', why: 'request' };
  return { kind: 'device', device: { key: src, generation: 2, id: src, isKnownByIdOnly: true }, facts };
}

export function decodeGen2(
  kind: Gen2TopicKind,
  prefix: string,
  detail: string | undefined,
  text: string,
  ctx: DecodeContext,
): DecodeOutcome {
  if (kind === 'online') {
    if (text === 'true' || text === 'false') {
      return {
        kind: 'device',
        device: device(prefix, undefined),
        facts: [{ type: 'online', isOnline: text === 'true' }],
      };
    }
    return { kind: 'device', device: device(prefix, undefined), facts: [] };
  }
  if (kind === 'command') return { kind: 'ignored', why: 'request' };
  if (text.length === 0) return { kind: 'ignored', why: 'empty' };
  const parsed = parseJsonObject(text);
  if ('error' in parsed) return { kind: 'rejected', reason: parsed.error };
  const frame = parsed.value;

  if (kind === 'announce') {
    const facts: Fact[] = [
      {
        type: 'identity',
        ...(typeof frame.id === 'string' && { id: frame.id }),
        ...(typeof frame.model === 'string' && { model: frame.model }),
        ...nameField(frame.name),
        ...(typeof frame.ver === 'string' && { firmware: frame.ver }),
        ...(typeof frame.gen === 'number' && { generation: frame.gen }),
      },
    ];
    return { kind: 'device', device: device(prefix, frame.id), facts };
  }
  if (kind === 'rpc') return rpcReply(prefix, frame, ctx);
  if (kind === 'status-all') {
    // Every component's full status, without a timestamp of its own.
    const facts = componentFacts(frame, {
      arrivalS: ctx.arrivalS,
      fallbackS: ctx.arrivalS,
      isDeviceTimed: false,
    });
    return { kind: 'device', device: device(prefix, undefined), facts };
  }
  if (kind === 'status') {
    // A full component status without a timestamp of its own: ordered by arrival (§5.3).
    const facts = componentFacts(
      { [detail as string]: frame },
      { arrivalS: ctx.arrivalS, fallbackS: ctx.arrivalS, isDeviceTimed: false },
    );
    return { kind: 'device', device: device(prefix, undefined), facts };
  }

  // events/rpc
  if ('result' in frame || 'error' in frame) return { kind: 'ignored', why: 'request' };
  const { method, params } = frame;
  if (method === 'NotifyStatus' || method === 'NotifyFullStatus') {
    if (!isRecord(params)) return { kind: 'rejected', reason: 'bad-frame' };
    const tsS = trustedTimeS(params.ts, ctx.arrivalS);
    const facts = componentFacts(params, {
      arrivalS: ctx.arrivalS,
      fallbackS: tsS ?? ctx.arrivalS,
      isDeviceTimed: tsS !== null,
    });
    return { kind: 'device', device: device(prefix, frame.src), facts };
  }
  if (method === 'NotifyEvent') {
    if (!isRecord(params) || !Array.isArray(params.events)) return { kind: 'rejected', reason: 'bad-frame' };
    return { kind: 'device', device: device(prefix, frame.src), facts: eventFacts(params.events) };
  }
  return { kind: 'device', device: device(prefix, frame.src), facts: [] };
}
