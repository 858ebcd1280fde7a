/**
 * Failed sign-ins (a wrong token at /login or in a Bearer header) are counted per client address,
 * so guessing the token from one machine stops after a few tries a minute.
 */
export interface LoginLimiter {
  /** Seconds until this address may try again; 0 when it may try now. */
  retryAfterS(address: string): number;
  recordFailure(address: string): void;
}

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Addresses remembered at once; the oldest is forgotten first, so memory stays bounded. */
  maxAddresses: number;
  now?: () => number;
}

export function createLoginLimiter(options: LoginLimiterOptions): LoginLimiter {
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (address: string): number[] => {
    const since = now() - options.windowMs;
    const times = (failures.get(address) ?? []).filter((t) => t > since);
    if (times.length === 0) failures.delete(address);
    else failures.set(address, times);
    return times;
  };
  return {
    retryAfterS(address) {
      const times = recent(address);
      if (times.length < options.maxFailures) return 0;
      const oldest = times[times.length - options.maxFailures] as number;
      return Math.max(1, Math.ceil((oldest + options.windowMs - now()) / 1000));
    },
    recordFailure(address) {
      const times = recent(address);
      failures.delete(address); // re-inserted last: Map order is then oldest activity first
      failures.set(address, [...times, now()]);
      if (failures.size > options.maxAddresses) failures.delete(failures.keys().next().value as string);
    },
  };
}
