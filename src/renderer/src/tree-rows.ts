import type { NodeKind, SiteNode } from '../../shared/contract';

export interface TreeRow {
  node: SiteNode;
  /** 1 for top-level nodes, as `aria-level` counts. */
  level: number;
  setSize: number;
  posInSet: number;
  parentId: string | null;
  /** null for a node without children. */
  isExpanded: boolean | null;
}

/** Places are open at first so the totals are visible; devices hold many channels, so closed. */
export const isExpandedByDefault = (kind: NodeKind): boolean => kind !== 'device' && kind !== 'channel';

/** The visible rows of the tree, depth first, skipping the children of closed nodes. */
export function flattenTree(nodes: SiteNode[], expanded: Record<string, boolean>): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (siblings: SiteNode[], level: number, parentId: string | null): void => {
    siblings.forEach((node, index) => {
      const hasChildren = node.children.length > 0;
      const isExpanded = hasChildren ? (expanded[node.id] ?? isExpandedByDefault(node.kind)) : null;
      rows.push({ node, level, setSize: siblings.length, posInSet: index + 1, parentId, isExpanded });
      if (isExpanded) visit(node.children, level + 1, node.id);
    });
  };
  visit(nodes, 1, null);
  return rows;
}
