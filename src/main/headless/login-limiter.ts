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

/**
 * The key failures are counted under. One IPv6 host holds a whole /64 (privacy addresses, SLAAC)
 * and could rotate through it, so IPv6 clients are counted per /64; IPv4 (also IPv4-mapped) per
 * address.
 */
export function limiterKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
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
