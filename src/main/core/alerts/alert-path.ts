/**
 * Where an alert is about, as people say it: `Company / Office / Room / Device`. A site has many
 * CoffeeMachines; the path says which one.
 */
import type { Device, SiteRegistry } from '../site/registry';

/** A device's full path, or `Unassigned / <name>` while it is not placed. */
export function devicePath(registry: SiteRegistry, device: Device): string {
  const name = registry.displayName(device);
  if (!('place' in device.placement)) return `Unassigned / ${name}`;
  const { company, office, room } = device.placement.place;
  return [company, office, room, name].join(' / ');
}

/** The path of a contract node id (`device:…`, `channel:…|switch:0`, `room:…`), or null. */
export function nodePath(registry: SiteRegistry, node: string | undefined): string | null {
  if (!node) return null;
  const colon = node.indexOf(':');
  const kind = node.slice(0, colon);
  const rest = node.slice(colon + 1);
  if (kind === 'company' || kind === 'office' || kind === 'room') return rest.split('/').join(' / ');
  if (kind === 'device') {
    const device = registry.devices.get(rest);
    return device ? devicePath(registry, device) : null;
  }
  if (kind === 'channel') {
    const bar = rest.lastIndexOf('|');
    const device = registry.devices.get(rest.slice(0, bar));
    if (!device) return null;
    const component = rest.slice(bar + 1);
    // A one-channel device is the channel: its name alone says it.
    if (device.channels.size <= 1) return devicePath(registry, device);
    return `${devicePath(registry, device)} / ${registry.channelName(device, component)}`;
  }
  return null;
}
