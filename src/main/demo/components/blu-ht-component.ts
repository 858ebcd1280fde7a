/**
 * A BLU H&T (SBHT-003C) paired to a BLU Gateway Gen3, seen as BTHome dynamic components
 * (PROTOCOL.md §4.7a): `bthomedevice:200` for the sensor and one `bthomesensor:<id>` per BTHome
 * object. Which sensor measures what is only in the config (`obj_id`), exactly as on a real
 * gateway, so the console has to ask Shelly.GetComponents. It never carries energy.
 */
import type { JsonObject } from '../json';
import type { Prng } from '../prng';
import type { Gen2Component } from './component';

const DEVICE_KEY = 'bthomedevice:200';
/** BTHome object ids: 0x01 battery %, 0x2E humidity %, 0x3A button, 0x45 temperature °C. */
const SENSORS = [
  { key: 'bthomesensor:200', id: 200, objId: 1 },
  { key: 'bthomesensor:201', id: 201, objId: 46 },
  { key: 'bthomesensor:202', id: 202, objId: 58 },
  { key: 'bthomesensor:203', id: 203, objId: 69 },
] as const;

const HOUR_MS = 3_600_000;

export class BluHtComponent implements Gen2Component {
  readonly keys: readonly string[] = [DEVICE_KEY, ...SENSORS.map((s) => s.key)];
  private packetId: number;
  private rssi = -72;
  private battery = 100;
  private humidity = 48;
  private temperatureDc = 224;
  private lastUpdatedS: number;
  private ticks = 0;
  private hasNewPacket = false;

  /** `everyTicks`: the sensor broadcasts once a minute; the demo relays a packet every few ticks. */
  constructor(
    atMs: number,
    private readonly prng: Prng,
    private readonly address: string,
    private readonly everyTicks: number,
  ) {
    this.packetId = prng.int(256);
    this.lastUpdatedS = Math.floor(atMs / 1000);
    this.receive(atMs);
  }

  advance(atMs: number): void {
    this.ticks += 1;
    if (this.ticks % this.everyTicks === 0) this.receive(atMs);
  }

  status(): JsonObject {
    const ts = this.lastUpdatedS;
    return {
      [DEVICE_KEY]: {
        id: 200,
        rssi: this.rssi,
        battery: this.battery,
        packet_id: this.packetId,
        last_updated_ts: ts,
      },
      ...Object.fromEntries(
        SENSORS.map((s) => [s.key, { id: s.id, value: this.value(s.objId), last_updated_ts: ts }]),
      ),
    };
  }

  /** One entry per component on a new packet, as the gateway notifies them; nothing otherwise. */
  changes(): JsonObject {
    if (!this.hasNewPacket) return {};
    this.hasNewPacket = false;
    const ts = this.lastUpdatedS;
    return {
      [DEVICE_KEY]: { id: 200, rssi: this.rssi, packet_id: this.packetId, last_updated_ts: ts },
      // The battery rarely changes: the gateway then sends only the new timestamp.
      'bthomesensor:200': { id: 200, last_updated_ts: ts },
      'bthomesensor:201': { id: 201, value: this.humidity, last_updated_ts: ts },
      'bthomesensor:203': { id: 203, value: this.value(69), last_updated_ts: ts },
    };
  }

  restart(): void {
    // The sensor keeps broadcasting while the gateway reboots; nothing to reset.
  }

  config(): JsonObject {
    return {
      [DEVICE_KEY]: {
        id: 200,
        addr: this.address,
        name: 'Meeting room H&T',
        key: null,
        meta: { ui: { view: 'regular', local_name: 'SBHT-003C', icon: null } },
      },
      ...Object.fromEntries(
        SENSORS.map((s) => [
          s.key,
          { id: s.id, addr: this.address, name: null, obj_id: s.objId, idx: 0, meta: null },
        ]),
      ),
    };
  }

  /** The gateway prints values as plain JSON numbers (`22.4`), temperature at 0.1 °C resolution. */
  private value(objId: number): number {
    if (objId === 1) return this.battery;
    if (objId === 46) return this.humidity;
    if (objId === 58) return 0;
    return this.temperatureDc / 10;
  }

  /** A new advertisement: packet id wraps at 256, temperature follows the day, 0.1 °C steps. */
  private receive(atMs: number): void {
    const hour = (atMs / HOUR_MS) % 24;
    const celsius = 21.5 + 1.8 * Math.sin((2 * Math.PI * (hour - 10)) / 24) + this.prng.between(-0.15, 0.15);
    this.temperatureDc = Math.round(celsius * 10);
    this.humidity = Math.round(
      50 - 6 * Math.sin((2 * Math.PI * (hour - 10)) / 24) + this.prng.between(-1, 1),
    );
    this.rssi = -70 - this.prng.int(9);
    this.packetId = (this.packetId + 1) % 256;
    this.lastUpdatedS = Math.floor(atMs / 1000);
    this.hasNewPacket = true;
  }
}
