/** Wrong tokens are counted per address within a sliding minute; memory stays bounded. */
import { describe, expect, it } from 'vitest';
import { createAttemptLimiter } from '../../src/main/core/access/attempt-limiter';
import { limiterKey } from '../../src/main/headless/login-limiter';

describe('the login limiter', () => {
  it('locks an address out after its tenth failure in a minute, until the oldest ages out', () => {
    let now = 1_000_000;
    const limiter = createAttemptLimiter({
      maxFailures: 10,
      windowMs: 60_000,
      maxKeys: 100,
      now: () => now,
    });
    for (let i = 0; i < 9; i++) {
      limiter.recordFailure('10.0.0.1');
      now += 1000;
    }
    expect(limiter.retryAfterS('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1'); // the tenth, at +9 s
    // The first failure (at +0 s) leaves the window at +60 s, 51 s from now.
    expect(limiter.retryAfterS('10.0.0.1')).toBe(51);
    expect(limiter.retryAfterS('10.0.0.2')).toBe(0);
    now += 51_000;
    expect(limiter.retryAfterS('10.0.0.1')).toBe(0);
  });

  it('forgets the least recently failing address beyond its capacity', () => {
    const now = 5_000;
    const limiter = createAttemptLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2, now: () => now });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect([limiter.retryAfterS('a'), limiter.retryAfterS('b'), limiter.retryAfterS('c')]).toEqual([
      0, 60, 60,
    ]);
  });
});

describe('limiterKey', () => {
  it('counts an IPv6 host by its /64, so rotating privacy addresses does not reset the count', () => {
    expect(limiterKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limiterKey('2001:0DB8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(limiterKey('2001:db8:1:2::')).toBe('2001:db8:1:2::/64');
    expect(limiterKey('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(limiterKey('2001:db8:1:3::1')).not.toBe(limiterKey('2001:db8:1:2::1'));
  });

  it('counts IPv4, also IPv4-mapped, per address', () => {
    expect(limiterKey('192.168.1.5')).toBe('192.168.1.5');
    expect(limiterKey('::ffff:192.168.1.5')).toBe('192.168.1.5');
  });
});
