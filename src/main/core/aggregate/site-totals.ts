/**
 * Every node's totals, kept up to date from what changed instead of summed afresh: energy from the
 * running totals, power summed from each device's latest readings, and how many devices under the
 * node reported recently (so a reader knows how complete a number is).
 *
 * Summing the whole site four times a second (what totals.live did) took half the core's thread at
 * 10,000 channels even while only a few devices reported (bench renderer: 14.5 s of 28 s busy), and
 * during a backlog every command waited behind it. Now each device's share of the nodes above it
 * is remembered; when the device reads, moves, gains a channel, falls silent or goes away, its old
 * share is taken off and its new one added, and only the nodes it touches are worked out again.
 * Power is summed in whole milliwatts, so taking a share off leaves exactly what was there.
 */
import type { NodeTotals } from '../../../shared/contract';
import { unitsToWh } from '../units';
import { nodeId, type Placement } from '../site/placement';
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

const toMw = (powerW: number): number => Math.round(powerW * 1000);

/** What one device adds to the nodes above it, kept so that exactly this can be taken off again. */
interface Share {
  device: Device;
  /** The device's channels, in the order their nodes follow its own node in `nodes`. */
  components: string[];
  placement: Placement;
  channelCount: number;
  isReporting: boolean;
  /** Nodes the device counts as one device of: its own, its channels', its places'. */
  nodes: string[];
  /** The running sums of `nodes`, in the same order (each stays in `sums` while a share counts in it). */
  sums: NodeSum[];
  /** Milliwatts added to each of `nodes`, in the same order. */
  powerMw: number[];
  /** With metering roles: power routed to places as the energy is, node and mW in turn. */
  routed: Array<string | number>;
}

/** The running sums of one node. */
interface NodeSum {
  devices: number;
  reporting: number;
  powerMw: number;
  routedMw: number;
  /** A channel node's device and component: its voltage, current and power factor come from there. */
  channelOf?: { device: Device; component: string };
}

const isPlaceNode = (node: string): boolean =>
  node === nodeId.unassigned || /^(room|office|company):/.test(node);

/** What a target of this shape takes of a meter's signed power (import positive). */
function shapedPower(shape: Shape, powerW: number): number {
  if (shape === Shape.Production) return Math.max(0, -powerW);
  if (shape === Shape.ImportOnly) return Math.max(0, powerW);
  return powerW;
}

/** Sensors and relays without metering add nothing to any node. */
const hasShare = (device: Device): boolean => device.channels.size > 0 || device.powerW.size > 0;

export function devicePowerW(device: Device): number {
  let sum = 0;
  for (const [component, powerW] of device.powerW) {
    // A phase's power is part of em:N total_act_power, reported under emdata:N already.
    if (!component.includes('/')) sum += powerW;
  }
  return sum;
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

/** A share's nodes: the device's own, its channels' (in `components` order), then its places'. */
function shareNodes(key: string, components: readonly string[], placement: Placement): string[] {
  const places =
    'place' in placement
      ? [nodeId.room(placement.place), nodeId.office(placement.place), nodeId.company(placement.place)]
      : [nodeId.unassigned];
  return [nodeId.device(key), ...components.map((component) => nodeId.channel(key, component)), ...places];
}

const isReporting = (device: Device, nowMs: number): boolean =>
  nowMs - device.row.lastSeenMs <= REPORTING_WINDOW_MS && device.memory.isOnline !== false;

export class SiteTotals {
  private readonly shares = new Map<Device, Share>();
  private readonly sums = new Map<string, NodeSum>();
  /** Every node's totals as last worked out; an entry is replaced, never changed, when it moves. */
  private readonly current = new Map<string, NodeTotals>();
  /** Devices that read since the last refresh. */
  private readonly read = new Set<Device>();
  /** Nodes worked out again since the last takeTouched(). */
  private touched = new Set<string>();
  private isStale = true;
  private routingVersion = -1;
  private day = -1;
  /** Metering roles are in play: place power follows the energy's routes. */
  private isRouted = false;

  constructor(
    private readonly deps: {
      registry: SiteRegistry;
      totals: RunningTotals;
      today: TodayTotals;
      routing?: EnergyRouting;
    },
  ) {}

  /** A device's message was applied: its power, energy or electrical values may have changed. */
  markRead(device: Device): void {
    this.read.add(device);
  }

  /** Energy or places moved outside a device's reading (assignments, roles, history): all afresh. */
  markAll(): void {
    this.isStale = true;
  }

  /**
   * Every node's totals at `nowMs`. The map and its entries are this object's own: read them (an
   * entry is replaced, never changed), change nothing.
   */
  snapshot(nowMs: number): ReadonlyMap<string, NodeTotals> {
    this.refresh(nowMs);
    return this.current;
  }

  /** The totals at `nowMs`, and which nodes were worked out again since the last call. */
  takeTouched(nowMs: number): { current: ReadonlyMap<string, NodeTotals>; touched: Set<string> } {
    this.refresh(nowMs);
    const touched = this.touched;
    this.touched = new Set();
    return { current: this.current, touched };
  }

  private refresh(nowMs: number): void {
    const { registry, today, routing } = this.deps;
    // Roles change only with the routing's version, which works everything out again: whether
    // any are in play is asked then, not for every device and node.
    if (routing && routing.version !== this.routingVersion) {
      this.routingVersion = routing.version;
      this.isRouted = routing.roles.all().length > 0;
      this.isStale = true;
    }
    if (this.isStale) this.rebuild(nowMs);
    // Past midnight every node's energy today starts again from zero.
    today.isToday(nowMs);
    if (today.day !== this.day) {
      this.day = today.day;
      for (const node of this.current.keys()) this.touched.add(node);
      for (const node of this.sums.keys()) this.touched.add(node);
    }
    const changed = new Set<Device>(this.read);
    this.read.clear();
    // Cheap checks over every device: falling silent takes no message, and moves, new channels
    // and replaced devices are easier seen here than told about from everywhere they happen.
    let shared = 0;
    for (const device of registry.devices.values()) {
      const share = this.shares.get(device);
      if (!share) {
        if (hasShare(device)) changed.add(device);
        continue;
      }
      shared++;
      if (
        share.placement !== device.placement ||
        share.channelCount !== device.channels.size ||
        share.isReporting !== isReporting(device, nowMs)
      )
        changed.add(device);
    }
    // Some device with a share is no longer in the registry (forgotten, or replaced under its key).
    if (shared !== this.shares.size)
      for (const device of this.shares.keys())
        if (registry.devices.get(device.row.key) !== device) changed.add(device);
    for (const device of changed) this.reshare(device, nowMs);
    for (const node of this.touched) this.workOut(node, nowMs);
  }

  private rebuild(nowMs: number): void {
    this.isStale = false;
    this.shares.clear();
    this.sums.clear();
    for (const node of this.current.keys()) this.touched.add(node);
    // Energy stays where it was counted: a place whose devices all moved away (Unassigned after
    // its last device was placed) still reports what it counted, with no device under it.
    for (const row of this.deps.totals.places()) this.touched.add(row.node);
    for (const device of this.deps.registry.devices.values()) this.reshare(device, nowMs);
  }

  /** Takes the device's old share off and adds its share now (none once it is gone). */
  private reshare(device: Device, nowMs: number): void {
    const old = this.shares.get(device);
    if (old) {
      this.add(old, -1);
      this.shares.delete(device);
    }
    if (this.deps.registry.devices.get(device.row.key) !== device || !hasShare(device)) return;
    const share = this.shareOf(device, nowMs, old);
    this.shares.set(device, share);
    this.add(share, 1);
  }

  /**
   * The device's share now. In a backlog every device reads before each push: a device that has
   * not moved and has the same channels keeps the nodes (and their sums) of its `old` share, so a
   * reading costs its power figures, not six node names built and looked up again.
   */
  private shareOf(device: Device, nowMs: number, old: Share | undefined): Share {
    const key = device.row.key;
    const placement = device.placement;
    const { isRouted } = this;
    const devicePowerMw = toMw(devicePowerW(device));
    const components = [...device.channels.keys()];
    const isSameNodes =
      old !== undefined &&
      old.placement === placement &&
      old.components.length === components.length &&
      old.components.every((component, i) => component === components[i]);
    const nodes = isSameNodes ? old.nodes : shareNodes(key, components, placement);
    const powerMw = [devicePowerMw];
    for (const component of components) powerMw.push(toMw(device.powerW.get(component) ?? 0));
    // The places: with metering roles a place's power follows the same routes as its energy (a
    // main meter's power is the place's, not added to the loads it feeds).
    while (powerMw.length < nodes.length) powerMw.push(isRouted ? 0 : devicePowerMw);
    const routed: Array<string | number> = [];
    if (isRouted && this.deps.routing) {
      for (const [component, powerW] of device.powerW) {
        if (component.includes('/')) continue;
        const channel = device.channels.get(component);
        if (!channel) continue;
        for (const { node, shape } of this.deps.routing.targets(channel)) {
          if (!isPlaceNode(node)) continue; // channel, device, series
          routed.push(node, toMw(shapedPower(shape, powerW)));
        }
      }
    }
    return {
      device,
      components,
      placement,
      channelCount: device.channels.size,
      isReporting: isReporting(device, nowMs),
      nodes,
      sums: isSameNodes ? old.sums : nodes.map((node) => this.sumOf(node)),
      powerMw,
      routed,
    };
  }

  /** Adds (sign 1) or takes off (sign -1) a share, and marks the nodes it touches. */
  private add(share: Share, sign: 1 | -1): void {
    share.nodes.forEach((node, i) => {
      const sum = share.sums[i] as NodeSum;
      const component = share.components[i - 1];
      if (component !== undefined && sign === 1) sum.channelOf = { device: share.device, component };
      sum.devices += sign;
      if (share.isReporting) sum.reporting += sign;
      sum.powerMw += sign * (share.powerMw[i] as number);
      this.touched.add(node);
    });
    for (let i = 0; i < share.routed.length; i += 2) {
      const node = share.routed[i] as string;
      this.sumOf(node).routedMw += sign * (share.routed[i + 1] as number);
      this.touched.add(node);
    }
  }

  private sumOf(node: string): NodeSum {
    let sum = this.sums.get(node);
    if (!sum) {
      sum = { devices: 0, reporting: 0, powerMw: 0, routedMw: 0 };
      this.sums.set(node, sum);
    }
    return sum;
  }

  /** A node's totals now, or none when no device counts under it and it keeps no energy of its own. */
  private workOut(node: string, nowMs: number): void {
    const { totals, today, routing } = this.deps;
    const sum = this.sums.get(node);
    const row = totals.get(node);
    if (sum && sum.devices === 0 && sum.routedMw === 0) this.sums.delete(node);
    const hasDevices = sum !== undefined && sum.devices > 0;
    if (!hasDevices && !(row && isPlaceNode(node))) {
      this.current.delete(node);
      return;
    }
    const { isRouted } = this;
    const powerMw = (sum?.powerMw ?? 0) + (isRouted ? (sum?.routedMw ?? 0) : 0);
    const t: NodeTotals = {
      id: node,
      energyWh: row ? unitsToWh(row.energyUnits) : 0,
      returnedWh: row ? unitsToWh(row.returnedUnits) : 0,
      powerW: Math.round(powerMw / 100) / 10,
      todayWh: unitsToWh(today.energyUnits(node, nowMs)),
      devices: sum?.devices ?? 0,
      reporting: sum?.reporting ?? 0,
      since: row ? sinceIso(row) : null,
    };
    const channel = sum?.channelOf;
    // A meter's phase (or EM1 channel) carries its voltage, current and PF with its power.
    if (channel && channel.device.electrical.size > 0) {
      const electrical = electricalOf(channel.device, channel.component);
      if (electrical) t.electrical = electrical;
    }
    if (isRouted || totals.get(productionNode(node)) || totals.get(supplyNode(node))) {
      const supply = totals.get(supplyNode(node));
      const production = totals.get(productionNode(node));
      if (supply || production)
        Object.assign(t, roleFigures(supply, totals.get(loadsNode(node))?.energyUnits ?? 0, production));
      if (routing?.hasMain(node)) t.hasMain = true;
    }
    this.current.set(node, t);
  }
}
