/**
 * Alerts, grouped: the same kind about the same thing (a device going offline again, more
 * messages rejected for the same reason) becomes one entry with a count, so a flapping device or a
 * noisy broker never floods the panel.
 */
import { create } from 'zustand';
import type { Alert } from '../../../shared/contract';

const KEEP_GROUPS = 200;

export interface RejectionDetail {
  reason: string;
  count: number;
  sampleTopic: string | null;
}

export interface AlertGroup {
  key: string;
  kind: Alert['kind'];
  severity: Alert['severity'];
  /** The newest alert of the group. */
  latest: Alert;
  /** How many alerts arrived for this group. */
  count: number;
  /** For rejected messages: how many messages in all (each alert reports a batch). */
  messages: number;
  firstAt: string;
  node: string | null;
  rejection: RejectionDetail | null;
}

function rejectionOf(alert: Alert): RejectionDetail | null {
  if (alert.kind !== 'message-rejected' || typeof alert.detail !== 'object' || alert.detail === null)
    return null;
  const detail = alert.detail as { reason?: unknown; count?: unknown; sample?: unknown };
  const sample = detail.sample as { topic?: unknown } | undefined;
  return {
    reason: typeof detail.reason === 'string' ? detail.reason : 'unknown',
    count: typeof detail.count === 'number' ? detail.count : 1,
    sampleTopic: typeof sample?.topic === 'string' ? sample.topic : null,
  };
}

/** What makes two alerts "the same": kind plus the device, the rejection reason, or the text. */
export function groupKey(alert: Alert): string {
  const rejection = rejectionOf(alert);
  if (rejection) return `${alert.kind}|${rejection.reason}`;
  if (alert.kind === 'broker') return `${alert.kind}|${alert.severity}`;
  if (alert.node) return `${alert.kind}|${alert.node}`;
  return `${alert.kind}|${alert.message}`;
}

interface AlertsStore {
  /** Newest activity first. */
  groups: AlertGroup[];
  /** Alert ids already counted (a resent alert is not counted twice). */
  seen: Set<string>;
  add: (alert: Alert) => void;
  dismiss: (key: string) => void;
  dismissAll: () => void;
}

export const useAlerts = create<AlertsStore>()((set) => ({
  groups: [],
  seen: new Set(),
  add: (alert) =>
    set((s) => {
      if (s.seen.has(alert.id)) return s;
      s.seen.add(alert.id);
      if (s.seen.size > 5000) s.seen.clear();
      const key = groupKey(alert);
      const rejection = rejectionOf(alert);
      const previous = s.groups.find((g) => g.key === key);
      const group: AlertGroup = previous
        ? {
            ...previous,
            latest: alert,
            severity: alert.severity,
            count: previous.count + 1,
            messages: previous.messages + (rejection?.count ?? 1),
            rejection: rejection
              ? {
                  ...rejection,
                  sampleTopic: rejection.sampleTopic ?? previous.rejection?.sampleTopic ?? null,
                }
              : previous.rejection,
          }
        : {
            key,
            kind: alert.kind,
            severity: alert.severity,
            latest: alert,
            count: 1,
            messages: rejection?.count ?? 1,
            firstAt: alert.at,
            node: alert.node ?? null,
            rejection,
          };
      return { groups: [group, ...s.groups.filter((g) => g.key !== key)].slice(0, KEEP_GROUPS) };
    }),
  dismiss: (key) => set((s) => ({ groups: s.groups.filter((g) => g.key !== key) })),
  dismissAll: () => set({ groups: [] }),
}));
