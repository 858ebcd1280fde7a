/** Gen1 topics under `shellies/<id>/…`: bare-text payloads (PROTOCOL.md §2). */
import { nameField } from './device-name';
import { gen1SensorFacts } from './gen1-sensors';
import { meterReadings } from './meter-readings';
import { MAX_COUNTER_WH, parseJsonObject, powerWatts, whCounterUnits } from './payload';
import type { DecodeContext, DecodeOutcome, DeviceRef, Fact } from './types';
import { wattMinutesToUnits, wattMinutesToWh } from '../units';

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

const device = (id: string): DeviceRef => ({ key: `shellies/${id}`, generation: 1, id });
const one = (id: string, fact: Fact): DecodeOutcome => ({
  kind: 'device',
  device: device(id),
  facts: [fact],
});

/** `<output>/<i>/power`, `emeter/<i>/power`: a signed decimal in W, within what a meter can read. */
function gen1Power(id: string, component: string, text: string): DecodeOutcome {
  if (!SIGNED_DECIMAL.test(text)) return { kind: 'rejected', reason: 'not-a-number' };
  const parsed = powerWatts(Number(text));
  if (!parsed || 'error' in parsed) return { kind: 'rejected', reason: parsed?.error ?? 'not-a-number' };
  return one(id, { type: 'power', component, powerW: parsed.value });
}

/**
 * Every metered Gen1 output, one shape (§2): `relay/<i>` (1PM, Plug S, 2.5), `roller/<i>` (2.5 in
 * roller mode), `light/<i>` (Dimmer, Bulb, Duo, Vintage, RGBW2 in white mode on newer firmware),
 * `color/<i>` and `white/<i>` (RGBW2, Bulb RGBW) — each with `/power` (W) and `/energy`
 * (watt-minutes since boot). The bare topic is the output's state: `on`/`off`, or for a roller
 * `open`/`close`/`stop`, which is not an output state.
 */
const GEN1_OUTPUT = /^(.+)\/(relay|roller|light|color|white)\/(\d+)(?:\/([a-z_]+))?$/;
/** What others send to a Gen1 output; never the device's own state. */
const GEN1_OUTPUT_REQUESTS = new Set(['command', 'set']);

function output(
  id: string,
  component: string,
  metric: string | undefined,
  text: string,
  ctx: DecodeContext,
): DecodeOutcome {
  if (metric === undefined) {
    if (text === 'on' || text === 'off') return one(id, { type: 'output', component, isOn: text === 'on' });
    return { kind: 'device', device: device(id), facts: [] }; // `overpower`, a roller's `stop`
  }
  if (metric === 'power') return gen1Power(id, component, text);
  // `status` JSON, `overpower_value`, a roller's `pos`: the device's, but nothing to count.
  if (metric !== 'energy') return { kind: 'device', device: device(id), facts: [] };
  // `-1` means "not available" right after a reboot: skip without touching state (§6.2).
  if (text === '-1') return one(id, { type: 'counter-unavailable', component, direction: 'import' });
  // Documented as an integer; a plain decimal is accepted too, nothing else.
  if (!PLAIN_DECIMAL.test(text))
    return one(id, { type: 'counter-rejected', component, direction: 'import', reason: 'not-a-number' });
  const wattMinutes = Number(text);
  if (wattMinutesToWh(wattMinutes) > MAX_COUNTER_WH)
    return one(id, { type: 'counter-rejected', component, direction: 'import', reason: 'out-of-range' });
  return one(id, {
    type: 'counter',
    component,
    direction: 'import',
    units: wattMinutesToUnits(wattMinutes),
    order: { primaryS: ctx.arrivalS, secondaryS: ctx.arrivalS },
    isDeviceTimed: false,
    isGen1: true,
    isPhase: false,
    isGross: false,
  });
}

/** An emeter's instantaneous figures (3EM: each phase's voltage, current, power factor). */
const ELECTRICAL_METRICS = new Set(['voltage', 'current', 'pf']);

function electrical(id: string, component: string, metric: string, text: string): DecodeOutcome {
  if (!SIGNED_DECIMAL.test(text))
    return one(id, { type: 'component-rejected', component, reason: 'not-a-number' });
  const facts: Fact[] = [];
  // The same checks as a Gen2 meter's `em:N` phase readings: shown, never counted.
  meterReadings(facts, component, { [metric]: Number(text) }, '');
  return { kind: 'device', device: device(id), facts };
}

function emeter(id: string, index: string, metric: string, text: string, ctx: DecodeContext): DecodeOutcome {
  const component = `emeter:${index}`;
  if (metric === 'command') {
    return text === 'reset_totals'
      ? one(id, { type: 'reboot', why: 'reset_totals' })
      : { kind: 'ignored', why: 'request' };
  }
  // `energy` and `returned_energy` are volatile watt-minute counters that restart on every boot.
  if (metric === 'energy' || metric === 'returned_energy') return { kind: 'ignored', why: 'not-a-counter' };
  if (metric === 'power') return gen1Power(id, component, text);
  if (ELECTRICAL_METRICS.has(metric)) return electrical(id, component, metric, text);
  if (metric !== 'total' && metric !== 'total_returned')
    return { kind: 'device', device: device(id), facts: [] };
  const direction = metric === 'total' ? 'import' : 'return';
  if (text === '-1') return one(id, { type: 'counter-unavailable', component, direction });
  if (!SIGNED_DECIMAL.test(text))
    return one(id, { type: 'counter-rejected', component, direction, reason: 'not-a-number' });
  const units = whCounterUnits(Number(text));
  if ('error' in units)
    return one(id, { type: 'counter-rejected', component, direction, reason: units.error });
  return one(id, {
    type: 'counter',
    component,
    direction,
    units: units.value,
    order: { primaryS: ctx.arrivalS, secondaryS: ctx.arrivalS },
    isDeviceTimed: false,
    isGen1: true,
    isPhase: false,
    isGross: false,
  });
}

export function decodeGen1(rest: string, text: string, ctx: DecodeContext): DecodeOutcome {
  if (rest === 'announce' || rest === 'command') {
    if (rest === 'command') return { kind: 'ignored', why: 'request' };
    const parsed = parseJsonObject(text);
    if ('error' in parsed) return { kind: 'rejected', reason: parsed.error };
    const a = parsed.value;
    if (typeof a.id !== 'string') return { kind: 'rejected', reason: 'bad-announce' };
    // Gen2+ devices answer the `announce` broadcast here too (GetDeviceInfo, with `gen`). It names
    // no prefix, so it can only add to a device already known by its id.
    if (typeof a.gen === 'number' && a.gen >= 2) {
      return {
        kind: 'device',
        device: { key: a.id, generation: 2, id: a.id, isKnownByIdOnly: true },
        facts: [
          {
            type: 'identity',
            id: a.id,
            generation: a.gen,
            ...(typeof a.model === 'string' && { model: a.model }),
            ...nameField(a.name),
            ...(typeof a.ver === 'string' && { firmware: a.ver }),
          },
        ],
      };
    }
    return one(a.id, {
      type: 'identity',
      id: a.id,
      ...(typeof a.model === 'string' && { model: a.model }),
      ...(typeof a.fw_ver === 'string' && { firmware: a.fw_ver }),
      generation: 1,
    });
  }
  // A custom mqtt_id may contain `/`: match the known suffix from the right (§2).
  let m = GEN1_OUTPUT.exec(rest);
  if (m) {
    if (m[4] !== undefined && GEN1_OUTPUT_REQUESTS.has(m[4])) return { kind: 'ignored', why: 'request' };
    return output(m[1] as string, `${m[2] as string}:${m[3] as string}`, m[4], text, ctx);
  }
  m = /^(.+)\/emeter\/(\d+)\/([a-z_]+)$/.exec(rest);
  if (m) return emeter(m[1] as string, m[2] as string, m[3] as string, text, ctx);
  m = /^(.+)\/sensor\/([a-z_]+)$/.exec(rest);
  if (m) {
    // Other metrics (`error`, `ext_power`, `act_reasons`) are the device's, but nothing to read.
    const facts = gen1SensorFacts(m[2] as string, text) ?? [];
    return { kind: 'device', device: device(m[1] as string), facts };
  }
  m = /^(.+)\/(online|announce|info|command)$/.exec(rest);
  if (m) {
    const id = m[1] as string;
    if (m[2] === 'online') {
      if (text !== 'true' && text !== 'false') return { kind: 'rejected', reason: 'bad-online-value' };
      return one(id, { type: 'online', isOnline: text === 'true' });
    }
    if (m[2] === 'command') return { kind: 'ignored', why: 'request' };
    if (m[2] === 'info') return { kind: 'ignored', why: 'not-a-counter' }; // mirrors relay/N/energy
    const parsed = parseJsonObject(text);
    if ('error' in parsed) return { kind: 'rejected', reason: parsed.error };
    const a = parsed.value;
    return one(id, {
      type: 'identity',
      id,
      ...(typeof a.model === 'string' && { model: a.model }),
      ...(typeof a.fw_ver === 'string' && { firmware: a.fw_ver }),
      generation: 1,
    });
  }
  // temperature, inputs, …: a known device, nothing to count.
  const idMatch = /^([^/]+)\//.exec(rest);
  return idMatch
    ? { kind: 'device', device: device(idMatch[1] as string), facts: [] }
    : { kind: 'ignored', why: 'not-shelly' };
}
