/**
 * The totals of every node at one moment: energy from the running totals, power summed from each
 * device's latest readings, and how many devices under the node reported recently (so a reader
 * knows how complete a number is).
 */
import type { NodeTotals } from '../../../shared/contract';
import { unitsToWh } from '../units';
import { nodeId } from '../site/placement';
import { electricalOf } from '../site/electrical';
import type { Device, SiteRegistry } from '../site/registry';
import type { TotalRow } from '../store/rows';
import type { RunningTotals } from './running-totals';
import type { TodayTotals } from './today-totals';
import { roleFigures } from './role-figures';
import { loadsNode, productionNode, Shape, supplyNode } from '../site/booking-targets';
import type { EnergyRouting } from '../site/energy-routing';

/** Shelly meters report at least once a minute (Gen1 every 30 s): three missed reports is silence. */
export const REPORTING_WINDOW_MS = 180_000;

export function devicePowerW(device: Device): number {
  let sum = 0;
  for (const [component, powerW] of device.powerW) {
    // A phase's power is part of em:N total_act_power, reported under emdata:N already.
    if (!component.includes('/')) sum += powerW;
  }
  return sum;
}

/** A device's node ids, kept while its placement and channels stay the same. */
interface DeviceNodes {
  placement: Device['placement'];
  channelCount: number;
  device: string;
  channels: Array<{ component: string; node: string }>;
  /** Room, office and company, or just "unassigned". */
  places: string[];
}

// The snapshot runs four times a second over every device: building each node id afresh made
// new strings to hash and was most of its cost at 10,000 channels. Weak, so forgotten devices go.
const nodesOfDevice = new WeakMap<Device, DeviceNodes>();

function deviceNodes(device: Device): DeviceNodes {
  const cached = nodesOfDevice.get(device);
  if (cached && cached.placement === device.placement && cached.channelCount === device.channels.size)
    return cached;
  const key = device.row.key;
  const nodes: DeviceNodes = {
    placement: device.placement,
    channelCount: device.channels.size,
    device: nodeId.device(key),
    channels: [...device.channels.values()].map((c) => ({
      component: c.row.component,
      node: nodeId.channel(key, c.row.component),
    })),
    places:
      'place' in device.placement
        ? [
            nodeId.room(device.placement.place),
            nodeId.office(device.placement.place),
            nodeId.company(device.placement.place),
          ]
        : [nodeId.unassigned],
  };
  nodesOfDevice.set(device, nodes);
  return nodes;
}

/** A node's `since` as text, formatted once: it only changes when the node's totals start over. */
const sinceText = new WeakMap<TotalRow, { ms: number; iso: string }>();

function sinceIso(row: TotalRow): string {
  const cached = sinceText.get(row);
  if (cached && cached.ms === row.sinceMs) return cached.iso;
  const iso = new Date(row.sinceMs).toISOString();
  sinceText.set(row, { ms: row.sinceMs, iso });
  return iso;
}

/** What a target of this shape takes of a meter's signed power (import positive). */
function shapedPower(shape: Shape, powerW: number): number {
  if (shape === Shape.Production) return Math.max(0, -powerW);
  if (shape === Shape.ImportOnly) return Math.max(0, powerW);
  return powerW;
}

/**
 * With metering roles in play a place's power follows the same routes as its energy (a main
 * meter's power is the place's, not added to the loads it feeds). Returns node → W.
 */
function routedPower(registry: SiteRegistry, routing: EnergyRouting): Map<string, number> {
  const out = new Map<string, number>();
  for (const device of registry.devices.values()) {
    for (const [component, powerW] of device.powerW) {
      if (component.includes('/')) continue;
      const channel = device.channels.get(component);
      if (!channel) continue;
      for (const { node, shape } of routing.targets(channel)) {
        if (node.includes(':') && !/^(room|office|company):/.test(node)) continue; // channel, device, series
        out.set(node, (out.get(node) ?? 0) + shapedPower(shape, powerW));
      }
    }
  }
  return out;
}

export function snapshot(
  registry: SiteRegistry,
  totals: RunningTotals,
  today: TodayTotals,
  nowMs: number,
  routing?: EnergyRouting,
): Map<string, NodeTotals> {
  const isRouted = routing !== undefined && routing.roles.all().length > 0;
  // One object per node, summed into and then completed: this runs four times a second.
  const out = new Map<string, NodeTotals>();
  const bump = (node: string, powerW: number, isReporting: boolean) => {
    let t = out.get(node);
    if (!t) {
      t = {
        id: node,
        energyWh: 0,
        returnedWh: 0,
        powerW: 0,
        todayWh: 0,
        devices: 0,
        reporting: 0,
        since: null,
      };
      out.set(node, t);
    }
    t.powerW += powerW;
    t.devices += 1;
    if (isReporting) t.reporting += 1;
  };
  for (const device of registry.devices.values()) {
    if (device.channels.size === 0 && device.powerW.size === 0) continue; // sensors, non-metering relays
    const nodes = deviceNodes(device);
    const powerW = devicePowerW(device);
    const isReporting =
      nowMs - device.row.lastSeenMs <= REPORTING_WINDOW_MS && device.memory.isOnline !== false;
    bump(nodes.device, powerW, isReporting);
    for (const { component, node } of nodes.channels) {
      bump(node, device.powerW.get(component) ?? 0, isReporting);
      // A meter's phase (or EM1 channel) carries its voltage, current and PF with its power.
      const electrical = device.electrical.size > 0 ? electricalOf(device, component) : undefined;
      const t = electrical && out.get(node);
      if (t) t.electrical = electrical;
    }
    for (const node of nodes.places) bump(node, isRouted ? 0 : powerW, isReporting);
  }
  if (isRouted) {
    for (const [node, powerW] of routedPower(registry, routing)) {
      const t = out.get(node);
      if (t) t.powerW += powerW;
    }
  }
  // Energy stays where it was counted: a place whose devices all moved away (Unassigned after
  // its last device was placed) still reports what it counted, with no device under it.
  for (const row of totals.places()) {
    if (!out.has(row.node)) {
      out.set(row.node, {
        id: row.node,
        energyWh: 0,
        returnedWh: 0,
        powerW: 0,
        todayWh: 0,
        devices: 0,
        reporting: 0,
        since: null,
      });
    }
  }
  for (const t of out.values()) {
    const row = totals.get(t.id);
    if (row) {
      t.energyWh = unitsToWh(row.energyUnits);
      t.returnedWh = unitsToWh(row.returnedUnits);
      t.since = sinceIso(row);
    }
    t.powerW = Math.round(t.powerW * 10) / 10;
    t.todayWh = unitsToWh(today.energyUnits(t.id, nowMs));
    if (isRouted || totals.get(productionNode(t.id)) || totals.get(supplyNode(t.id))) {
      const supply = totals.get(supplyNode(t.id));
      const production = totals.get(productionNode(t.id));
      if (supply || production)
        Object.assign(t, roleFigures(supply, totals.get(loadsNode(t.id))?.energyUnits ?? 0, production));
      if (routing?.hasMain(t.id)) t.hasMain = true;
    }
  }
  return out;
}
