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

/**
 * A node's `since` as text, formatted once per instant rather than once per node: nodes that
 * started counting together (a site's first connection, a restored backup) share one text, where
 * a text and a cache entry per node held 15,000 of each at 10,000 channels. At most one entry per
 * node, as before, up to a limit past any site's node count.
 */
const sinceText = new Map<number, string>();
const SINCE_TEXT_LIMIT = 65_536;

function sinceIso(row: TotalRow): string {
  const known = sinceText.get(row.sinceMs);
  if (known !== undefined) return known;
  if (sinceText.size >= SINCE_TEXT_LIMIT) sinceText.clear();
  const iso = new Date(row.sinceMs).toISOString();
  sinceText.set(row.sinceMs, iso);
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

/** Whether the share still names the device's nodes: same place, same channels in the same order. */
function hasSameNodes(share: Share, device: Device): boolean {
  if (share.placement !== device.placement || share.components.length !== device.channels.size) return false;
  let i = 0;
  for (const component of device.channels.keys()) if (share.components[i++] !== component) return false;
  return true;
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
    if (old) this.add(old, -1);
    if (this.deps.registry.devices.get(device.row.key) !== device || !hasShare(device)) {
      if (old) this.shares.delete(device);
      return;
    }
    // In a backlog every device reads before each push. One that has not moved and has the same
    // channels keeps its share, refilled: a new share per reading cost six node names built and
    // looked up again, and lived just long enough for V8 to move it to the old generation as
    // garbage (bench memory-peak, allocation sampling).
    const share = old && hasSameNodes(old, device) ? old : this.newShare(device);
    this.fill(share, device, nowMs);
    if (share !== old) this.shares.set(device, share);
    this.add(share, 1);
  }

  private newShare(device: Device): Share {
    const components = [...device.channels.keys()];
    const nodes = shareNodes(device.row.key, components, device.placement);
    return {
      device,
      components,
      placement: device.placement,
      channelCount: 0,
      isReporting: false,
      nodes,
      sums: nodes.map((node) => this.sumOf(node)),
      powerMw: nodes.map(() => 0),
      routed: [],
    };
  }

  /** The device's figures now, into its share's own arrays. */
  private fill(share: Share, device: Device, nowMs: number): void {
    const { isRouted } = this;
    const devicePowerMw = toMw(devicePowerW(device));
    share.channelCount = device.channels.size;
    share.isReporting = isReporting(device, nowMs);
    const powerMw = share.powerMw;
    powerMw[0] = devicePowerMw;
    let i = 1;
    for (const component of share.components) powerMw[i++] = toMw(device.powerW.get(component) ?? 0);
    // The places: with metering roles a place's power follows the same routes as its energy (a
    // main meter's power is the place's, not added to the loads it feeds).
    for (; i < share.nodes.length; i++) powerMw[i] = isRouted ? 0 : devicePowerMw;
    const routed = share.routed;
    routed.length = 0;
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
  }

  /** Adds (sign 1) or takes off (sign -1) a share, and marks the nodes it touches. */
  private add(share: Share, sign: 1 | -1): void {
    share.nodes.forEach((node, i) => {
      const sum = share.sums[i] as NodeSum;
      const component = share.components[i - 1];
      const at = sum.channelOf;
      if (
        component !== undefined &&
        sign === 1 &&
        (at?.device !== share.device || at.component !== component)
      )
        sum.channelOf = { device: share.device, component };
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
