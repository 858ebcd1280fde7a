/**
 * Seeded randomness for the demo fleet. Runs must be reproducible (same seed → same device ids,
 * same load noise), so nothing here may touch Math.random.
 */

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** `digits` lower-case hex digits. */
  hex(digits: number): string;
  pick<T>(items: readonly T[]): T;
}

/**
 * mulberry32: 32 bits of state, fast, and good enough for noise. Not for anything secret.
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    hex: (digits) => {
      let out = '';
      for (let i = 0; i < digits; i++) out += int(16).toString(16);
      return out;
    },
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick() from an empty list');
      return items[int(items.length)] as T;
    },
  };
}

/**
 * A seed for one independent stream (one device's load noise, the reboot schedule, …), so that a
 * command sent to one device does not shift the random sequence of every other device.
 * FNV-1a over the label, mixed with the fleet seed.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
