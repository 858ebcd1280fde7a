/** A node reference from the contract → the channels whose energy it covers. */
import { isValidPlaceName, nodeId, placementFromPath } from './placement';
import type { Channel, Device, SiteRegistry } from './registry';
import { isNameableComponent } from './shown-components';

export interface ResolvedNode {
  id: string;
  kind: 'company' | 'office' | 'room' | 'device' | 'channel' | 'unassigned';
  /** The channels summed for this node (never EM phases above channel level). */
  channels: Channel[];
}

const energyChannels = (device: Device): Channel[] =>
  [...device.channels.values()].filter((c) => !c.row.isPhase);

function underPlace(
  registry: SiteRegistry,
  id: string,
  kind: 'company' | 'office' | 'room',
  segments: string[],
): ResolvedNode | undefined {
  const channels: Channel[] = [];
  let found = false;
  for (const device of registry.devices.values()) {
    if (!('place' in device.placement)) continue;
    const p = device.placement.place;
    const path = [p.company, p.office, p.room].slice(0, segments.length);
    if (path.every((s, i) => s === segments[i])) {
      found = true;
      channels.push(...energyChannels(device));
    }
  }
  return found ? { id, kind, channels } : undefined;
}

export function resolveNode(registry: SiteRegistry, ref: string): ResolvedNode | undefined {
  const colon = ref.indexOf(':');
  const kind = colon > 0 ? ref.slice(0, colon) : '';
  const rest = colon > 0 ? ref.slice(colon + 1) : ref;
  if (ref === nodeId.unassigned) {
    const channels = [...registry.devices.values()]
      .filter((d) => !('place' in d.placement))
      .flatMap(energyChannels);
    return { id: ref, kind: 'unassigned', channels };
  }
  if (kind === 'company' || kind === 'office' || kind === 'room') {
    return underPlace(registry, ref, kind, rest.split('/'));
  }
  if (kind === 'device') {
    const device = registry.find(rest);
    return device
      ? { id: nodeId.device(device.row.key), kind: 'device', channels: energyChannels(device) }
      : undefined;
  }
  if (kind === 'channel') {
    const bar = rest.lastIndexOf('|');
    const device = bar > 0 ? registry.find(rest.slice(0, bar)) : undefined;
    const channel = device?.channels.get(rest.slice(bar + 1));
    return channel ? { id: ref, kind: 'channel', channels: [channel] } : undefined;
  }
  // A bare unified-namespace path (`Aurora/Lisbon/Room101`) or a device id / key.
  const device = registry.find(ref);
  if (device) return { id: nodeId.device(device.row.key), kind: 'device', channels: energyChannels(device) };
  const segments = ref.split('/').map((s) => s.normalize('NFC'));
  if (segments.length === 4 && 'place' in placementFromPath(ref)) {
    const byPath = [...registry.devices.values()].find(
      (d) => 'place' in d.placement && Object.values(d.placement.place).join('/') === segments.join('/'),
    );
    return byPath
      ? { id: nodeId.device(byPath.row.key), kind: 'device', channels: energyChannels(byPath) }
      : undefined;
  }
  if (segments.length > 3 || !segments.every(isValidPlaceName)) return undefined;
  const placeKind = (['company', 'office', 'room'] as const)[segments.length - 1] as
    'company' | 'office' | 'room';
  return underPlace(registry, `${placeKind}:${segments.join('/')}`, placeKind, segments);
}

/**
 * A node staff can rename: any node with energy (resolveNode), and also a channel that meters
 * nothing — a relay without metering, a cover, a sensor the device names — since it has a name too.
 */
export function resolveNameableNode(registry: SiteRegistry, ref: string): { id: string } | undefined {
  const node = resolveNode(registry, ref);
  if (node) return node;
  if (!ref.startsWith('channel:')) return undefined;
  const rest = ref.slice('channel:'.length);
  const bar = rest.lastIndexOf('|');
  const device = bar > 0 ? registry.find(rest.slice(0, bar)) : undefined;
  const component = rest.slice(bar + 1);
  if (!device || !isNameableComponent(device, component)) return undefined;
  return { id: nodeId.channel(device.row.key, component) };
}
