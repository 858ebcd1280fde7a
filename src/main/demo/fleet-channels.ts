/**
 * The metered channels of the demo fleet exactly as the console will know them: each simulated
 * device's own start-up and status messages are run through the console's decoder, so the device
 * keys, ids, components and gross/phase flags of the backfilled history are the ones live ingest
 * creates — never a second, hand-kept list that could drift from what the devices publish.
 */
import { decodeShelly } from '../core/shelly/decode';
import { buildDevice } from './build-device';
import type { LoadSpec } from './load';
import { buildFleetPlan, type DeviceSpec } from './site-plan';

export interface FleetChannel {
  component: string;
  isGross: boolean;
  isPhase: boolean;
  /** Indices into the device's `loads` metered by this channel (an EM total meters every phase). */
  loadIndices: number[];
}

export interface FleetDevice {
  spec: DeviceSpec;
  /** The device key ingest uses: the Gen2+ topic prefix, `shellies/<id>` for Gen1. */
  key: string;
  shellyId: string;
  generation: 1 | 2;
  channels: FleetChannel[];
}

/** `emdata:0/b` → [1]; `emdata:0` (the EM's total) → every phase; `switch:1`, `emeter:1` → [1]. */
function loadIndicesOf(component: string, loads: readonly LoadSpec[]): number[] {
  const phase = /\/([abc])$/.exec(component)?.[1];
  if (phase) return [phase.charCodeAt(0) - 'a'.charCodeAt(0)];
  if (component.startsWith('emdata:')) return loads.map((_, i) => i);
  const index = Number(/:(\d+)$/.exec(component)?.[1] ?? Number.NaN);
  if (!Number.isInteger(index) || index >= loads.length)
    throw new Error(`demo history: no load for ${component} (${loads.length} loads)`);
  return [index];
}

export function fleetChannels(seed: number, atMs: number): FleetDevice[] {
  const out: FleetDevice[] = [];
  for (const spec of buildFleetPlan(seed)) {
    const device = buildDevice(spec, seed, atMs);
    const messages = [...device.connect(atMs), ...device.tick(atMs + 1000)];
    let ref: { key: string; id?: string; generation: 1 | 2 } | undefined;
    const channels = new Map<string, FleetChannel>();
    for (const m of messages) {
      const outcome = decodeShelly(m.topic, Buffer.from(m.payload, 'utf8'), {
        arrivalS: atMs / 1000,
        isRetained: m.retain === true,
      });
      if (outcome.kind !== 'device' || outcome.device.isKnownByIdOnly) continue;
      if (!ref?.id) ref = outcome.device;
      for (const fact of outcome.facts) {
        if (fact.type !== 'counter' || channels.has(fact.component)) continue;
        channels.set(fact.component, {
          component: fact.component,
          isGross: fact.isGross,
          isPhase: fact.isPhase,
          loadIndices: loadIndicesOf(fact.component, spec.loads),
        });
      }
    }
    if (channels.size === 0) continue;
    if (!ref?.id) throw new Error(`demo history: ${spec.prefix} never said its id`);
    out.push({
      spec,
      key: ref.key,
      shellyId: ref.id,
      generation: ref.generation,
      channels: [...channels.values()],
    });
  }
  return out;
}
