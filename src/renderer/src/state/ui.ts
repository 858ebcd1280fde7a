import { create } from 'zustand';

interface UiStore {
  selectedId: string | null;
  /** Only the nodes the user opened or closed; the rest follow `isExpandedByDefault`. */
  expanded: Record<string, boolean>;
  select: (id: string | null) => void;
  setExpanded: (id: string, isExpanded: boolean) => void;
}

export const useUi = create<UiStore>()((set) => ({
  selectedId: null,
  expanded: {},
  select: (selectedId) => set({ selectedId }),
  setExpanded: (id, isExpanded) => set((s) => ({ expanded: { ...s.expanded, [id]: isExpanded } })),
}));
