/**
 * The electrical side of one metered channel: the power it reports, and the mains values that go
 * with it. Power is held constant between ticks and integrated into counters at the next tick, so
 * every reported `apower` is exactly what the counters add up (no hidden energy).
 */
import { samplePowerDw, type LoadSpec } from '../load';
import type { Prng } from '../prng';

/**
 * A meter whose draw follows other meters (a main meter: supply-meters.ts): its load → how to
 * compute its draw now. Set by the fleet once every meter exists.
 */
export const followers = new WeakMap<LoadSpec, () => number>();
/** Every live meter by the load it simulates, so a main meter can read what its office draws. */
export const meterOfLoad = new WeakMap<LoadSpec, Meter>();

/** Receives the energy of `powerDw` held over [fromMs, toMs). */
export type EnergySink = (powerDw: number, fromMs: number, toMs: number) => void;

const NOMINAL_DV = 2300;
const VOLTAGE_SPREAD_DV = 25;

export class Meter {
  /** Signed deci-watts; negative = feeding back. */
  powerDw = 0;
  voltageDv = NOMINAL_DV;
  private lastMs: number;
  private readonly powerFactor: number;

  constructor(
    private readonly load: LoadSpec,
    atMs: number,
    private readonly prng: Prng,
  ) {
    this.lastMs = atMs;
    this.powerFactor = Math.round(prng.between(0.88, 0.99) * 100) / 100;
    meterOfLoad.set(load, this);
    this.sample(atMs, true);
  }

  /** Books the energy since the last call into `sink`, then samples the power from now on. */
  advance(atMs: number, isOn: boolean, sink: EnergySink): void {
    if (atMs > this.lastMs) sink(this.powerDw, this.lastMs, atMs);
    this.lastMs = Math.max(this.lastMs, atMs);
    this.sample(atMs, isOn);
  }

  /**
   * Starts metering at `atMs` without booking anything before it: first power-up, or back from a
   * reboot (the time a device was down is not metered).
   */
  resume(atMs: number, isOn: boolean): void {
    this.lastMs = Math.max(this.lastMs, atMs);
    this.sample(atMs, isOn);
  }

  get voltageV(): number {
    return this.voltageDv / 10;
  }

  get powerW(): number {
    return this.powerDw / 10;
  }

  /** Signed like the power, as Shelly prints a feeding channel's pf (`-0.99`). */
  get pf(): number {
    if (this.powerDw === 0) return 0;
    return this.powerDw < 0 ? -this.powerFactor : this.powerFactor;
  }

  get currentA(): number {
    return this.powerDw === 0 ? 0 : Math.abs(this.powerW) / (this.voltageV * this.powerFactor);
  }

  /** Apparent power, VA. */
  get apparentVa(): number {
    return this.powerDw === 0 ? 0 : Math.abs(this.powerW) / this.powerFactor;
  }

  private sample(atMs: number, isOn: boolean): void {
    const follow = followers.get(this.load);
    // The prng is drawn from either way, so a followed meter leaves every other sequence as it was.
    const sampled = samplePowerDw(this.load, atMs, this.prng);
    this.powerDw = isOn ? (follow ? follow() : sampled) : 0;
    this.voltageDv = Math.round(NOMINAL_DV + (this.prng.next() * 2 - 1) * VOLTAGE_SPREAD_DV);
  }
}
