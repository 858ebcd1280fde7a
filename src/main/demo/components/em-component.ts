/**
 * `em:N` + `emdata:N`: the three-phase meter of a Pro 3EM (triphase profile). `em` carries
 * instantaneous values, `emdata` the import/export counters per phase and in total, Wh with
 * 2 decimals, kept in flash across reboots (PROTOCOL.md §4.4, §5.1).
 */
import { TwoWayCounter } from '../energy-counter';
import { fixed, wh, type JsonNumber, type JsonObject } from '../json';
import type { LoadSpec } from '../load';
import type { Prng } from '../prng';
import { ChangedFields } from './changed-fields';
import type { Gen2Component } from './component';
import { Meter } from './meter';

const PHASES = ['a', 'b', 'c'] as const;

export interface PhaseStart {
  load: LoadSpec;
  importMwh: number;
  exportMwh: number;
}

export class EmComponent implements Gen2Component {
  readonly keys: readonly string[];
  private readonly emKey: string;
  private readonly emdataKey: string;
  private readonly meters: Meter[];
  private readonly counters: TwoWayCounter[];
  private readonly notifiedCounters = new ChangedFields();

  constructor(
    readonly id: number,
    atMs: number,
    prng: Prng,
    phases: readonly [PhaseStart, PhaseStart, PhaseStart],
  ) {
    this.emKey = `em:${id}`;
    this.emdataKey = `emdata:${id}`;
    this.keys = [this.emKey, this.emdataKey];
    this.meters = phases.map((p) => new Meter(p.load, atMs, prng));
    this.counters = phases.map((p) => new TwoWayCounter(p.importMwh, p.exportMwh, atMs));
  }

  advance(atMs: number): void {
    this.meters.forEach((meter, i) => {
      const counter = this.counters[i];
      meter.advance(atMs, true, (p, from, to) => counter?.add(p, from, to));
    });
  }

  status(): JsonObject {
    const counters = this.counterFields();
    this.notifiedCounters.sent(counters);
    return {
      [this.emKey]: {
        id: this.id,
        ...this.phaseFields(true),
        n_current: null,
        ...this.totals(),
        user_calibrated_phase: [],
      },
      [this.emdataKey]: { id: this.id, ...counters },
    };
  }

  changes(): JsonObject {
    const changes: JsonObject = {
      [this.emKey]: { id: this.id, ...this.phaseFields(false), ...this.totals() },
    };
    const counters = this.notifiedCounters.takeChanged(this.counterFields());
    if (Object.keys(counters).length > 0) changes[this.emdataKey] = { id: this.id, ...counters };
    return changes;
  }

  restart(atMs: number): void {
    for (const counter of this.counters) counter.skipTo(atMs);
    for (const meter of this.meters) meter.resume(atMs, true);
  }

  private phaseFields(isFull: boolean): JsonObject {
    const fields: JsonObject = {};
    this.meters.forEach((m, i) => {
      const p = PHASES[i] as string;
      fields[`${p}_current`] = fixed(m.currentA, 3);
      fields[`${p}_voltage`] = fixed(m.voltageV, 1);
      fields[`${p}_act_power`] = fixed(m.powerW, 1);
      fields[`${p}_aprt_power`] = fixed(m.apparentVa, 1);
      fields[`${p}_pf`] = fixed(m.pf, 2);
      if (isFull) fields[`${p}_freq`] = fixed(50, 1);
    });
    return fields;
  }

  private totals(): JsonObject {
    const sum = (f: (m: Meter) => number) => this.meters.reduce((acc, m) => acc + f(m), 0);
    return {
      total_current: fixed(
        sum((m) => m.currentA),
        3,
      ),
      total_act_power: fixed(
        sum((m) => m.powerW),
        3,
      ),
      total_aprt_power: fixed(
        sum((m) => m.apparentVa),
        3,
      ),
    };
  }

  /**
   * Each value is truncated on its own, so `total_act` can differ from the sum of the printed
   * phases by a few 0.01 Wh — real devices do the same (PROTOCOL.md §4.4).
   */
  private counterFields(): Record<string, JsonNumber> {
    const fields: Record<string, JsonNumber> = {};
    let imported = 0;
    let exported = 0;
    this.counters.forEach((c, i) => {
      const p = PHASES[i] as string;
      fields[`${p}_total_act_energy`] = wh(c.imported.mwh, 2);
      fields[`${p}_total_act_ret_energy`] = wh(c.exported.mwh, 2);
      imported += c.imported.mwh;
      exported += c.exported.mwh;
    });
    fields.total_act = wh(imported, 2);
    fields.total_act_ret = wh(exported, 2);
    return fields;
  }
}
