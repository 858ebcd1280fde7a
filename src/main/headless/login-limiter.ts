/**
 * Failed sign-ins (a wrong token at /login or in a Bearer header) are counted per client address
 * (core/access/attempt-limiter.ts), so guessing the token from one machine stops after a few
 * tries a minute.
 */

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
