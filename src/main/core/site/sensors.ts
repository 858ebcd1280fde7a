/**
 * BLU sensors heard through gateways (PROTOCOL.md §4, fixture blu-ht-via-gateway.json). Two ways:
 * a BLU Gateway Gen3 pairs a sensor as BTHome components whose meaning (`obj_id`) and address come
 * from Shelly.GetComponents; older setups run a script that emits `shelly-blu` events. The same
 * packet heard by two gateways counts once.
 */
import type { Sensor } from '../../../shared/contract';
import type { SensorReading } from '../shelly/types';
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

  list(): Sensor[] {
    return [...this.sensors.values()];
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
