/** What one metered channel draws: a day curve, a standby floor and seeded noise. */
import { dayFactor, type CurveKind } from './day-curve';
import type { Prng } from './prng';

export interface LoadSpec {
  /** Draw at the busiest moment of the curve, W. */
  peakW: number;
  /** Standby draw, W (a fridge never drops to 0; a light does). */
  idleW: number;
  curve: CurveKind;
  /** A generator (PV inverter): draws `idleW` at night and feeds back up to `peakW` by day. */
  isGenerator?: boolean;
  /** Relative noise, ± this fraction of the curve value. */
  noise?: number;
}

const DEFAULT_NOISE = 0.08;

/**
 * Power in integer deci-watts (0.1 W), signed: negative means energy fed back to the grid, as
 * Shelly reports it. Integer so the energy integration stays exact (see energy-counter.ts).
 */
export function samplePowerDw(spec: LoadSpec, atMs: number, prng: Prng): number {
  const factor = dayFactor(spec.curve, atMs);
  const noise = spec.noise ?? DEFAULT_NOISE;
  const jitter = 1 + (prng.next() * 2 - 1) * noise;
  const watts = spec.isGenerator
    ? spec.idleW - spec.peakW * factor * jitter
    : (spec.idleW + (spec.peakW - spec.idleW) * factor) * jitter;
  return Math.round(watts * 10);
}
