import type { NodeKind, SiteNode } from '../../shared/contract';
import type { Matcher } from './search';

export interface TreeRow {
  node: SiteNode;
  /** 1 for top-level nodes, as `aria-level` counts. */
  level: number;
  setSize: number;
  posInSet: number;
  parentId: string | null;
  /** null for a node without children. */
  isExpanded: boolean | null;
  /** The node itself matches the search (not only a descendant of it). */
  isMatch: boolean;
}

/** `default`: places open, devices closed; `collapsed`: everything closed ("Collapse all"). */
export type ExpandMode = 'default' | 'collapsed';

/** Places are open at first so the totals are visible; devices hold many channels, so closed. */
export const isExpandedByDefault = (kind: NodeKind): boolean => kind !== 'device' && kind !== 'channel';

const isOpen = (node: SiteNode, expanded: Record<string, boolean>, mode: ExpandMode): boolean =>
  expanded[node.id] ?? (mode === 'default' && isExpandedByDefault(node.kind));

/** Ids of nodes with a matching descendant: the search keeps them visible and open. */
function ancestorsOfMatches(nodes: SiteNode[], matches: Matcher): Set<string> {
  const out = new Set<string>();
  const visit = (node: SiteNode): boolean => {
    let below = false;
    for (const child of node.children) {
      // Evaluate every child: each one may add its own ancestors.
      if (visit(child)) below = true;
    }
    if (below) out.add(node.id);
    return below || matches(node);
  };
  nodes.forEach(visit);
  return out;
}

/**
 * The visible rows of the tree, depth first, skipping the children of closed nodes. With a search,
 * only matches, their ancestors (forced open) and whatever the user opens below a match remain.
 */
export function flattenTree(
  nodes: SiteNode[],
  expanded: Record<string, boolean>,
  mode: ExpandMode = 'default',
  matches: Matcher | null = null,
): TreeRow[] {
  const rows: TreeRow[] = [];
  const withMatchBelow = matches ? ancestorsOfMatches(nodes, matches) : null;
  const visit = (
    siblings: SiteNode[],
    level: number,
    parentId: string | null,
    isUnderMatch: boolean,
  ): void => {
    const shown =
      withMatchBelow && matches && !isUnderMatch
        ? siblings.filter((node) => withMatchBelow.has(node.id) || matches(node))
        : siblings;
    shown.forEach((node, index) => {
      const hasChildren = node.children.length > 0;
      const isMatch = matches ? matches(node) : false;
      const isForcedOpen = withMatchBelow?.has(node.id) ?? false;
      const isExpanded = hasChildren ? isForcedOpen || isOpen(node, expanded, mode) : null;
      rows.push({ node, level, setSize: shown.length, posInSet: index + 1, parentId, isExpanded, isMatch });
      if (isExpanded) visit(node.children, level + 1, node.id, isUnderMatch || isMatch);
    });
  };
  visit(nodes, 1, null, false);
  return rows;
}

/** Every switchable relay channel at or below a node. */
export function switchableChannels(node: SiteNode): SiteNode[] {
  const out: SiteNode[] = [];
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.kind === 'channel' && n.switchable) out.push(n);
    for (const child of n.children) stack.push(child);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The component of a channel node id: `channel:<device key>|switch:0` → `switch:0`. */
export const componentOf = (channelId: string): string => channelId.slice(channelId.lastIndexOf('|') + 1);

/**
 * The children whose energies add up to the node's: what a stacked chart or a ranking shows. EM
 * phases (`emdata:0/a`) are already inside their meter's total, so they are left out.
 */
export function shareChildren(node: SiteNode): SiteNode[] {
  return node.children.filter((child) => !(child.kind === 'channel' && componentOf(child.id).includes('/')));
}
