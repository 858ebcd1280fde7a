/**
 * A node and the nodes it inherits rules from, nearest first: a channel → its device → its room →
 * office → company. Only nodes the console knows have a chain.
 */
import { nodeId, type Place } from '../site/placement';
import type { Device, SiteRegistry } from '../site/registry';
import { resolveNode } from '../site/resolve-node';
import type { NodeLevel } from './rule-kinds';

export function levelOf(node: string): NodeLevel | null {
  const colon = node.indexOf(':');
  const kind = colon > 0 ? node.slice(0, colon) : '';
  return kind === 'company' || kind === 'office' || kind === 'room' || kind === 'device' || kind === 'channel'
    ? kind
    : null;
}

/** Room, office, company. */
export const placeChain = (p: Pick<Place, 'company' | 'office' | 'room'>): string[] => [
  nodeId.room(p),
  nodeId.office(p),
  nodeId.company(p),
];

const deviceChain = (device: Device): string[] => [
  nodeId.device(device.row.key),
  ...('place' in device.placement ? placeChain(device.placement.place) : []),
];

/** The chain of a known node (its own id first, as the console spells it); null when unknown. */
export function chainOf(registry: SiteRegistry, node: string): string[] | null {
  const level = levelOf(node);
  if (level === 'company' || level === 'office' || level === 'room') {
    const resolved = resolveNode(registry, node);
    if (!resolved) return null;
    const [company = '', office = '', room = ''] = node.slice(level.length + 1).split('/');
    const chain = placeChain({ company, office, room });
    return chain.slice(['room', 'office', 'company'].indexOf(level));
  }
  if (level === 'device') {
    const device = registry.find(node);
    return device ? deviceChain(device) : null;
  }
  if (level === 'channel') {
    const rest = node.slice('channel:'.length);
    const bar = rest.lastIndexOf('|');
    const device = bar > 0 ? registry.find(rest.slice(0, bar)) : undefined;
    const component = rest.slice(bar + 1);
    if (!device || !(device.channels.has(component) || device.outputs.has(component))) return null;
    return [nodeId.channel(device.row.key, component), ...deviceChain(device)];
  }
  return null;
}
