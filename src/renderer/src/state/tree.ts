import { create } from 'zustand';
import type { SiteNode } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';

interface TreeStore {
  nodes: SiteNode[];
  byId: Record<string, SiteNode>;
  isLoaded: boolean;
  /** Why the last `site.tree` request failed; the previous tree stays on screen. */
  error: ApiError | null;
  /** Online state from `device.state` events, newer than the tree snapshot it overrides. */
  deviceOnline: Record<string, boolean | null>;
  setTree: (nodes: SiteNode[]) => void;
  fail: (error: ApiError) => void;
  setDeviceOnline: (id: string, online: boolean | null) => void;
}

function indexNodes(nodes: SiteNode[]): Record<string, SiteNode> {
  const byId: Record<string, SiteNode> = {};
  const stack = [...nodes];
  for (let node = stack.pop(); node; node = stack.pop()) {
    byId[node.id] = node;
    stack.push(...node.children);
  }
  return byId;
}

export const useTree = create<TreeStore>()((set) => ({
  nodes: [],
  byId: {},
  isLoaded: false,
  error: null,
  deviceOnline: {},
  setTree: (nodes) => set({ nodes, byId: indexNodes(nodes), isLoaded: true, error: null }),
  fail: (error) => set({ error }),
  setDeviceOnline: (id, online) =>
    set((s) => (s.deviceOnline[id] === online ? s : { deviceOnline: { ...s.deviceOnline, [id]: online } })),
}));
