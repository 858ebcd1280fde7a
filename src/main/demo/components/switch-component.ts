/**
 * `switch:N`: a relay, metered (Plus 1PM/2PM, Plus Plug S) or not (Pro 3, the contactor of an
 * EM). Metered switches count `aenergy` in both directions (PROTOCOL.md §4.1); the demo loads
 * never feed back, so there is no `ret_aenergy` here.
 */
import { EnergyCounter } from '../energy-counter';
import { fixed, SpacedObject, type JsonObject } from '../json';
import type { LoadSpec } from '../load';
import type { Prng } from '../prng';
import type { Gen2Component } from './component';
import { energyNotified, energyStatus, notified, temperature } from './format';
import { Meter } from './meter';

export class SwitchComponent implements Gen2Component {
  readonly key: string;
  readonly keys: readonly string[];
  private isOn = true;
  /** Who switched it last, as the firmware reports it (`init` after boot, `MQTT` for our commands). */
  private source = 'init';
  private readonly meter: Meter | undefined;
  private readonly aenergy: EnergyCounter | undefined;
  private readonly ambientC: number;

  constructor(
    readonly id: number,
    atMs: number,
    prng: Prng,
    metering?: { load: LoadSpec; initialMwh: number },
  ) {
    this.key = `switch:${id}`;
    this.keys = [this.key];
    this.ambientC = prng.between(32, 40);
    if (metering) {
      this.meter = new Meter(metering.load, atMs, prng);
      this.aenergy = new EnergyCounter(metering.initialMwh, atMs);
    }
  }

  get output(): boolean {
    return this.isOn;
  }

  advance(atMs: number): void {
    this.meter?.advance(atMs, this.isOn, (p, from, to) => this.aenergy?.add(Math.abs(p), from, to));
  }

  /** Switches the relay; energy up to now is booked at the old power first. Returns `was_on`. */
  set(on: boolean, atMs: number, source: string): boolean {
    const wasOn = this.isOn;
    this.advance(atMs);
    this.isOn = on;
    this.source = source;
    // A second advance at the same instant books nothing and re-samples: off draws 0 W at once.
    this.advance(atMs);
    return wasOn;
  }

  status(): JsonObject {
    const base = { id: this.id, source: this.source, output: this.isOn };
    if (!this.meter || !this.aenergy) {
      return { [this.key]: new SpacedObject({ ...base, temperature: temperature(this.ambientC) }) };
    }
    const m = this.meter;
    return {
      [this.key]: new SpacedObject({
        ...base,
        apower: fixed(m.powerW, 1),
        voltage: fixed(m.voltageV, 1),
        freq: fixed(50, 1),
        current: fixed(m.currentA, 3),
        pf: fixed(Math.abs(m.pf), 2),
        aenergy: energyStatus(this.aenergy),
        temperature: temperature(this.temperatureC()),
      }),
    };
  }

  changes(): JsonObject {
    if (!this.meter || !this.aenergy) return {};
    const m = this.meter;
    return {
      [this.key]: {
        id: this.id,
        apower: notified(m.powerW),
        voltage: notified(m.voltageV),
        current: fixed(m.currentA, 3),
        aenergy: energyNotified(this.aenergy),
      },
    };
  }

  /** The first notification after a switch command: output and who caused it. */
  outputChange(): JsonObject {
    return { [this.key]: { id: this.id, output: this.isOn, source: this.source } };
  }

  /** The power notification that follows an output change on a metered switch. */
  powerChange(): JsonObject | undefined {
    if (!this.meter) return undefined;
    return {
      [this.key]: {
        id: this.id,
        apower: notified(this.meter.powerW),
        current: fixed(this.meter.currentA, 3),
      },
    };
  }

  restart(atMs: number, isOldFirmware: boolean): void {
    this.source = 'init';
    this.aenergy?.skipTo(atMs);
    if (isOldFirmware) this.aenergy?.reset();
    this.meter?.resume(atMs, this.isOn);
  }

  /** The relay warms with the current it carries. */
  private temperatureC(): number {
    return this.ambientC + Math.min(25, Math.abs(this.meter?.powerW ?? 0) / 120);
  }
}
