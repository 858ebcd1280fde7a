/** Which Host headers the bridge answers to (DNS rebinding defence), and what counts as loopback. */
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createHostAllowlist, isLoopbackHost, splitHost } from '../../src/main/headless/host-allowlist';

const allow = (boundHost: string, extraHosts: string[] = [], port = 5178) =>
  createHostAllowlist({ boundHost, extraHosts, port: () => port });

describe('the Host allowlist', () => {
  it('accepts the loopback names and the bound address with the port, and nothing else', () => {
    const ok = allow('127.0.0.1');
    expect(['localhost:5178', '127.0.0.1:5178', '[::1]:5178', 'LOCALHOST:5178'].map(ok)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      [
        'evil.example:5178',
        'localhost:5179',
        'localhost',
        '127.0.0.2:5178',
        '',
        'localhost:5178:1',
        '[::1',
      ].map(ok),
    ).toEqual([false, false, false, false, false, false, false]);
    expect(ok(undefined)).toBe(false);
  });

  it('accepts an IPv6 bound address in brackets', () => {
    expect(allow('::1')('[::1]:5178')).toBe(true);
    expect(allow('fd00::5')('[fd00::5]:5178')).toBe(true);
    expect(allow('fd00::5')('[fd00::6]:5178')).toBe(false);
  });

  it('lets the port be left out only on port 80, as browsers do', () => {
    expect(allow('127.0.0.1', [], 80)('localhost')).toBe(true);
    expect(allow('127.0.0.1', [], 80)('localhost:80')).toBe(true);
    expect(allow('127.0.0.1', [], 8080)('localhost')).toBe(false);
  });

  it('accepts [server] hosts: a bare name with the port or none, a name:port exactly', () => {
    const ok = allow('127.0.0.1', ['kilowatch.lan', 'proxy.example:8443']);
    expect(['kilowatch.lan', 'kilowatch.lan:5178', 'KILOWATCH.LAN:5178'].map(ok)).toEqual([true, true, true]);
    expect(ok('kilowatch.lan:9999')).toBe(false);
    expect(ok('proxy.example:8443')).toBe(true);
    expect(ok('proxy.example')).toBe(false);
    expect(ok('proxy.example:5178')).toBe(false);
  });

  it('on a wildcard listen accepts the machine’s own addresses, never 0.0.0.0 itself', () => {
    const ok = allow('0.0.0.0');
    const own = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i?.family === 'IPv4')
      .map((i) => i?.address as string);
    expect(own).toContain('127.0.0.1');
    for (const address of own) expect(ok(`${address}:5178`), address).toBe(true);
    expect(ok('0.0.0.0:5178')).toBe(false);
    expect(ok('192.0.2.77:5178')).toBe(false); // TEST-NET-1: never an address of this machine
    expect(ok('evil.example:5178')).toBe(false);
  });

  it('splits a Host header and refuses malformed ones', () => {
    expect(splitHost('Example.COM:80')).toEqual({ name: 'example.com', port: '80' });
    expect(splitHost('[::1]')).toEqual({ name: '[::1]', port: null });
    expect(splitHost('a b:80')).toBeNull();
    expect(splitHost('x:123456')).toBeNull();
    expect(splitHost('user@host:80')).toBeNull();
  });
});

describe('isLoopbackHost', () => {
  it('is true only for addresses no other machine can reach', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['0.0.0.0', '::', '192.168.1.10', 'kilowatch.lan', '127.0.0.1.evil.example'].map(isLoopbackHost),
    ).toEqual([false, false, false, false, false]);
  });
});
