/** Marks the polled devices in site.tree (`polled: true`), beside markRoles in commands/site.ts. */
import type { SiteNode } from '../../../shared/contract';
import { nodeId } from '../site/placement';

export function markPolled(nodes: SiteNode[], keys: ReadonlySet<string>): void {
  if (keys.size === 0) return;
  const ids = new Set([...keys].map((k) => nodeId.device(k)));
  const walk = (list: SiteNode[]) => {
    for (const node of list) {
      if (node.kind !== 'device') walk(node.children);
      else if (ids.has(node.id)) {
        node.polled = true;
        // Its relays answer HTTP, not the MQTT commands the console sends: shown, not switched.
        for (const channel of node.children) if (channel.switchable) channel.switchable = false;
      }
    }
  };
  walk(nodes);
}
