/**
 * The stored alerts, as the core keeps them: one per fault and subject (`key`), its repeats
 * counted there. Loaded on start and whenever the event stream reopens; live `alert` events
 * replace the entry of their key. Cleared alerts leave the list.
 */
import { create } from 'zustand';
import type { Alert, AlertKind } from '../../../shared/contract';

export interface AlertsStore {
  /** Newest activity first. */
  alerts: Alert[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** Kinds shown; null shows every kind. */
  kinds: AlertKind[] | null;
  /** An acknowledge or clear that failed, said next to its alert. */
  actionError: { id: string; message: string } | null;
  /** A snapshot from `alerts.query`. */
  load: (alerts: Alert[]) => void;
  fail: (message: string) => void;
  /** A live alert: new, repeated, acknowledged or cleared. */
  put: (alert: Alert) => void;
  setKinds: (kinds: AlertKind[] | null) => void;
  setActionError: (error: { id: string; message: string } | null) => void;
}

const byLatest = (a: Alert, b: Alert): number =>
  a.at === b.at ? Number(b.id) - Number(a.id) : a.at < b.at ? 1 : -1;

/** The later of two states of one alert: a newer occurrence, more repeats, acknowledged, over or cleared. */
function isNewer(next: Alert, known: Alert): boolean {
  if (next.id !== known.id) return next.firstAt >= known.firstAt;
  if (next.count !== known.count) return next.count > known.count;
  const gained = (field: 'ackedAt' | 'clearedAt' | 'resolvedAt') =>
    next[field] !== null && known[field] === null;
  return gained('ackedAt') || gained('clearedAt') || gained('resolvedAt');
}

export const useAlerts = create<AlertsStore>()((set) => ({
  alerts: [],
  status: 'loading',
  error: null,
  kinds: null,
  actionError: null,
  load: (alerts) =>
    set((s) => {
      // An event that arrived while the snapshot was on its way may be newer than the snapshot.
      const known = new Map(s.alerts.map((a) => [a.key, a]));
      const merged = alerts.map((a) => {
        const live = known.get(a.key);
        return live && isNewer(live, a) ? live : a;
      });
      return {
        alerts: merged.filter((a) => a.clearedAt === null).sort(byLatest),
        status: 'ready',
        error: null,
      };
    }),
  fail: (message) => set({ status: 'error', error: message }),
  put: (alert) =>
    set((s) => {
      const known = s.alerts.find((a) => a.key === alert.key);
      if (known && !isNewer(alert, known)) return s;
      const others = s.alerts.filter((a) => a.key !== alert.key);
      return { alerts: alert.clearedAt === null ? [alert, ...others].sort(byLatest) : others };
    }),
  setKinds: (kinds) => set({ kinds }),
  setActionError: (actionError) => set({ actionError }),
}));
