/**
 * BLU sensors heard through gateways (PROTOCOL.md §4, fixture blu-ht-via-gateway.json). Two ways:
 * a BLU Gateway Gen3 pairs a sensor as BTHome components whose meaning (`obj_id`) and address come
 * from Shelly.GetComponents; older setups run a script that emits `shelly-blu` events. The same
 * packet heard by two gateways counts once.
 */
import type { Sensor } from '../../../shared/contract';
import { CLIMATE_ROLES } from '../shelly/climate';
import type { ClimateFact, WaterFact, SensorReading } from '../shelly/types';
import { nodeId } from './placement';
import type { Device } from './registry';

/** BTHome v2 object ids → field and resolution (bthome.io/format). */
const BTHOME_OBJECTS = new Map<number, ['batteryPct' | 'temperatureC' | 'humidityPct', number]>([
  [0x01, ['batteryPct', 1]],
  [0x02, ['temperatureC', 0.01]],
  [0x03, ['humidityPct', 0.01]],
  [0x2e, ['humidityPct', 1]],
  [0x45, ['temperatureC', 0.1]],
]);

type ClimateField = (typeof CLIMATE_ROLES)[keyof typeof CLIMATE_ROLES];

const atResolution = (value: number, resolution: number): number =>
  Number(value.toFixed(Math.max(0, -Math.floor(Math.log10(resolution)))));

interface ComponentMeaning {
  address: string;
  objectId?: number;
}

const MAX_REMEMBERED_PACKETS = 10_000;

/** Epoch seconds as ISO text, or null for what no Date can hold (a hostile `ts` of 1e13 throws). */
function isoOfSeconds(s: number): string | null {
  const date = new Date(Math.round(s * 1000));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export class SensorRegistry {
  private readonly sensors = new Map<string, Sensor>();
  /** `<gateway key>|<component>` → which sensor and which quantity. */
  private readonly components = new Map<string, ComponentMeaning>();
  private readonly packets = new Set<string>();

  /** A device's own sensors (climate.ts), by the sensor's address (the device's id). */
  private readonly devices = new Map<string, Device>();
  /** `<device key>|number:N` → its role, from the device's config; absent until it is known. */
  private readonly roles = new Map<string, string>();
  /** A presence sensor's zones (`presencezone:N`) → occupied, by the sensor's address. */
  private readonly zones = new Map<string, Map<string, boolean>>();
  /** The latest value of a virtual number whose role is not known yet: read once it is. */
  private readonly pendingNumbers = new Map<string, number>();

  list(): Sensor[] {
    // A device's room follows its placement (site.assign); a BLU sensor's stays its gateway's.
    for (const [address, device] of this.devices) {
      const s = this.sensors.get(address);
      if (s) s.room = SensorRegistry.roomOf(device);
    }
    return [...this.sensors.values()];
  }

  private deviceSensor(device: Device, name: string, atMs: number): Sensor {
    const address = device.row.shellyId ?? device.row.key;
    this.devices.set(address, device);
    const s = this.sensor(address, { source: 'device', gateway: null, room: SensorRegistry.roomOf(device) });
    s.name = name;
    s.model = device.row.model;
    s.device = nodeId.device(device.row.key);
    s.lastUpdated = new Date(atMs).toISOString();
    return s;
  }

  /** A reading of the device's own sensor component; returns the sensor it changed. */
  deviceReading(device: Device, name: string, fact: ClimateFact, atMs: number): Sensor {
    const s = this.deviceSensor(device, name, atMs);
    if (fact.temperatureC !== undefined)
      s.temperatureC = fact.temperatureC === null ? null : atResolution(fact.temperatureC, 0.1);
    if (fact.humidityPct !== undefined) s.humidityPct = fact.humidityPct;
    if (fact.illuminanceLux !== undefined) s.illuminanceLux = fact.illuminanceLux;
    if (fact.batteryPct !== undefined) s.batteryPct = fact.batteryPct;
    if (fact.occupied !== undefined) {
      // A Presence has several zones: the room is occupied while anyone is in any of them.
      let zones = this.zones.get(s.address);
      if (!zones) this.zones.set(s.address, (zones = new Map()));
      zones.set(fact.component, fact.occupied);
      s.occupied = [...zones.values()].some(Boolean);
    }
    return s;
  }

  /**
   * A flood sensor's alarm, with what it said before (null: never heard), so an alert is raised
   * when the water comes and goes, not on every repeat of the retained topic.
   */
  deviceWater(
    device: Device,
    name: string,
    fact: WaterFact,
    atMs: number,
  ): { sensor: Sensor; wasWet: boolean | null } {
    const s = this.deviceSensor(device, name, atMs);
    const wasWet = s.waterDetected ?? null;
    s.waterDetected = fact.isWet;
    return { sensor: s, wasWet };
  }

  /**
   * A virtual number: a reading when its role says so. Returns the sensor it changed, `null` for a
   * number that is no reading, `undefined` while its role is unknown (ask the device's config).
   */
  deviceNumber(
    device: Device,
    name: string,
    component: string,
    value: number,
    atMs: number,
  ): Sensor | null | undefined {
    const key = `${device.row.key}|${component}`;
    const role = this.roles.get(key);
    if (role === undefined) {
      if (this.pendingNumbers.size >= MAX_REMEMBERED_PACKETS) this.pendingNumbers.clear();
      this.pendingNumbers.set(key, value);
      return undefined;
    }
    const field = CLIMATE_ROLES[role as keyof typeof CLIMATE_ROLES] as ClimateField | undefined;
    if (!field) return null;
    return this.deviceReading(device, name, { type: 'climate', component, [field]: value }, atMs);
  }

  /** A virtual component's role; a number heard before it is read now. */
  role(device: Device, name: string, component: string, role: string, atMs: number): Sensor | null {
    const key = `${device.row.key}|${component}`;
    if (this.roles.size >= MAX_REMEMBERED_PACKETS) this.roles.clear();
    this.roles.set(key, role);
    const pending = this.pendingNumbers.get(key);
    if (pending === undefined) return null;
    this.pendingNumbers.delete(key);
    return this.deviceNumber(device, name, component, pending, atMs) ?? null;
  }

  private sensor(address: string, base: Pick<Sensor, 'source' | 'gateway' | 'room'>): Sensor {
    let s = this.sensors.get(address);
    if (!s) {
      s = {
        address,
        name: null,
        model: null,
        ...base,
        temperatureC: null,
        humidityPct: null,
        batteryPct: null,
        rssiDbm: null,
        packetId: null,
        lastUpdated: null,
      };
      this.sensors.set(address, s);
    }
    return s;
  }

  private static roomOf(gateway: Device): string | null {
    return 'place' in gateway.placement ? nodeId.room(gateway.placement.place) : null;
  }

  /** Returns whether it gave a sensor a name it did not have before. */
  config(
    gateway: Device,
    component: string,
    address: string,
    objectId?: number,
    model?: string,
    name?: string,
  ): boolean {
    this.components.set(`${gateway.row.key}|${component}`, {
      address,
      ...(objectId !== undefined && { objectId }),
    });
    if (component.startsWith('bthomedevice:')) {
      const s = this.sensor(address, {
        source: 'bthome-component',
        gateway: gateway.row.shellyId,
        room: SensorRegistry.roomOf(gateway),
      });
      if (model) s.model = model;
      if (name && s.name !== name) {
        s.name = name;
        return true;
      }
    }
    return false;
  }

  /** Returns the sensor it changed, or null when the component is not (yet) known. */
  status(gateway: Device, component: string, status: Record<string, unknown>): Sensor | null {
    const meaning = this.components.get(`${gateway.row.key}|${component}`);
    if (!meaning) return null;
    const s = this.sensor(meaning.address, {
      source: 'bthome-component',
      gateway: gateway.row.shellyId,
      room: SensorRegistry.roomOf(gateway),
    });
    // Firmware spells it last_updated_ts; one type library has last_update_ts (PROTOCOL.md §9).
    const updated = status.last_updated_ts ?? status.last_update_ts;
    if (typeof updated === 'number') s.lastUpdated = isoOfSeconds(updated) ?? s.lastUpdated;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    if (component.startsWith('bthomedevice:')) {
      s.rssiDbm = num(status.rssi) ?? s.rssiDbm;
      s.batteryPct = num(status.battery) ?? s.batteryPct;
      s.packetId = num(status.packet_id) ?? s.packetId;
      return s;
    }
    const object = meaning.objectId === undefined ? undefined : BTHOME_OBJECTS.get(meaning.objectId);
    const value = num(status.value);
    if (object && value !== undefined) s[object[0]] = atResolution(value, object[1]);
    return s;
  }

  /** A `shelly-blu` script event; returns null for a packet already heard through another gateway. */
  scriptEvent(gateway: Device, reading: SensorReading): Sensor | null {
    const s = this.sensor(reading.address, {
      source: 'script-event',
      gateway: gateway.row.shellyId,
      room: null,
    });
    const packet = `${reading.address}|${reading.packetId}`;
    if (reading.packetId !== undefined && this.packets.has(packet)) {
      // The same packet through another gateway: only the better signal is news.
      if (reading.rssiDbm !== undefined && (s.rssiDbm === null || reading.rssiDbm > s.rssiDbm))
        s.rssiDbm = reading.rssiDbm;
      return null;
    }
    if (reading.packetId !== undefined) {
      if (this.packets.size >= MAX_REMEMBERED_PACKETS) this.packets.clear();
      this.packets.add(packet);
      s.packetId = reading.packetId;
    }
    // The script prints raw × 0.1 as a double (21.200000000000003): BTHome's own resolution is 0.1 °C.
    if (reading.temperatureC !== undefined) s.temperatureC = atResolution(reading.temperatureC, 0.1);
    if (reading.humidityPct !== undefined) s.humidityPct = reading.humidityPct;
    if (reading.batteryPct !== undefined) s.batteryPct = reading.batteryPct;
    if (reading.rssiDbm !== undefined) s.rssiDbm = reading.rssiDbm;
    if (reading.atS !== undefined) s.lastUpdated = isoOfSeconds(reading.atS) ?? s.lastUpdated;
    return s;
  }
}
