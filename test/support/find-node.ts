/** A node of a `site.tree` answer, wherever it sits. */
import type { SiteNode } from '../../src/shared/contract';

export function findNode(nodes: readonly SiteNode[], id: string): SiteNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const below = findNode(node.children, id);
    if (below) return below;
  }
  return undefined;
}
