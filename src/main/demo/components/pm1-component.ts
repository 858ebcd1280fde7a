/**
 * `pm1:N`: a meter without a relay (PM Mini Gen3). It may sit behind a balcony PV inverter, so
 * power is signed. Both counters follow the PM1 docs (PROTOCOL.md §4.1, "the returned-energy
 * trap"): `aenergy` counts energy in both directions, `ret_aenergy` only what was fed back.
 */
import { EnergyCounter } from '../energy-counter';
import { fixed, SpacedObject, type JsonObject } from '../json';
import type { LoadSpec } from '../load';
import type { Prng } from '../prng';
import type { Gen2Component } from './component';
import { energyNotified, energyStatus, notified } from './format';
import { Meter } from './meter';

export class Pm1Component implements Gen2Component {
  readonly key: string;
  readonly keys: readonly string[];
  private readonly meter: Meter;
  private readonly aenergy: EnergyCounter;
  private readonly retAenergy: EnergyCounter;

  constructor(
    readonly id: number,
    atMs: number,
    prng: Prng,
    load: LoadSpec,
    initial: { mwh: number; retMwh: number },
  ) {
    this.key = `pm1:${id}`;
    this.keys = [this.key];
    this.meter = new Meter(load, atMs, prng);
    this.aenergy = new EnergyCounter(initial.mwh, atMs);
    this.retAenergy = new EnergyCounter(initial.retMwh, atMs);
  }

  advance(atMs: number): void {
    this.meter.advance(atMs, true, (p, from, to) => {
      this.aenergy.add(Math.abs(p), from, to);
      this.retAenergy.add(Math.max(0, -p), from, to);
    });
  }

  status(): JsonObject {
    const m = this.meter;
    return {
      [this.key]: new SpacedObject({
        id: this.id,
        voltage: fixed(m.voltageV, 1),
        current: fixed(m.currentA, 3),
        apower: fixed(m.powerW, 1),
        freq: fixed(50, 1),
        aenergy: energyStatus(this.aenergy),
        ret_aenergy: energyStatus(this.retAenergy),
      }),
    };
  }

  changes(): JsonObject {
    const m = this.meter;
    return {
      [this.key]: {
        id: this.id,
        current: fixed(m.currentA, 3),
        apower: notified(m.powerW),
        voltage: notified(m.voltageV),
        aenergy: energyNotified(this.aenergy),
        ret_aenergy: energyNotified(this.retAenergy),
      },
    };
  }

  restart(atMs: number, isOldFirmware: boolean): void {
    this.aenergy.skipTo(atMs);
    this.retAenergy.skipTo(atMs);
    if (isOldFirmware) {
      this.aenergy.reset();
      this.retAenergy.reset();
    }
    this.meter.resume(atMs, true);
  }
}
