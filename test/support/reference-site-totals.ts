/**
 * The oracle for aggregate/site-totals.ts: every node's totals summed afresh from every device,
 * as the console did before it kept them from what changed (commit 1cb9dde's snapshot.ts, its
 * caches taken out). test/unit/site-totals.test.ts holds the kept totals to this.
 */
import type { NodeTotals } from '../../src/shared/contract';
import { unitsToWh } from '../../src/main/core/units';
import { nodeId } from '../../src/main/core/site/placement';
import { electricalOf } from '../../src/main/core/site/electrical';
import type { Device, SiteRegistry } from '../../src/main/core/site/registry';
import type { TotalRow } from '../../src/main/core/store/rows';
import type { RunningTotals } from '../../src/main/core/aggregate/running-totals';
import type { TodayTotals } from '../../src/main/core/aggregate/today-totals';
import { roleFigures } from '../../src/main/core/aggregate/role-figures';
import { loadsNode, productionNode, Shape, supplyNode } from '../../src/main/core/site/booking-targets';
import type { EnergyRouting } from '../../src/main/core/site/energy-routing';

/** Shelly meters report at least once a minute (Gen1 every 30 s): three missed reports is silence. */
const REPORTING_WINDOW_MS = 180_000;

function devicePowerW(device: Device): number {
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

function deviceNodes(device: Device): DeviceNodes {
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
  return nodes;
}

const sinceIso = (row: TotalRow): string => new Date(row.sinceMs).toISOString();

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

export function referenceSiteTotals(
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
