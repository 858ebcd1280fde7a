import { create } from 'zustand';
import type { ConnectionProfileInput } from '../../../shared/contract';
import type { RangeKind } from '../ranges';
import type { ExpandMode } from '../tree-rows';

/** The one dialog open at a time; each names the node it works on, if it works on one. */
export type DialogState =
  | { kind: 'assign'; nodeId: string; room?: string }
  | { kind: 'rename'; nodeId: string }
  | { kind: 'export'; nodeId: string | null }
  | { kind: 'all-off'; nodeId: string }
  | { kind: 'unlock' }
  | { kind: 'set-pin' }
  | { kind: 'audit' }
  | { kind: 'settings' }
  | { kind: 'add-shelly' }
  | null;

export interface ChartRange {
  kind: RangeKind;
  /** Only for `custom`. */
  fromMs?: number;
  toMs?: number;
}

interface UiStore {
  selectedId: string | null;
  /** Only the nodes the user opened or closed; the rest follow `expandMode`. */
  expanded: Record<string, boolean>;
  expandMode: ExpandMode;
  /** What is typed in the tree's search box. */
  search: string;
  dialog: DialogState;
  chartRange: ChartRange;
  isCompareOn: boolean;
  /** Read by the connection wizard (its own component); the header's "Connect…" sets it. */
  wizardOpen: boolean;
  /** A saved connection to edit in the wizard (settings' "Edit…"); none for a new one. */
  wizardInitial: ConnectionProfileInput | undefined;
  /** The outcome of the last tree action (a drop, an assignment), shown above the tree. */
  notice: Notice | null;
  select: (id: string | null) => void;
  setExpanded: (id: string, isExpanded: boolean) => void;
  setExpandMode: (mode: ExpandMode) => void;
  setSearch: (search: string) => void;
  openDialog: (dialog: DialogState) => void;
  closeDialog: () => void;
  setChartRange: (range: ChartRange) => void;
  setCompare: (isOn: boolean) => void;
  setWizardOpen: (isOpen: boolean, initial?: ConnectionProfileInput) => void;
  notify: (text: string, tone?: Notice['tone']) => void;
  clearNotice: () => void;
}

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

let noticeId = 0;

export const useUi = create<UiStore>()((set) => ({
  selectedId: null,
  expanded: {},
  expandMode: 'default',
  search: '',
  dialog: null,
  chartRange: { kind: 'today' },
  isCompareOn: false,
  wizardOpen: false,
  wizardInitial: undefined,
  notice: null,
  select: (selectedId) => set({ selectedId }),
  setExpanded: (id, isExpanded) => set((s) => ({ expanded: { ...s.expanded, [id]: isExpanded } })),
  setExpandMode: (expandMode) => set({ expandMode, expanded: {} }),
  setSearch: (search) => set({ search }),
  openDialog: (dialog) => set({ dialog }),
  closeDialog: () => set({ dialog: null }),
  setChartRange: (chartRange) => set({ chartRange }),
  setCompare: (isCompareOn) => set({ isCompareOn }),
  setWizardOpen: (wizardOpen, wizardInitial) => set({ wizardOpen, wizardInitial }),
  notify: (text, tone = 'info') => set({ notice: { id: ++noticeId, text, tone } }),
  clearNotice: () => set({ notice: null }),
}));
