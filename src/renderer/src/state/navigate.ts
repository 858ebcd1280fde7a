import { useTree } from './tree';
import { useUi } from './ui';

/**
 * Selects a node and opens its ancestors, so the tree can scroll to it; a search that would hide
 * it is cleared.
 */
export function reveal(nodeId: string): void {
  const { parentOf } = useTree.getState();
  const ui = useUi.getState();
  const expanded = { ...ui.expanded };
  for (let parent = parentOf[nodeId]; parent; parent = parentOf[parent]) expanded[parent] = true;
  useUi.setState({ expanded, selectedId: nodeId, search: '' });
}
