/** The two small rules "Add a Shelly" leans on: which hosts a scan asks, and which topics a filter takes. */
import { describe, expect, it } from 'vitest';
import { filterMatches } from '../../src/main/core/broker/topic-filter';
import { hostsOf } from '../../src/main/core/commissioning/lan-scan';

describe('hostsOf', () => {
  it('leaves out the network and broadcast addresses of a LAN', () => {
    const hosts = hostsOf('192.168.1.77/24');
    expect(hosts).toHaveLength(254);
    expect(hosts[0]).toBe('192.168.1.1');
    expect(hosts.at(-1)).toBe('192.168.1.254');
    expect(hostsOf('10.0.0.0/30')).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(hostsOf('10.0.4.0/22')).toHaveLength(1022);
  });
  it('keeps both addresses of a /31 and the one of a /32', () => {
    expect(hostsOf('10.0.0.4/31')).toEqual(['10.0.0.4', '10.0.0.5']);
    expect(hostsOf('10.0.0.9/32')).toEqual(['10.0.0.9']);
  });
  it('refuses what is not an IPv4 network', () => {
    expect(() => hostsOf('10.0.0.300/24')).toThrow(/not a network/);
    expect(() => hostsOf('plug.local/24')).toThrow(/not a network/);
  });
});

describe('filterMatches', () => {
  it('takes topics as a broker does', () => {
    const topic = 'Aurora/Porto/Lobby/Kettle/events/rpc';
    expect(filterMatches('#', topic)).toBe(true);
    expect(filterMatches('Aurora/#', topic)).toBe(true);
    expect(filterMatches('Aurora/+/+/+/events/rpc', topic)).toBe(true);
    expect(filterMatches('Coreflux/#', topic)).toBe(false);
    expect(filterMatches('Aurora/+/events/rpc', topic)).toBe(false);
    expect(filterMatches('shellies/#', 'shellies')).toBe(true);
    expect(filterMatches('Aurora/Porto', topic)).toBe(false);
    expect(filterMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(filterMatches('+/broker/uptime', '$SYS/broker/uptime')).toBe(false);
    expect(filterMatches('$SYS/#', '$SYS/broker/uptime')).toBe(true);
  });
});
