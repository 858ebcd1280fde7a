/**
 * The totals of every node at one moment: energy from the running totals, power summed from each
 * device's latest readings, and how many devices under the node reported recently (so a reader
 * knows how complete a number is).
 */
import type { NodeTotals } from '../../../shared/contract';
import { UNITS_PER_WH } from '../shelly/types';
import { nodeId } from '../site/placement';
import type { Device, SiteRegistry } from '../site/registry';
import type { RunningTotals } from './running-totals';
import type { TodayTotals } from './today-totals';

/** Shelly meters report at least once a minute (Gen1 every 30 s): three missed reports is silence. */
export const REPORTING_WINDOW_MS = 180_000;

export const unitsToWh = (units: number): number => Math.round((units / UNITS_PER_WH) * 1000) / 1000;

export function devicePowerW(device: Device): number {
  let sum = 0;
  for (const [component, powerW] of device.powerW) {
    // A phase's power is part of em:N total_act_power, reported under emdata:N already.
    if (!component.includes('/')) sum += powerW;
  }
  return sum;
}

interface Accumulator {
  powerW: number;
  devices: number;
  reporting: number;
}

export function snapshot(
  registry: SiteRegistry,
  totals: RunningTotals,
  today: TodayTotals,
  nowMs: number,
): Map<string, NodeTotals> {
  const acc = new Map<string, Accumulator>();
  const bump = (node: string, powerW: number, isReporting: boolean) => {
    const a = acc.get(node) ?? { powerW: 0, devices: 0, reporting: 0 };
    a.powerW += powerW;
    a.devices += 1;
    if (isReporting) a.reporting += 1;
    acc.set(node, a);
  };
  for (const device of registry.devices.values()) {
    if (device.channels.size === 0 && device.powerW.size === 0) continue; // sensors, non-metering relays
    const powerW = devicePowerW(device);
    const isReporting =
      nowMs - device.row.lastSeenMs <= REPORTING_WINDOW_MS && device.memory.isOnline !== false;
    bump(nodeId.device(device.row.key), powerW, isReporting);
    for (const [component, channel] of device.channels) {
      bump(
        nodeId.channel(device.row.key, channel.row.component),
        device.powerW.get(component) ?? 0,
        isReporting,
      );
    }
    if ('place' in device.placement) {
      const p = device.placement.place;
      for (const node of [nodeId.room(p), nodeId.office(p), nodeId.company(p)])
        bump(node, powerW, isReporting);
    } else {
      bump(nodeId.unassigned, powerW, isReporting);
    }
  }
  const out = new Map<string, NodeTotals>();
  for (const [id, a] of acc) {
    const t = totals.get(id);
    out.set(id, {
      id,
      energyWh: t ? unitsToWh(t.energyUnits) : 0,
      returnedWh: t ? unitsToWh(t.returnedUnits) : 0,
      powerW: Math.round(a.powerW * 10) / 10,
      todayWh: unitsToWh(today.energyUnits(id, nowMs)),
      devices: a.devices,
      reporting: a.reporting,
      since: t ? new Date(t.sinceMs).toISOString() : null,
    });
  }
  return out;
}
