/**
 * `em1:N` + `em1data:N`: one single-phase channel of a Pro EM-50 or EM Gen3. Import
 * (`total_act_energy`) and export (`total_act_ret_energy`) are separate counters, Wh with
 * 2 decimals, kept across reboots (PROTOCOL.md §4.5).
 */
import { TwoWayCounter } from '../energy-counter';
import { fixed, wh, type JsonNumber, type JsonObject } from '../json';
import type { LoadSpec } from '../load';
import type { Prng } from '../prng';
import { ChangedFields } from './changed-fields';
import type { Gen2Component } from './component';
import { Meter } from './meter';

export class Em1Component implements Gen2Component {
  readonly keys: readonly string[];
  private readonly em1Key: string;
  private readonly dataKey: string;
  private readonly meter: Meter;
  private readonly counter: TwoWayCounter;
  private readonly notifiedCounters = new ChangedFields();

  constructor(
    readonly id: number,
    atMs: number,
    prng: Prng,
    start: { load: LoadSpec; importMwh: number; exportMwh: number },
  ) {
    this.em1Key = `em1:${id}`;
    this.dataKey = `em1data:${id}`;
    this.keys = [this.em1Key, this.dataKey];
    this.meter = new Meter(start.load, atMs, prng);
    this.counter = new TwoWayCounter(start.importMwh, start.exportMwh, atMs);
  }

  advance(atMs: number): void {
    this.meter.advance(atMs, true, (p, from, to) => this.counter.add(p, from, to));
  }

  status(): JsonObject {
    const m = this.meter;
    const counters = this.counterFields();
    this.notifiedCounters.sent(counters);
    return {
      [this.em1Key]: {
        id: this.id,
        voltage: fixed(m.voltageV, 2),
        current: fixed(m.currentA, 3),
        act_power: fixed(m.powerW, 1),
        aprt_power: fixed(m.apparentVa, 1),
        pf: fixed(m.pf, 2),
        freq: fixed(50, 1),
        calibration: 'factory',
      },
      [this.dataKey]: { id: this.id, ...counters },
    };
  }

  changes(): JsonObject {
    const m = this.meter;
    const changes: JsonObject = {
      [this.em1Key]: {
        id: this.id,
        current: fixed(m.currentA, 3),
        act_power: fixed(m.powerW, 1),
        aprt_power: fixed(m.apparentVa, 1),
        pf: fixed(m.pf, 2),
        voltage: fixed(m.voltageV, 2),
      },
    };
    const counters = this.notifiedCounters.takeChanged(this.counterFields());
    if (Object.keys(counters).length > 0) changes[this.dataKey] = { id: this.id, ...counters };
    return changes;
  }

  restart(atMs: number): void {
    this.counter.skipTo(atMs);
    this.meter.resume(atMs, true);
  }

  private counterFields(): Record<string, JsonNumber> {
    return {
      total_act_energy: wh(this.counter.imported.mwh, 2),
      total_act_ret_energy: wh(this.counter.exported.mwh, 2),
    };
  }
}
