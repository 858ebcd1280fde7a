import { create } from 'zustand';
import type { CoverStatus, Sensor, SiteNode } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';

interface TreeStore {
  nodes: SiteNode[];
  byId: Record<string, SiteNode>;
  /** Parent node id of every node (null at the top). */
  parentOf: Record<string, string | null>;
  /** How many nodes the snapshot has (a 10,000-device site has ~30,000). */
  nodeCount: number;
  isLoaded: boolean;
  /** Devices still on their way: the tree shown is the first screenful of a large site's. */
  devicesLeftOut: number;
  /** Why the last `site.tree` request failed; the previous tree stays on screen. */
  error: ApiError | null;
  /** Online state per device node id, from events newer than the tree snapshot. */
  deviceOnline: Record<string, boolean | null>;
  /** Last-seen time per device node id, from events newer than the snapshot. */
  deviceLastSeen: Record<string, string>;
  /** Relay state per channel node id, from events or confirmed switching, newer than the snapshot. */
  outputs: Record<string, boolean>;
  /** Cover state and position per channel node id, from events or confirmed commands. */
  covers: Record<string, CoverStatus>;
  /** BLU sensors by address. */
  sensors: Record<string, Sensor>;
  /**
   * Sets a new snapshot. Overrides made after `requestedAtMs` (when the snapshot was asked for)
   * are newer than it and stay; older ones are replaced by the snapshot's own values.
   */
  setTree: (nodes: SiteNode[], sensors: Sensor[], requestedAtMs: number, devicesLeftOut?: number) => void;
  fail: (error: ApiError) => void;
  setDeviceOnline: (nodeId: string, online: boolean | null, lastSeen?: string | null) => void;
  setOutput: (channelId: string, on: boolean) => void;
  setCover: (channelId: string, cover: CoverStatus) => void;
  setSensor: (sensor: Sensor) => void;
}

function indexNodes(nodes: SiteNode[]): {
  byId: Record<string, SiteNode>;
  parentOf: Record<string, string | null>;
  nodeCount: number;
} {
  const byId: Record<string, SiteNode> = {};
  const parentOf: Record<string, string | null> = {};
  const stack: Array<[SiteNode, string | null]> = nodes.map((n) => [n, null]);
  let nodeCount = 0;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, parent] = item;
    byId[node.id] = node;
    parentOf[node.id] = parent;
    nodeCount++;
    for (const child of node.children) stack.push([child, node.id]);
  }
  return { byId, parentOf, nodeCount };
}

/** When each override was made, to know whether a snapshot is newer (not state: never rendered). */
const overrideAtMs = new Map<string, number>();

function keepNewer<T>(overrides: Record<string, T>, kind: string, sinceMs: number): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [id, value] of Object.entries(overrides)) {
    if ((overrideAtMs.get(`${kind}|${id}`) ?? 0) >= sinceMs) out[id] = value;
    else overrideAtMs.delete(`${kind}|${id}`);
  }
  return out;
}

export const useTree = create<TreeStore>()((set) => ({
  nodes: [],
  byId: {},
  parentOf: {},
  nodeCount: 0,
  isLoaded: false,
  devicesLeftOut: 0,
  error: null,
  deviceOnline: {},
  deviceLastSeen: {},
  outputs: {},
  covers: {},
  sensors: {},
  setTree: (nodes, sensors, requestedAtMs, devicesLeftOut = 0) =>
    set((s) => ({
      nodes,
      ...indexNodes(nodes),
      isLoaded: true,
      devicesLeftOut,
      error: null,
      deviceOnline: keepNewer(s.deviceOnline, 'online', requestedAtMs),
      deviceLastSeen: keepNewer(s.deviceLastSeen, 'seen', requestedAtMs),
      outputs: keepNewer(s.outputs, 'output', requestedAtMs),
      covers: keepNewer(s.covers, 'cover', requestedAtMs),
      sensors: Object.fromEntries(sensors.map((sensor) => [sensor.address, sensor])),
    })),
  fail: (error) => set({ error }),
  setDeviceOnline: (nodeId, online, lastSeen) =>
    set((s) => {
      const now = Date.now();
      const next: Partial<TreeStore> = {};
      if (s.deviceOnline[nodeId] !== online) {
        overrideAtMs.set(`online|${nodeId}`, now);
        next.deviceOnline = { ...s.deviceOnline, [nodeId]: online };
      }
      if (lastSeen && s.deviceLastSeen[nodeId] !== lastSeen) {
        overrideAtMs.set(`seen|${nodeId}`, now);
        next.deviceLastSeen = { ...s.deviceLastSeen, [nodeId]: lastSeen };
      }
      return next;
    }),
  setOutput: (channelId, on) =>
    set((s) => {
      overrideAtMs.set(`output|${channelId}`, Date.now());
      return s.outputs[channelId] === on ? s : { outputs: { ...s.outputs, [channelId]: on } };
    }),
  setCover: (channelId, cover) =>
    set((s) => {
      overrideAtMs.set(`cover|${channelId}`, Date.now());
      const was = s.covers[channelId];
      const isSame =
        was?.state === cover.state &&
        was.positionPct === cover.positionPct &&
        was.isCalibrated === cover.isCalibrated;
      return isSame ? s : { covers: { ...s.covers, [channelId]: cover } };
    }),
  setSensor: (sensor) => set((s) => ({ sensors: { ...s.sensors, [sensor.address]: sensor } })),
}));

/** A device's online state: the latest event, else the snapshot. */
export const selectOnline =
  (node: SiteNode) =>
  (s: TreeStore): boolean | undefined => {
    const fromEvent = s.deviceOnline[node.id];
    return fromEvent === undefined ? node.online : (fromEvent ?? undefined);
  };

/** A relay's state: confirmed switching or the latest event, else the snapshot. */
export const selectOutput =
  (node: SiteNode) =>
  (s: TreeStore): boolean | null =>
    s.outputs[node.id] ?? node.output ?? null;

const NO_COVER: CoverStatus = { state: null, positionPct: null, isCalibrated: null };

/** A cover's state: the latest event or confirmed command, else the snapshot. */
export const selectCover =
  (node: SiteNode) =>
  (s: TreeStore): CoverStatus =>
    s.covers[node.id] ?? node.cover ?? NO_COVER;
