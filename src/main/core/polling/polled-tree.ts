/** Marks the polled devices in site.tree (`polled: true`), the way markRoles marks roles. */
import type { Caller, SiteNode } from '../../../shared/contract';
import type { CommandPart } from '../commands/part';
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

/** The site commands with site.tree marking the polled devices (keys read when asked). */
export function withPolledMarks<P extends CommandPart<'site.tree'>>(
  part: P,
  keys: () => ReadonlySet<string>,
): P {
  const tree = part['site.tree'];
  return {
    ...part,
    'site.tree': async (params: Parameters<typeof tree>[0], caller?: Caller) => {
      const reply = await tree(params, caller);
      if (reply.ok) markPolled(reply.value.nodes, keys());
      return reply;
    },
  };
}
