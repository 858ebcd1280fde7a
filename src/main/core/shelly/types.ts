/**
 * What a Shelly MQTT message says, decoded and with units normalised. Decoders only describe;
 * the energy engine decides what a counter reading means.
 * Energy is in integer units (units.ts).
 */
import type { CoverState } from '../../../shared/contract';

/** The stats rejection reason for energy a component reports in a form we cannot read. */
export const UNREADABLE_ENERGY = 'unreadable-energy';

export type Direction = 'import' | 'return';
export type Phase = 'a' | 'b' | 'c';

/** Where a reading sits in the device's own timeline (PROTOCOL.md §6.4). */
export interface OrderKey {
  primaryS: number;
  secondaryS: number;
}

export interface CounterFact {
  type: 'counter';
  /** `switch:0`, `cct:0`, `emdata:0`, `relay:1`, `light:0`, `emeter:2`, or a phase `emdata:0/a`. */
  component: string;
  direction: Direction;
  units: number;
  order: OrderKey;
  /** The order key came from a trusted device clock, so a big drop can be read as a reset. */
  isDeviceTimed: boolean;
  isGen1: boolean;
  /** An EM phase: tracked and shown, but the device total comes from `total_act`. */
  isPhase: boolean;
  /** aenergy includes returned energy (every aenergy component): consumed = Δimport − Δreturn. */
  isGross: boolean;
  /**
   * The key is aenergy's `minute_ts`, the start of the minute the total was read at: a rise up to
   * it is energy of the minutes before, so it is booked in the minute that ended there (§4.3).
   */
  isMinuteStart?: boolean;
}

/** A cover's state and position (only the fields the status carried). */
export interface CoverFact {
  type: 'cover';
  component: string;
  state?: CoverState;
  positionPct?: number | null;
  targetPct?: number | null;
  isCalibrated?: boolean;
}

/**
 * A meter's instantaneous voltage, current and power factor (only the fields the status carried):
 * a phase of `em:N` on `emdata:N/<phase>`, or `em1:N` on `em1data:N`. Its power is a power fact.
 */
export interface ElectricalFact {
  type: 'electrical';
  component: string;
  voltageV?: number;
  currentA?: number;
  powerFactor?: number;
}

/** What a device's own sensor component last read (only the fields the status carried). */
export interface ClimateFact {
  type: 'climate';
  component: string;
  temperatureC?: number | null;
  humidityPct?: number | null;
  illuminanceLux?: number | null;
  occupied?: boolean;
  /** A battery-powered sensor's charge (Gen1 H&T, Flood), %. */
  batteryPct?: number | null;
}

/** A flood sensor's water alarm (Gen1 Flood `sensor/flood`). */
export interface WaterFact {
  type: 'water';
  component: string;
  isWet: boolean;
}

export type Fact =
  | CounterFact
  | {
      type: 'counter-rejected';
      component: string;
      direction: Direction;
      reason: string;
      /** The number refused, when it was one (an alert says it). */
      value?: number;
    }
  | { type: 'counter-unavailable'; component: string; direction: Direction }
  | { type: 'online'; isOnline: boolean }
  /** A reboot or counter reset was announced: the next drop may be a reset. */
  | { type: 'reboot'; why: string }
  | { type: 'uptime'; uptimeS: number }
  | { type: 'power'; component: string; powerW: number }
  | { type: 'output'; component: string; isOn: boolean }
  | ElectricalFact
  | CoverFact
  | {
      type: 'identity';
      id?: string;
      model?: string;
      /** At most MAX_DEVICE_NAME characters; `nameLength` is the length announced when it was cut. */
      name?: string;
      nameLength?: number;
      firmware?: string;
      generation?: number;
    }
  | { type: 'component-rejected'; component: string; reason: string; value?: number }
  /** Energy-like fields Kilowatch cannot read (`aenergy` without `total`, an unknown counter). */
  | { type: 'energy-unreadable'; component: string; fields: string[] }
  | { type: 'sensor'; sensor: SensorReading }
  | {
      type: 'bthome-config';
      component: string;
      address: string;
      objectId?: number;
      model?: string;
      name?: string;
      nameLength?: number;
    }
  | { type: 'bthome-status'; component: string; status: Record<string, unknown> }
  /** A room reading of the device itself (climate.ts); null: the sensor reported an error. */
  | ClimateFact
  | WaterFact
  /** A virtual `number:N`: a reading only if its role (from the config) says so. */
  | { type: 'virtual-number'; component: string; value: number }
  /** A virtual component's `role` from the device's config (`current_temperature`). */
  | { type: 'component-role'; component: string; role: string }
  /** Shelly.GetConfig: what the device calls each component (a full list: a missing one is unnamed). */
  | { type: 'component-names'; names: ComponentName[] }
  /** The device's configuration changed (NotifyEvent `config_changed`): its names may have. */
  | { type: 'config-changed' }
  | {
      type: 'rpc-reply';
      to: string;
      requestId: number | string | null;
      error?: { code: number; message: string };
    };

export interface ComponentName {
  component: string;
  /** At most MAX_DEVICE_NAME characters; null when the device has no name for it. */
  name: string | null;
  nameLength?: number;
}

export interface SensorReading {
  address: string;
  packetId?: number;
  temperatureC?: number;
  humidityPct?: number;
  batteryPct?: number;
  rssiDbm?: number;
  atS?: number;
}

export interface DeviceRef {
  /** The topic prefix the device publishes under (`shellies/<id>` for Gen1): stable per device. */
  key: string;
  generation: 1 | 2;
  /** The Shelly id, when the message carries it (`src`, Gen1 topic id). */
  id?: string;
  /** An RPC reply arrives on the requester's topic: the device is known only by its `src`. */
  isKnownByIdOnly?: boolean;
}

export type DecodeOutcome =
  | { kind: 'rejected'; reason: string }
  /** A JSON-RPC request seen on `<prefix>/rpc` (ours or another console's): its reply names the device. */
  | { kind: 'rpc-request'; prefix: string; replyTo: string; requestId: number | string }
  | { kind: 'ignored'; why: 'empty' | 'not-shelly' | 'request' | 'not-a-counter' | 'own-output' }
  | { kind: 'device'; device: DeviceRef; facts: Fact[] };

export interface DecodeContext {
  arrivalS: number;
  isRetained: boolean;
}
