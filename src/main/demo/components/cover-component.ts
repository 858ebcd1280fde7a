/**
 * `cover:N`: a Plus 2PM in cover mode driving blinds. Calibrated (`pos_control: true`), so it
 * reports `current_pos` (0 = closed, 100 = open) and obeys Cover.GoToPosition. The motor draws
 * power only while the blinds move, and that energy is metered in `aenergy` like a switch's.
 */
import { EnergyCounter } from '../energy-counter';
import { fixed, SpacedObject, type JsonObject } from '../json';
import type { LoadSpec } from '../load';
import type { Prng } from '../prng';
import type { Gen2Component } from './component';
import { energyNotified, energyStatus, notified, temperature } from './format';
import { Meter } from './meter';

/** Full travel, closed to open. Short, so a demo shows the movement and its end. */
const TRAVEL_MS = 12_000;

export type CoverMove = 'open' | 'close' | 'stop' | { position: number };
type State = 'open' | 'closed' | 'opening' | 'closing' | 'stopped';

export class CoverComponent implements Gen2Component {
  readonly key: string;
  readonly keys: readonly string[];
  private state: State = 'open';
  /** Exact position while moving; printed rounded. */
  private positionPct = 100;
  private targetPct: number | null = null;
  private lastDirection: 'open' | 'close' | null = null;
  private source = 'init';
  private lastMs: number;
  private readonly meter: Meter;
  private readonly aenergy: EnergyCounter;
  private readonly ambientC: number;
  /** What the last NotifyStatus said, so the next carries only what changed. */
  private sent: { state: State; position: number } | null = null;

  constructor(
    readonly id: number,
    atMs: number,
    prng: Prng,
    metering: { load: LoadSpec; initialMwh: number },
  ) {
    this.key = `cover:${id}`;
    this.keys = [this.key];
    this.lastMs = atMs;
    this.ambientC = prng.between(30, 36);
    this.meter = new Meter(metering.load, atMs, prng);
    this.aenergy = new EnergyCounter(metering.initialMwh, atMs);
    this.meter.resume(atMs, false);
  }

  private get isMoving(): boolean {
    return this.state === 'opening' || this.state === 'closing';
  }

  advance(atMs: number): void {
    // Energy up to now at the power the motor drew; then where the blinds got to.
    this.meter.advance(atMs, this.isMoving, (p, from, to) => this.aenergy.add(Math.abs(p), from, to));
    if (this.isMoving && this.targetPct !== null) {
      const step = ((atMs - this.lastMs) / TRAVEL_MS) * 100;
      const toGo = this.targetPct - this.positionPct;
      if (Math.abs(toGo) <= step) this.arrive(this.targetPct);
      else this.positionPct += Math.sign(toGo) * step;
    }
    this.lastMs = Math.max(this.lastMs, atMs);
    // Stopped now: draw nothing from here on.
    if (!this.isMoving) this.meter.resume(atMs, false);
  }

  private arrive(position: number): void {
    this.positionPct = position;
    this.targetPct = null;
    this.state = position === 100 ? 'open' : position === 0 ? 'closed' : 'stopped';
  }

  /** Starts (or stops) a movement, as Cover.Open/Close/Stop/GoToPosition do. */
  move(move: CoverMove, atMs: number, source: string): void {
    this.advance(atMs);
    this.source = source;
    if (move === 'stop') {
      if (this.isMoving) {
        this.targetPct = null;
        this.state = 'stopped';
      }
    } else {
      const target = move === 'open' ? 100 : move === 'close' ? 0 : move.position;
      if (target === Math.round(this.positionPct) && !this.isMoving) {
        this.arrive(target);
      } else {
        this.targetPct = target;
        const isOpening = target > this.positionPct;
        this.state = isOpening ? 'opening' : 'closing';
        this.lastDirection = isOpening ? 'open' : 'close';
      }
    }
    this.meter.resume(atMs, this.isMoving);
  }

  status(): JsonObject {
    const m = this.meter;
    return {
      [this.key]: new SpacedObject({
        id: this.id,
        source: this.source,
        state: this.state,
        apower: fixed(m.powerW, 1),
        voltage: fixed(m.voltageV, 1),
        freq: fixed(50, 1),
        current: fixed(m.currentA, 3),
        pf: fixed(Math.abs(m.pf), 2),
        aenergy: energyStatus(this.aenergy),
        temperature: temperature(this.ambientC),
        pos_control: true,
        last_direction: this.lastDirection,
        current_pos: Math.round(this.positionPct),
        ...(this.targetPct !== null && { target_pos: this.targetPct }),
      }),
    };
  }

  changes(): JsonObject {
    const m = this.meter;
    const position = Math.round(this.positionPct);
    const moved = this.sent?.state !== this.state || this.sent.position !== position;
    this.sent = { state: this.state, position };
    return {
      [this.key]: {
        id: this.id,
        ...(moved && { state: this.state, current_pos: position }),
        apower: notified(m.powerW),
        current: fixed(m.currentA, 3),
        aenergy: energyNotified(this.aenergy),
      },
    };
  }

  /** The first notification after a command: the movement, who asked and where to. */
  moveChange(): JsonObject {
    this.sent = { state: this.state, position: Math.round(this.positionPct) };
    return {
      [this.key]: {
        id: this.id,
        state: this.state,
        source: this.source,
        current_pos: Math.round(this.positionPct),
        ...(this.targetPct !== null && { target_pos: this.targetPct }),
      },
    };
  }

  restart(atMs: number, isOldFirmware: boolean): void {
    // A restart stops the motor where it is.
    if (this.isMoving) {
      this.targetPct = null;
      this.state = 'stopped';
    }
    this.source = 'init';
    this.lastMs = atMs;
    this.aenergy.skipTo(atMs);
    if (isOldFirmware) this.aenergy.reset();
    this.meter.resume(atMs, false);
  }
}
