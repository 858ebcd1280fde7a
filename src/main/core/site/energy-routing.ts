/**
 * Where each channel's energy goes now: its metering role and the places that have a main meter
 * (booking-targets.ts), worked out again only when roles or the placement of a meter with a role
 * change. The energy engine, the live snapshot and the demo's history all ask this one object.
 */
import { bookingTargets, mainPlaceNode, type Target } from './booking-targets';
import { DeviceCategories } from './device-categories';
import type { MeterRoles } from './meter-roles';
import type { Placement } from './placement';
import type { Channel, Device, SiteRegistry } from './registry';

export class EnergyRouting {
  private mains = new Set<string>();
  private mainsVersion = -1;

  constructor(
    readonly registry: SiteRegistry,
    readonly roles: MeterRoles,
    readonly categories: DeviceCategories = new DeviceCategories(),
  ) {}

  /** Changes whenever targets computed before may be wrong now (both counters only grow). */
  get version(): number {
    return this.roles.version + this.categories.version;
  }

  /** Whether a place node (room, office, company, Unassigned) has a main meter now. */
  hasMain(node: string): boolean {
    if (this.mainsVersion !== this.roles.version) {
      this.mains = mainPlaces(this.registry.devices.values(), this.roles);
      this.mainsVersion = this.roles.version;
    }
    return this.mains.has(node);
  }

  /** The targets of a channel's energy counted under `placement` (its device's, unless a minute remembers another). */
  targets(channel: Channel, placement: Placement = channel.device.placement): Target[] {
    const { device, row } = channel;
    return bookingTargets(
      device.row.key,
      row.component,
      row.isPhase,
      placement,
      this.roles.roleOf(device, row.component),
      (node) => this.hasMain(node),
      this.categories.categoryOf(device),
    );
  }
}

/** The places that have a main meter now (room, office or company node ids, or Unassigned). */
function mainPlaces(devices: Iterable<Device>, roles: MeterRoles): Set<string> {
  const out = new Set<string>();
  if (roles.all().length === 0) return out;
  for (const device of devices) {
    // Every role stored for the device or any of its channels, heard from yet or not: a place has
    // its main meter from the moment the meter is placed, before its first reading.
    for (const stored of roles.storedFor(device)) {
      if (stored.role.role === 'main') out.add(mainPlaceNode(device.placement, stored.role.scope));
    }
  }
  return out;
}
