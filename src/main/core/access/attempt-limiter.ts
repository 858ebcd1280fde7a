/**
 * Failed attempts (a wrong bridge token, a wrong manager PIN) counted per key, so guessing stops
 * after a few tries a minute. Memory stays bounded: the key least recently tried is forgotten
 * first.
 */
export interface AttemptLimiter {
  /** Seconds until this key may try again; 0 when it may try now. */
  retryAfterS(key: string): number;
  recordFailure(key: string): void;
}

export interface AttemptLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Keys remembered at once; the oldest is forgotten first, so memory stays bounded. */
  maxKeys: number;
  now?: () => number;
}

export function createAttemptLimiter(options: AttemptLimiterOptions): AttemptLimiter {
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const since = now() - options.windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };
  return {
    retryAfterS(key) {
      const times = recent(key);
      if (times.length < options.maxFailures) return 0;
      const oldest = times[times.length - options.maxFailures] as number;
      return Math.max(1, Math.ceil((oldest + options.windowMs - now()) / 1000));
    },
    recordFailure(key) {
      const times = recent(key);
      failures.delete(key); // re-inserted last: Map order is then oldest activity first
      failures.set(key, [...times, now()]);
      if (failures.size > options.maxKeys) failures.delete(failures.keys().next().value as string);
    },
  };
}
