/**
 * A seeded PRNG for the fault drills: every random moment and rise comes from one seed, printed at
 * the start, so a failing run is replayed with DRILL_SEED=<seed>.
 */

export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /**
   * An independent stream seeded from this one: the fault schedule and the metered rises each get
   * their own, so running concurrently does not reorder who draws which number.
   */
  fork(): Rng;
}

/** mulberry32: small, fast and good enough to spread fault moments; not for anything secret. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    fork: () => rng(Math.floor(next() * 2 ** 32)),
  };
}

/** DRILL_SEED when set (to replay a failure), else a fresh one; printed either way. */
export function drillRng(drill: string): Rng {
  const fromEnv = process.env.DRILL_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Date.now() % 2 ** 31;
  if (!Number.isSafeInteger(seed)) throw new Error(`DRILL_SEED must be an integer, got "${fromEnv}"`);
  console.log(`[drill] ${drill}: seed ${seed} (replay with DRILL_SEED=${seed})`);
  return rng(seed);
}

/** A count from the environment (DRILL_KILLS…), else the default the issue asks for. */
export function drillCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}
