import { create } from 'zustand';
import type { Alert } from '../../../shared/contract';

const KEEP = 100;

interface AlertsStore {
  /** Newest first, at most the last 100. */
  items: Alert[];
  add: (alert: Alert) => void;
  dismiss: (id: string) => void;
  dismissAll: () => void;
}

export const useAlerts = create<AlertsStore>()((set) => ({
  items: [],
  add: (alert) =>
    set((s) => ({ items: [alert, ...s.items.filter((a) => a.id !== alert.id)].slice(0, KEEP) })),
  dismiss: (id) => set((s) => ({ items: s.items.filter((a) => a.id !== id) })),
  dismissAll: () => set({ items: [] }),
}));
