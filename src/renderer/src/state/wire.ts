/**
 * The one place where the transport meets the stores: push subscriptions are made once, at
 * startup, and snapshots are refetched whenever the event stream (re)opens.
 */
import type { Transport } from '../api';
import { useAlerts } from './alerts';
import { useConnection } from './connection';
import { useLink } from './link';
import { useLive } from './live';
import { useTree } from './tree';

const DISCOVERY_REFRESH_MS = 500;

/** Runs `task` one at a time; a request made while it runs causes exactly one more run. */
function singleFlight(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    try {
      do {
        again = false;
        await task();
      } while (again);
    } finally {
      running = null;
    }
  };
  return () => {
    if (running) again = true;
    else running = run();
    return running;
  };
}

let isWired = false;

export function wire(api: Transport): void {
  if (isWired) return;
  isWired = true;

  const refreshTree = singleFlight(async () => {
    const reply = await api.invoke('site.tree', {});
    if (!reply.ok) return useTree.getState().fail(reply.error);
    useLive.getState().merge(reply.value.totals);
    useTree.getState().setTree(reply.value.nodes);
  });
  const refreshConnection = singleFlight(async () => {
    const reply = await api.invoke('connection.status', {});
    if (reply.ok) useConnection.getState().set(reply.value);
    else useConnection.getState().fail(reply.error);
  });
  const refreshAll = (): void => {
    void refreshTree();
    void refreshConnection();
  };

  // A fleet coming online announces many devices at once: one tree fetch per window is enough.
  let discoveryTimer: ReturnType<typeof setTimeout> | null = null;
  const treeChangedSoon = (): void => {
    discoveryTimer ??= setTimeout(() => {
      discoveryTimer = null;
      void refreshTree();
    }, DISCOVERY_REFRESH_MS);
  };

  api.on('connection.state', (state) => useConnection.getState().set(state));
  api.on('totals.live', ({ ts, nodes }) => useLive.getState().merge(nodes, ts));
  api.on('device.discovered', treeChangedSoon);
  api.on('device.state', ({ id, online }) => useTree.getState().setDeviceOnline(id, online));
  api.on('alert', (alert) => useAlerts.getState().add(alert));

  api.onNotice((notice) => {
    const link = useLink.getState();
    if (notice.kind === 'rejected') return link.reject(notice.reason);
    if (notice.kind === 'stream-closed') return link.streamClosed(notice.retryInMs);
    link.streamOpened();
    // Whatever was pushed while the stream was down is lost; the snapshots replace it.
    refreshAll();
  });

  if (api.kind === 'ipc') useLink.getState().streamOpened();
  refreshAll();
}
