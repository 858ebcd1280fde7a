/**
 * Facts inside one Gen2+ component status, full or partial (a NotifyStatus only carries the
 * fields that changed, so a missing field means "unchanged", never zero: PROTOCOL.md §5.2).
 */
import { CLIMATE_TYPES, climateFacts } from './climate';
import { coverFact } from './cover';
import { meterReadings } from './meter-readings';
import { finiteNumber, isRecord, powerWatts, trustedTimeS, whCounterUnits } from './payload';
import type { Direction, Fact, OrderKey } from './types';

export interface StatusContext {
  arrivalS: number;
  /** `params.ts` if trusted, else the arrival time. */
  fallbackS: number;
  isDeviceTimed: boolean;
}

const COMPONENT_KEY = /^([a-z][a-z0-9_]*)(?::(\d+))?$/;

interface ComponentKey {
  type: string;
  idText: string | undefined;
}

/**
 * Parsed component keys, remembered: a fleet repeats the same few keys in every message. Bounded,
 * because keys are data and a hostile publisher could send endless new ones.
 */
const knownKeys = new Map<string, ComponentKey | null>();
const MAX_KNOWN_KEYS = 4096;

function componentKey(key: string): ComponentKey | null {
  let parsed = knownKeys.get(key);
  if (parsed === undefined) {
    const match = COMPONENT_KEY.exec(key);
    parsed = match ? { type: match[1] as string, idText: match[2] } : null;
    if (knownKeys.size >= MAX_KNOWN_KEYS) knownKeys.clear();
    knownKeys.set(key, parsed);
  }
  return parsed;
}
/**
 * Components read by type: meters whose counters sit in fields of their own (§4.4, §4.5), and
 * the rest of the device. Every other component with an id meters through `aenergy` when it
 * carries one (switch, pm1, cover, light, rgb, rgbw, cct and whatever comes next): one path, so a
 * new kind of metered output is counted the day it appears.
 */
const SPECIAL_TYPES = new Set(['em', 'em1', 'emdata', 'em1data', 'sys', 'bthomedevice', 'bthomesensor']);
/** A field that looks like an energy counter: on a component we cannot read, it must be said. */
const ENERGY_LIKE_FIELD = /energy|^total_act(?!.*power)/i;

interface CounterFlags {
  isDeviceTimed: boolean;
  isPhase: boolean;
  isGross: boolean;
  isMinuteStart?: boolean;
}

function counter(
  facts: Fact[],
  component: string,
  direction: Direction,
  raw: unknown,
  order: OrderKey,
  flags: CounterFlags,
): void {
  const units = whCounterUnits(raw);
  if ('error' in units) {
    // Phases are tracked but not reported one by one; the device total carries the rejection.
    if (!flags.isPhase)
      facts.push({
        type: 'counter-rejected',
        component,
        direction,
        reason: units.error,
        ...(typeof raw === 'number' && { value: raw }),
      });
    return;
  }
  facts.push({
    type: 'counter',
    component,
    direction,
    units: units.value,
    order,
    isGen1: false,
    isDeviceTimed: flags.isDeviceTimed,
    isPhase: flags.isPhase,
    isGross: flags.isGross,
    ...(flags.isMinuteStart && { isMinuteStart: true }),
  });
}

const AENERGY_COUNTERS = [
  ['aenergy', 'import'],
  ['ret_aenergy', 'return'],
] as const;

/**
 * Any component with an id: its `aenergy`/`ret_aenergy` counters (aenergy counts both directions,
 * §4.2), its power and its output. A partial NotifyStatus may carry only some of these.
 */
function meteredOutput(
  facts: Fact[],
  component: string,
  status: Record<string, unknown>,
  ctx: StatusContext,
): void {
  const unread: string[] = [];
  for (const [field, direction] of AENERGY_COUNTERS) {
    if (!(field in status)) continue;
    const energy = status[field];
    // The firmware always sends aenergy whole; one without its total cannot be counted.
    if (!isRecord(energy) || !('total' in energy)) {
      unread.push(field);
      continue;
    }
    // aenergy changes once a minute and carries minute_ts: the best ordering key it has (§4.3).
    const minuteS = trustedTimeS(energy.minute_ts, ctx.arrivalS);
    counter(
      facts,
      component,
      direction,
      energy.total,
      { primaryS: minuteS ?? ctx.fallbackS, secondaryS: ctx.fallbackS },
      {
        isDeviceTimed: ctx.isDeviceTimed || minuteS !== null,
        isPhase: false,
        isGross: true,
        isMinuteStart: minuteS !== null,
      },
    );
  }
  for (const field of Object.keys(status))
    if (!isAenergyField(field) && ENERGY_LIKE_FIELD.test(field)) unread.push(field);
  // Field names are data: a few, cut short, are enough to say what was not read.
  if (unread.length > 0)
    facts.push({
      type: 'energy-unreadable',
      component,
      fields: unread.slice(0, MAX_NAMED_FIELDS).map((f) => f.slice(0, MAX_FIELD_NAME)),
    });
  power(facts, component, status.apower);
  if (typeof status.output === 'boolean') facts.push({ type: 'output', component, isOn: status.output });
  const cover = component.startsWith('cover:') ? coverFact(component, status) : null;
  if (cover) facts.push(cover);
}

const MAX_NAMED_FIELDS = 4;
const MAX_FIELD_NAME = 40;
const isAenergyField = (field: string): boolean => field === 'aenergy' || field === 'ret_aenergy';

function emData(facts: Fact[], component: string, status: Record<string, unknown>, ctx: StatusContext): void {
  const order = { primaryS: ctx.fallbackS, secondaryS: ctx.fallbackS };
  const flags = { isDeviceTimed: ctx.isDeviceTimed, isPhase: false, isGross: false };
  // total_act is rounded on its own; the device total uses it, never the sum of the phases (§4.4).
  if ('total_act' in status) counter(facts, component, 'import', status.total_act, order, flags);
  if ('total_act_ret' in status) counter(facts, component, 'return', status.total_act_ret, order, flags);
  for (const phase of ['a', 'b', 'c'] as const) {
    const phaseFlags = { ...flags, isPhase: true };
    const imp = `${phase}_total_act_energy`;
    const ret = `${phase}_total_act_ret_energy`;
    if (imp in status) counter(facts, `${component}/${phase}`, 'import', status[imp], order, phaseFlags);
    if (ret in status) counter(facts, `${component}/${phase}`, 'return', status[ret], order, phaseFlags);
  }
}

function em1Data(
  facts: Fact[],
  component: string,
  status: Record<string, unknown>,
  ctx: StatusContext,
): void {
  const order = { primaryS: ctx.fallbackS, secondaryS: ctx.fallbackS };
  const flags = { isDeviceTimed: ctx.isDeviceTimed, isPhase: false, isGross: false };
  if ('total_act_energy' in status)
    counter(facts, component, 'import', status.total_act_energy, order, flags);
  if ('total_act_ret_energy' in status)
    counter(facts, component, 'return', status.total_act_ret_energy, order, flags);
}

/**
 * Instantaneous figures of a meter; the counters live in the matching emdata/em1data component.
 * A three-phase `em:N` also reports each phase: its power, voltage, current and power factor go
 * on the phase's channel (`emdata:N/a`), whose power is never added to the device (aggregate/site-totals.ts).
 */
function emPower(facts: Fact[], type: string, id: string, status: Record<string, unknown>): void {
  const meter = `${type}data:${id}`;
  power(facts, meter, type === 'em' ? status.total_act_power : status.act_power);
  if (type === 'em1') {
    meterReadings(facts, meter, status, '');
    return;
  }
  for (const phase of ['a', 'b', 'c'] as const) {
    power(facts, `${meter}/${phase}`, status[`${phase}_act_power`]);
    meterReadings(facts, `${meter}/${phase}`, status, `${phase}_`);
  }
}

function power(facts: Fact[], component: string, raw: unknown): void {
  const parsed = powerWatts(raw);
  if (!parsed) return;
  if ('error' in parsed)
    facts.push({ type: 'component-rejected', component, reason: parsed.error, value: raw as number });
  else facts.push({ type: 'power', component, powerW: parsed.value });
}

/** All facts from a map of component key → status object (NotifyStatus params or one status topic). */
export function componentFacts(components: Record<string, unknown>, ctx: StatusContext): Fact[] {
  const facts: Fact[] = [];
  for (const key of Object.keys(components)) {
    if (key === 'ts') continue;
    const parsed = componentKey(key);
    if (!parsed) continue; // `__proto__`, `constructor` and other non-components: data, not keys
    const { type, idText } = parsed;
    if (idText !== undefined && (idText.length > 5 || Number(idText) > 65535)) {
      facts.push({ type: 'component-rejected', component: key, reason: 'bad-component-id' });
      continue;
    }
    const status = components[key];
    if (!isRecord(status)) continue;
    if (type === 'emdata' && idText !== undefined) emData(facts, key, status, ctx);
    else if (type === 'em1data' && idText !== undefined) em1Data(facts, key, status, ctx);
    else if ((type === 'em' || type === 'em1') && idText !== undefined) emPower(facts, type, idText, status);
    else if (type === 'sys') {
      const uptimeS = finiteNumber(status.uptime);
      if (uptimeS !== undefined) facts.push({ type: 'uptime', uptimeS });
    } else if (type === 'bthomedevice' || type === 'bthomesensor') {
      facts.push({ type: 'bthome-status', component: key, status });
    } else if (idText !== undefined && CLIMATE_TYPES.has(type)) {
      climateFacts(facts, type, key, status);
    } else if (idText !== undefined && !SPECIAL_TYPES.has(type)) {
      // Metering components always carry an id (`switch:0`); a bare `switch` is not one of them.
      meteredOutput(facts, key, status, ctx);
    }
  }
  return facts;
}
