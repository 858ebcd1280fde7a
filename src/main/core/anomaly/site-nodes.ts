/** The nodes anomaly rules are judged at, with their inheritance chains, as the registry has them now. */
import { nodeId } from '../site/placement';
import type { Device, SiteRegistry } from '../site/registry';
import { placeChain } from './node-chain';

export interface JudgedNode {
  id: string;
  /** Nearest first: the node itself, then what it inherits from. */
  chain: string[];
}

export interface SiteNodes {
  places: Array<JudgedNode & { level: 'company' | 'office' | 'room' }>;
  devices: Array<JudgedNode & { device: Device }>;
  /** Relay channels (`switch:N`, Gen1 `relay:N`). */
  relays: Array<JudgedNode & { device: Device; component: string }>;
}

export const isRelay = (component: string): boolean => /^(switch|relay):\d+$/.test(component);

export function siteNodes(registry: SiteRegistry): SiteNodes {
  const places = new Map<string, SiteNodes['places'][number]>();
  const devices: SiteNodes['devices'] = [];
  const relays: SiteNodes['relays'] = [];
  for (const device of registry.devices.values()) {
    const above = 'place' in device.placement ? placeChain(device.placement.place) : [];
    const [room, office, company] = above;
    if (room && office && company) {
      places.set(room, { id: room, level: 'room', chain: above });
      places.set(office, { id: office, level: 'office', chain: [office, company] });
      places.set(company, { id: company, level: 'company', chain: [company] });
    }
    const deviceNode = nodeId.device(device.row.key);
    devices.push({ id: deviceNode, device, chain: [deviceNode, ...above] });
    const components = new Set([...device.outputs.keys(), ...device.channels.keys()]);
    for (const component of components) {
      if (!isRelay(component)) continue;
      const id = nodeId.channel(device.row.key, component);
      relays.push({ id, device, component, chain: [id, deviceNode, ...above] });
    }
  }
  return { places: [...places.values()], devices, relays };
}
