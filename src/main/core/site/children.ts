/** The direct children of a node, with the names a report prints for them. */
import { countedNodes, nodeId } from './placement';
import type { SiteRegistry } from './registry';
import type { ResolvedNode } from './resolve-node';

export interface ChildLabel {
  id: string;
  company: string;
  office: string;
  room: string;
  device: string;
  channel: string;
}

export function childrenOf(registry: SiteRegistry, node: ResolvedNode): ChildLabel[] {
  const out = new Map<string, ChildLabel>();
  for (const device of registry.devices.values()) {
    const p = 'place' in device.placement ? device.placement.place : null;
    const name = registry.displayName(device);
    const base = {
      company: p?.company ?? '',
      office: p?.office ?? '',
      room: p?.room ?? '',
      device: '',
      channel: '',
    };
    const deviceNode = nodeId.device(device.row.key);
    for (const channel of device.channels.values()) {
      if (node.kind === 'device' && node.id === deviceNode) {
        const id = nodeId.channel(device.row.key, channel.row.component);
        out.set(id, {
          ...base,
          id,
          device: name,
          channel: registry.channelName(device, channel.row.component),
        });
      }
    }
    if (node.kind === 'device' || node.kind === 'channel' || device.channels.size === 0) continue;
    const nodes = countedNodes(device.row.key, '', false, device.placement);
    if (!nodes.includes(node.id)) continue;
    if (node.kind === 'company' && p) out.set(nodeId.office(p), { ...base, id: nodeId.office(p), room: '' });
    else if (node.kind === 'office' && p) out.set(nodeId.room(p), { ...base, id: nodeId.room(p) });
    else out.set(deviceNode, { ...base, id: deviceNode, device: name });
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}
