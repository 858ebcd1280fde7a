/**
 * The one place where the transport meets the stores: push subscriptions are made once, at
 * startup, and snapshots are refetched whenever the event stream (re)opens.
 */
import type { EventPayload } from '../../../shared/contract';
import { refreshAccess } from './access';
import type { Transport } from '../api';
import { refreshConnection, refreshTree, setTransport } from './actions';
import { refreshAlerts } from './alert-actions';
import { useAlerts } from './alerts';
import { useConnection } from './connection';
import { useLink } from './link';
import { useLive } from './live';
import { usePowerTrail } from './power-trail';
import { refreshSettings, useSettings } from './settings';
import { useTree } from './tree';

const DISCOVERY_REFRESH_MS = 500;
const FIRST_LOAD_FALLBACK_MS = 1500;
/** A `device.state` the renderer cannot place refreshes the tree at most this often… */
const UNKNOWN_STATE_REFRESH_MS = 3000;
/** …and only on sites small enough that a full snapshot is cheap (see `deviceNodeOf`). */
const UNKNOWN_STATE_REFRESH_MAX_NODES = 5000;

/**
 * `device.state` names a device by its Shelly id, the tree by its topic key. The two are the same
 * for devices without an id, Gen1 keys are `shellies/<id>`, and discovery tells the path of the
 * rest; a device still unknown gets its state from the next snapshot.
 */
const learnedNodeOf = new Map<string, string>();

function deviceNodeOf(id: string): string | undefined {
  const { byId } = useTree.getState();
  for (const candidate of [learnedNodeOf.get(id), `device:${id}`, `device:shellies/${id}`]) {
    if (candidate && byId[candidate]?.kind === 'device') return candidate;
  }
  return undefined;
}

let isWired = false;

export function wire(api: Transport): void {
  if (isWired) return;
  isWired = true;
  setTransport(api);

  let hasAskedForSnapshots = false;
  const refreshAll = (): void => {
    hasAskedForSnapshots = true;
    void refreshTree();
    void refreshConnection();
    void refreshAlerts();
    void refreshAccess();
    void refreshSettings();
  };

  // A fleet coming online announces many devices at once: one tree fetch per window is enough.
  let discoveryTimer: ReturnType<typeof setTimeout> | null = null;
  const treeChangedSoon = (delayMs = DISCOVERY_REFRESH_MS): void => {
    discoveryTimer ??= setTimeout(() => {
      discoveryTimer = null;
      void refreshTree();
    }, delayMs);
  };

  const onDeviceState = (state: EventPayload<'device.state'>): void => {
    const tree = useTree.getState();
    const nodeId = deviceNodeOf(state.id);
    if (!nodeId) {
      // A first screenful leaves most devices out; the whole tree is already on its way.
      if (tree.nodeCount <= UNKNOWN_STATE_REFRESH_MAX_NODES && tree.devicesLeftOut === 0)
        treeChangedSoon(UNKNOWN_STATE_REFRESH_MS);
      return;
    }
    tree.setDeviceOnline(nodeId, state.online, state.lastSeen);
    const key = nodeId.slice('device:'.length);
    for (const [component, on] of Object.entries(state.outputs)) {
      const channelId = `channel:${key}|${component}`;
      if (tree.byId[channelId]) tree.setOutput(channelId, on);
    }
    for (const [component, cover] of Object.entries(state.covers ?? {})) {
      const channelId = `channel:${key}|${component}`;
      if (tree.byId[channelId]) tree.setCover(channelId, cover);
    }
  };

  api.on('connection.state', (state) => useConnection.getState().set(state));
  api.on('totals.live', ({ ts, seq, nodes }) => {
    useLive.getState().push(nodes, seq, ts);
    usePowerTrail.getState().sample(useLive.getState().byId, Date.parse(ts));
  });
  api.on('device.discovered', (device) => {
    if (device.path) learnedNodeOf.set(device.id, `device:${device.path.join('/')}`);
    treeChangedSoon();
  });
  api.on('device.state', onDeviceState);
  api.on('alert', (alert) => {
    useAlerts.getState().put(alert);
    // Availability alerts name the device node itself: the tree can follow them exactly. An
    // acknowledgement or clearing resends an old one, which says nothing about the device now.
    const isNews = alert.ackedAt === null && alert.clearedAt === null;
    if (isNews && alert.node && (alert.kind === 'device-offline' || alert.kind === 'device-online'))
      useTree.getState().setDeviceOnline(alert.node, alert.kind === 'device-online', alert.at);
  });
  api.on('sensor.reading', (sensor) => useTree.getState().setSensor(sensor));
  api.on('settings.changed', (settings) => useSettings.getState().set(settings));
  api.on('history.rebuild', (progress) => useSettings.getState().progress(progress));

  api.onNotice((notice) => {
    const link = useLink.getState();
    if (notice.kind === 'rejected') return link.reject(notice.reason);
    if (notice.kind === 'stream-closed') return link.streamClosed(notice.retryInMs);
    link.streamOpened();
    useLive.getState().streamOpened();
    // Whatever was pushed while the stream was down is lost; the snapshots replace it.
    refreshAll();
  });

  // Companies and offices keep an hour of live power from the start; other nodes from selection.
  useTree.subscribe((s, before) => {
    if (s.nodes === before.nodes) return;
    const places = s.nodes
      .flatMap((n) => [n, ...n.children])
      .filter((n) => n.kind === 'company' || n.kind === 'office');
    usePowerTrail.getState().followAlways(places.map((n) => n.id));
  });

  if (api.kind === 'ipc') {
    useLink.getState().streamOpened();
    refreshAll();
  } else {
    // Over the bridge the first stream-open fetches the snapshots (fetching before would load a
    // large site twice); if the event stream cannot open, the snapshots still come.
    setTimeout(() => {
      if (!hasAskedForSnapshots) refreshAll();
    }, FIRST_LOAD_FALLBACK_MS);
  }
}
