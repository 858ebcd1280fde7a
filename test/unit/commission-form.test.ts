/**
 * The "Add a Shelly" dialog's rules, without a browser: what a typed address, network or broker
 * is (checked as the contract will), which broker to offer a device, the places the tree offers,
 * and the topic prefix a choice makes.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState, ShellyFound, SiteNode } from '../../src/shared/contract';

/** The renderer's form module, seen from Node (it belongs to the web TypeScript project). */
interface FormModule {
  addressOf(typed: string): string;
  addressProblem(address: string): string | null;
  networkProblem(network: string): string | null;
  hostCount(network: string): number;
  brokerSuggestion(
    state: ConnectionState | null,
    deviceAddress: string,
  ): { server: string; tls: string } | null;
  serverOf(typed: string, tls: string): string;
  serverProblem(server: string): string | null;
  placeOptions(nodes: SiteNode[]): {
    companies: Array<{ segment: string; label: string | null }>;
    offices(company: string): Array<{ segment: string; label: string | null }>;
    rooms(company: string, office: string): Array<{ segment: string; label: string | null }>;
    hasRoom(path: string[]): boolean;
  };
  defaultDeviceName(found: Pick<ShellyFound, 'name' | 'id' | 'model'>): string;
  topicPrefixOf(found: Pick<ShellyFound, 'generation' | 'id'>, path: string[], name: string): string;
}

const FORM = resolve(__dirname, '../../src/renderer/src/components/commission/commission-form.ts');
let f: FormModule;
beforeAll(async () => {
  f = (await import(/* @vite-ignore */ FORM)) as FormModule;
});

const connection = (broker: string | null, demo = false): ConnectionState => ({
  status: 'connected',
  broker,
  subscribed: true,
  demo,
  tlsVerified: null,
  lastError: null,
  nextRetryAt: null,
});

const node = (
  kind: SiteNode['kind'],
  path: string[],
  children: SiteNode[] = [],
  name?: string,
): SiteNode => ({
  id: `${kind}:${path.join('/')}`,
  kind,
  name: name ?? path[path.length - 1] ?? '',
  path,
  children,
});

describe('the Add a Shelly form', () => {
  it('takes an address as pasted, and names what is not one', () => {
    expect(f.addressOf(' http://192.168.1.20/ ')).toBe('192.168.1.20');
    expect(f.addressOf('https://plug.local:8080/rpc/Shelly.GetDeviceInfo')).toBe('plug.local:8080');
    expect(f.addressProblem('')).toBe('empty');
    expect(f.addressProblem('192.168.1.20')).toBeNull();
    expect(f.addressProblem('plug.local:8080')).toBeNull();
    expect(f.addressProblem('plug local')).toBe('form');
    expect(f.addressProblem('user@plug')).toBe('form');
  });

  it('checks a network and counts the addresses a scan asks', () => {
    expect(f.networkProblem('')).toBe('empty');
    expect(f.networkProblem('192.168.1.0/24')).toBeNull();
    expect(f.networkProblem('192.168.1.0/21')).toBe('form'); // more than a LAN
    expect(f.networkProblem('192.168.300.0/24')).toBe('form');
    expect(f.hostCount('192.168.1.0/24')).toBe(254);
    expect(f.hostCount('10.0.0.0/22')).toBe(1022);
    expect(f.hostCount('127.0.0.1/32')).toBe(1);
  });

  it("offers the console's broker only where the device can reach it", () => {
    const lan = '192.168.1.40';
    expect(f.brokerSuggestion(connection('mqtt://broker.hotel.lan'), lan)).toEqual({
      server: 'broker.hotel.lan:1883',
      tls: 'none',
    });
    expect(f.brokerSuggestion(connection('mqtts://broker.hotel.lan:8884'), lan)).toEqual({
      server: 'broker.hotel.lan:8884',
      tls: 'built-in-ca',
    });
    // A device on the LAN would reach itself at 127.0.0.1; one on this computer reaches the broker.
    expect(f.brokerSuggestion(connection('mqtt://127.0.0.1:1883'), lan)).toBeNull();
    expect(f.brokerSuggestion(connection('mqtt://localhost:1883'), lan)).toBeNull();
    expect(f.brokerSuggestion(connection('mqtt://127.0.0.1:41234', true), '127.0.0.1:39001')).toEqual({
      server: '127.0.0.1:41234',
      tls: 'none',
    });
    // A WebSocket port is not one a device's MQTT client can use.
    expect(f.brokerSuggestion(connection('wss://emqx.example.com:8084/mqtt'), lan)).toBeNull();
    expect(f.brokerSuggestion(connection(null), lan)).toBeNull();
    expect(f.brokerSuggestion(null, lan)).toBeNull();
  });

  it('completes a broker typed without a port, and refuses a URL', () => {
    expect(f.serverOf('broker.lan', 'none')).toBe('broker.lan:1883');
    expect(f.serverOf('broker.lan', 'built-in-ca')).toBe('broker.lan:8883');
    expect(f.serverOf(' broker.lan:1884 ', 'none')).toBe('broker.lan:1884');
    expect(f.serverProblem('')).toBe('empty');
    expect(f.serverProblem('broker.lan:1883')).toBeNull();
    expect(f.serverProblem(f.serverOf('mqtt://broker.lan', 'none'))).toBe('form');
    expect(f.serverProblem('broker.lan:70000')).toBe('form');
  });

  it('offers the places by their path segment, a renamed one with its name', () => {
    const tree = [
      node(
        'company',
        ['Aurora'],
        [
          node(
            'office',
            ['Aurora', 'Lisbon'],
            [
              node('room', ['Aurora', 'Lisbon', 'Kitchen']),
              node('room', ['Aurora', 'Lisbon', 'FrontDesk'], [], 'Front desk'),
            ],
          ),
          node('office', ['Aurora', 'Porto']),
        ],
      ),
      node('unassigned', ['unassigned']),
    ];
    const options = f.placeOptions(tree);
    expect(options.companies).toEqual([{ segment: 'Aurora', label: null }]);
    expect(options.offices('Aurora').map((o) => o.segment)).toEqual(['Lisbon', 'Porto']);
    expect(options.rooms('Aurora', 'Lisbon')).toEqual([
      { segment: 'FrontDesk', label: 'Front desk' },
      { segment: 'Kitchen', label: null },
    ]);
    expect(options.rooms('Aurora', 'Madrid')).toEqual([]);
    expect(options.hasRoom(['Aurora', 'Lisbon', 'FrontDesk'])).toBe(true);
    expect(options.hasRoom(['Aurora', 'Lisbon', 'Pantry'])).toBe(false);
  });

  it('names the device from what it says, within what a place name may be', () => {
    expect(f.defaultDeviceName({ name: 'Coffee machine', id: 'x', model: 'SNPL-00112EU' })).toBe(
      'Coffee machine',
    );
    expect(f.defaultDeviceName({ name: '☕ Café #2', id: 'x', model: 'm' })).toBe('Café 2');
    expect(f.defaultDeviceName({ name: null, id: 'shellyplusplugs-e465b8', model: 'm' })).toBe(
      'shellyplusplugs-e465b8',
    );
    expect(f.defaultDeviceName({ name: '###', id: null, model: 'SHPLG-S' })).toBe('SHPLG-S');
  });

  it('says where it will publish: the place for Gen2+, its own id for Gen1', () => {
    const path = ['Aurora', 'Lisbon', 'Kitchen'];
    expect(f.topicPrefixOf({ generation: 2, id: 'a' }, path, 'Kettle')).toBe('Aurora/Lisbon/Kitchen/Kettle');
    expect(f.topicPrefixOf({ generation: 2, id: 'a' }, ['Aurora', '', 'Kitchen'], '')).toBe(
      'Aurora/…/Kitchen/…',
    );
    expect(f.topicPrefixOf({ generation: 1, id: 'shellyplug-s-ABC' }, path, 'Fan')).toBe(
      'shellies/shellyplug-s-ABC',
    );
  });
});
