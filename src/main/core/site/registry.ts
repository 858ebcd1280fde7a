/**
 * The devices and channels the console knows, with what the energy engine remembers about them
 * and where each one sits. One instance per console; loaded from the store at start.
 */
import type { CounterMemory, DeviceMemory } from '../energy/counter-rules';
import type { Direction } from '../shelly/types';
import type { ChannelRow, DeviceRow } from '../store/rows';
import type { CoverMemory } from './covers';
import type { ElectricalMemory } from './electrical';
import { configComponentOf, defaultChannelName } from './channel-names';
import { nodeId, placementOf, type Place, type Placement } from './placement';

export interface Device {
  row: DeviceRow;
  memory: DeviceMemory;
  /** Latest instantaneous power per component, W. */
  powerW: Map<string, number>;
  /** Latest relay state per component. */
  outputs: Map<string, boolean>;
  /** Latest cover state and position per component (`cover:0`). */
  covers: Map<string, CoverMemory>;
  /** Latest voltage, current and power factor per meter channel (`emdata:0/a`, `em1data:1`). */
  electrical: Map<string, ElectricalMemory>;
  /** What the device's own configuration calls its components (`switch:1` → "Desk lamp"). */
  componentNames: Map<string, string>;
  channels: Map<string, Channel>;
  placement: Placement;
}

export interface Channel {
  row: ChannelRow;
  device: Device;
  counters: Partial<Record<Direction, CounterMemory>>;
}

/**
 * How "back to Unassigned" (site.assign) is stored: an assignment with no place (no place name
 * can be empty). Kept as a row, not deleted, so it overrides a placing topic prefix and its time
 * still tells history which devices may have counted in a room before it (history.ts).
 */
export const NO_PLACE: Readonly<Place> = Object.freeze({ company: '', office: '', room: '', device: '' });

export const isNoPlace = (place: Place): boolean => place.company === '';

export class SiteRegistry {
  readonly devices = new Map<string, Device>();
  private readonly byShellyId = new Map<string, Device>();
  readonly assignments = new Map<string, Place>();
  readonly names: Map<string, string>;
  /** Told after a device is (re)placed: a main meter moving changes where energy goes. */
  onPlaced: ((device: Device) => void) | null = null;
  private nextChannelId = 1;

  constructor(init: {
    devices: DeviceRow[];
    channels: ChannelRow[];
    counters: Array<CounterMemory & { channelId: number; direction: Direction }>;
    assignments: Array<{ deviceId: string; place: Place }>;
    names: Map<string, string>;
  }) {
    this.names = init.names;
    for (const a of init.assignments) this.assignments.set(a.deviceId, a.place);
    for (const row of init.devices) this.addDevice(row);
    const byId = new Map<number, Channel>();
    for (const row of init.channels) {
      const device = this.devices.get(row.deviceKey);
      if (!device) continue;
      const channel: Channel = { row, device, counters: {} };
      device.channels.set(row.component, channel);
      byId.set(row.id, channel);
      this.nextChannelId = Math.max(this.nextChannelId, row.id + 1);
    }
    for (const c of init.counters) {
      const channel = byId.get(c.channelId);
      if (channel) channel.counters[c.direction] = c;
    }
  }

  private addDevice(row: DeviceRow): Device {
    const device: Device = {
      row,
      memory: {
        epoch: row.epoch,
        offlineCount: row.offlineCount,
        isOnline: row.isOnline,
        uptimeS: row.uptimeS,
      },
      powerW: new Map(),
      outputs: new Map(),
      covers: new Map(),
      electrical: new Map(),
      componentNames: new Map(),
      channels: new Map(),
      placement: { reason: 'no-placement' },
    };
    this.devices.set(row.key, device);
    if (row.shellyId) this.byShellyId.set(row.shellyId, device);
    this.place(device);
    return device;
  }

  byId(shellyId: string): Device | undefined {
    return this.byShellyId.get(shellyId);
  }

  /** A device id, a device key, or a device node id → the device. */
  find(ref: string): Device | undefined {
    const bare = ref.startsWith('device:') ? ref.slice('device:'.length) : ref;
    return this.devices.get(bare) ?? this.byShellyId.get(bare);
  }

  /** Returns the device and whether it is new. */
  upsert(key: string, generation: 1 | 2, atMs: number): { device: Device; isNew: boolean } {
    const known = this.devices.get(key);
    if (known) return { device: known, isNew: false };
    const row: DeviceRow = {
      key,
      shellyId: null,
      generation,
      model: null,
      name: null,
      firmware: null,
      epoch: 0,
      offlineCount: 0,
      isOnline: null,
      uptimeS: null,
      firstSeenMs: atMs,
      // 0 until the device says something accepted (ingest): until then it is not reporting.
      lastSeenMs: 0,
    };
    return { device: this.addDevice(row), isNew: true };
  }

  setShellyId(device: Device, shellyId: string): void {
    if (device.row.shellyId === shellyId) return;
    if (device.row.shellyId) this.byShellyId.delete(device.row.shellyId);
    device.row.shellyId = shellyId;
    this.byShellyId.set(shellyId, device);
    this.place(device);
  }

  channel(
    device: Device,
    component: string,
    isGross: boolean,
    isPhase: boolean,
  ): { channel: Channel; isNew: boolean } {
    const known = device.channels.get(component);
    if (known) return { channel: known, isNew: false };
    const row: ChannelRow = {
      id: this.nextChannelId++,
      deviceKey: device.row.key,
      component,
      isGross,
      isPhase,
    };
    const channel: Channel = { row, device, counters: {} };
    device.channels.set(component, channel);
    return { channel, isNew: true };
  }

  assign(shellyId: string, place: Place): Device | undefined {
    this.assignments.set(shellyId, place);
    const device = this.byShellyId.get(shellyId) ?? this.devices.get(shellyId);
    if (device) this.place(device);
    return device;
  }

  private place(device: Device): void {
    const assigned =
      (device.row.shellyId && this.assignments.get(device.row.shellyId)) ||
      this.assignments.get(device.row.key);
    device.placement =
      assigned && isNoPlace(assigned)
        ? { reason: 'no-placement' }
        : placementOf(device.row.key, device.row.generation, assigned || undefined);
    this.onPlaced?.(device);
  }

  /** The name staff see: a rename wins, then the place's device segment, then the Shelly name or id. */
  displayName(device: Device): string {
    const renamed = this.names.get(`device:${device.row.key}`);
    if (renamed) return renamed;
    if ('place' in device.placement) return device.placement.place.device;
    return device.row.name ?? device.row.shellyId ?? device.row.key;
  }

  /** A channel's name: a staff rename wins, then the device's own name for it, then a default. */
  channelName(device: Device, component: string): string {
    const renamed = this.names.get(nodeId.channel(device.row.key, component));
    if (renamed) return renamed;
    const configured = configComponentOf(component);
    const own = configured === null ? undefined : device.componentNames.get(configured);
    return own ?? defaultChannelName(component, device.row.model);
  }
}
