/**
 * Everything the console asks of the core. Actions call the transport, put what comes back (or
 * the error) into the stores, and never compute energy: the figures are the core's.
 */
import type {
  CommandParams,
  CoverAction,
  HistoryResult,
  LedgerEntry,
  SiteNode,
} from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import type { Transport } from '../api';
import { iso, previousSpan, presetSpan, startOfMonthMs, startOfWeekMs, type Span } from '../ranges';
import { shareChildren, switchableChannels } from '../tree-rows';
import { useConnection } from './connection';
import { useCovers } from './covers';
import { useHistory, type ChildSeries } from './history';
import { useLive } from './live';
import { useRelays } from './relays';
import { selectOutput, useTree } from './tree';
import type { ChartRange } from './ui';

let transport: Transport | null = null;

/** Called once by `wire`. */
export function setTransport(api: Transport): void {
  transport = api;
}

function api(): Transport {
  if (!transport)
    throw new Error('The console is not connected to the Kilowatch core yet (wire() not called)');
  return transport;
}

export const transportKind = (): Transport['kind'] | null => transport?.kind ?? null;

/** Runs `task` one at a time; a request made while it runs causes exactly one more run. */
export function singleFlight(task: () => Promise<void>): () => Promise<void> {
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

// ---- snapshots ---------------------------------------------------------------------------------

export const refreshTree = singleFlight(async () => {
  const requestedAtMs = Date.now();
  const reply = await api().invoke('site.tree', {});
  if (!reply.ok) return useTree.getState().fail(reply.error);
  useLive.getState().merge(reply.value.totals);
  useTree.getState().setTree(reply.value.nodes, reply.value.sensors, requestedAtMs);
});

export const refreshConnection = singleFlight(async () => {
  const reply = await api().invoke('connection.status', {});
  if (reply.ok) useConnection.getState().set(reply.value);
  else useConnection.getState().fail(reply.error);
});

// ---- site ----------------------------------------------------------------------------------------

export async function assignDevice(
  deviceId: string,
  path: [string, string, string],
  name?: string,
): Promise<Result<{ device: string; path: string[] }, ApiError>> {
  const params: CommandParams<'site.assign'> = { device: deviceId, path, ...(name ? { name } : {}) };
  const reply = await api().invoke('site.assign', params);
  if (reply.ok) await refreshTree();
  return reply;
}

export async function renameNode(
  nodeId: string,
  name: string,
): Promise<Result<{ node: string; name: string }, ApiError>> {
  const reply = await api().invoke('site.rename', { node: nodeId, name });
  if (reply.ok) await refreshTree();
  return reply;
}

// ---- ledger ------------------------------------------------------------------------------------

/** The newest energy decisions under a node: why its number is what it is. */
export async function loadLedger(nodeId: string, limit: number): Promise<Result<LedgerEntry[], ApiError>> {
  const reply = await api().invoke('ledger.query', { node: nodeId, limit });
  return reply.ok ? { ok: true, value: reply.value.entries } : reply;
}

// ---- relays ------------------------------------------------------------------------------------

/** Switches one relay; the toggle stays pending until the device itself confirms. */
export async function setRelay(channelId: string, on: boolean): Promise<boolean> {
  const relays = useRelays.getState();
  if (relays.byChannel[channelId]?.status === 'pending') return false;
  relays.start(channelId, on);
  const reply = await api().invoke('relay.set', { channel: channelId, on });
  if (reply.ok) {
    useTree.getState().setOutput(channelId, reply.value.on);
    useRelays.getState().succeed(channelId);
    return true;
  }
  useRelays.getState().fail(channelId, on, reply.error.code, reply.error.message);
  return false;
}

/** The relays "All off" would switch: every switchable channel below the node not known to be off. */
export function relaysToSwitchOff(node: SiteNode): SiteNode[] {
  const tree = useTree.getState();
  return switchableChannels(node).filter((channel) => selectOutput(channel)(tree) !== false);
}

export interface AllOffProgress {
  done: number;
  total: number;
  failed: Array<{ channel: SiteNode; message: string }>;
}

/**
 * Switches off each relay in turn. One at a time on purpose: several `relay.set` in flight at once
 * currently make the core lose its broker connection (reported to the core; raise `concurrency`
 * once that is fixed). Each relay takes about as long as its device needs to confirm.
 */
export async function allOff(
  channels: SiteNode[],
  onProgress: (progress: AllOffProgress) => void,
  concurrency = 1,
): Promise<AllOffProgress> {
  const progress: AllOffProgress = { done: 0, total: channels.length, failed: [] };
  const queue = [...channels];
  const worker = async (): Promise<void> => {
    for (let channel = queue.shift(); channel; channel = queue.shift()) {
      const ok = await setRelay(channel.id, false);
      progress.done++;
      if (!ok) {
        const op = useRelays.getState().byChannel[channel.id];
        progress.failed.push({
          channel,
          message: op?.status === 'failed' ? op.message : 'already being switched',
        });
      }
      onProgress({ ...progress, failed: [...progress.failed] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, channels.length) }, worker));
  return progress;
}

// ---- covers ------------------------------------------------------------------------------------

/** Moves one cover; its control stays pending until the device's status shows the movement. */
export async function moveCover(channelId: string, action: CoverAction, position?: number): Promise<boolean> {
  const covers = useCovers.getState();
  if (covers.byChannel[channelId]?.status === 'pending') return false;
  covers.start(channelId, action, position);
  const params: CommandParams<'cover.set'> =
    position === undefined ? { channel: channelId, action } : { channel: channelId, action, position };
  const reply = await api().invoke('cover.set', params);
  if (reply.ok) {
    useTree.getState().setCover(channelId, reply.value.cover);
    useCovers.getState().succeed(channelId);
    return true;
  }
  useCovers.getState().fail(channelId, action, position, reply.error.code, reply.error.message);
  return false;
}

// ---- history -------------------------------------------------------------------------------------

/** Children stacked separately in the energy chart; the rest are only in the node's total. */
export const MAX_STACKED_CHILDREN = 10;

export function spanOf(range: ChartRange, nowMs: number): Span {
  if (range.kind === 'custom' && range.fromMs !== undefined && range.toMs !== undefined)
    return { fromMs: range.fromMs, toMs: range.toMs };
  return presetSpan(range.kind === 'custom' ? 'today' : range.kind, nowMs);
}

let energySeq = 0;

/**
 * The selected node's history over a range: its own total (resolution 'auto', the core picks),
 * one query per child at that same resolution, and the previous period when comparing.
 */
export async function loadEnergy(nodeId: string, range: ChartRange, isCompareOn: boolean): Promise<void> {
  const seq = ++energySeq;
  const span = spanOf(range, Date.now());
  const key = JSON.stringify([nodeId, range, isCompareOn]);
  const store = useHistory.getState();
  const current = store.energy;
  const isSame = current?.key === key;
  // A refresh or another range of the same node: week and month are refreshed with it (on a new
  // selection the details panel asks for them itself).
  const isSameNode = current?.nodeId === nodeId;
  store.setEnergy({
    key,
    nodeId,
    span,
    status: isSame && current.status === 'ready' ? 'ready' : 'loading',
    error: null,
    total: isSame ? current.total : null,
    children: isSame ? current.children : [],
    otherChildren: isSame ? current.otherChildren : 0,
    previous: isSame ? current.previous : null,
    previousSpan: isSame ? current.previousSpan : null,
    loadedAtMs: isSame ? current.loadedAtMs : 0,
  });

  const query = (node: string, s: Span, resolution: HistoryResult['resolution']) =>
    api().invoke('history.query', { node, from: iso(s.fromMs), to: iso(s.toMs), resolution });

  const totalReply = await query(nodeId, span, 'auto');
  if (seq !== energySeq) return;
  if (!totalReply.ok) {
    useHistory.getState().setEnergy({
      ...(useHistory.getState().energy ?? emptyView(key, nodeId, span)),
      status: 'error',
      error: totalReply.error.message,
    });
    return;
  }
  const resolution = totalReply.value.resolution;
  const node = useTree.getState().byId[nodeId];
  const live = useLive.getState().byId;
  // Only children the core totals have energy history (relay-only channels and sensors have none).
  const children = node ? shareChildren(node).filter((child) => live[child.id] !== undefined) : [];
  const ranked = [...children].sort(
    (a, b) => (live[b.id]?.todayWh ?? 0) - (live[a.id]?.todayWh ?? 0) || a.name.localeCompare(b.name),
  );
  const stacked = children.length > 1 ? ranked.slice(0, MAX_STACKED_CHILDREN) : [];
  const previous = isCompareOn ? previousSpan(range.kind, span) : null;

  const [childReplies, previousReply] = await Promise.all([
    Promise.all(stacked.map((child) => query(child.id, span, resolution))),
    previous ? query(nodeId, previous, resolution) : Promise.resolve(null),
  ]);
  if (seq !== energySeq) return;
  const childSeries: ChildSeries[] = [];
  childReplies.forEach((reply, i) => {
    const child = stacked[i] as SiteNode;
    // A child without metered channels (a relay-only device) has no history: nothing to stack.
    if (reply.ok) childSeries.push({ id: child.id, label: child.name, result: reply.value });
  });
  useHistory.getState().setEnergy({
    key,
    nodeId,
    span,
    status: 'ready',
    error: previousReply && !previousReply.ok ? `Previous period: ${previousReply.error.message}` : null,
    total: totalReply.value,
    children: childSeries,
    otherChildren: children.length > 1 ? children.length - childSeries.length : 0,
    previous: previousReply?.ok ? previousReply.value : null,
    previousSpan: previous,
    loadedAtMs: Date.now(),
  });
  // Week and month come from the same store of minutes: refresh them together so the figures agree.
  if (isSameNode && useHistory.getState().periods?.nodeId === nodeId) void loadPeriods(nodeId);
}

function emptyView(key: string, nodeId: string, span: Span) {
  return {
    key,
    nodeId,
    span,
    status: 'loading' as const,
    error: null,
    total: null,
    children: [],
    otherChildren: 0,
    previous: null,
    previousSpan: null,
    loadedAtMs: 0,
  };
}

let periodSeq = 0;

/** This week and this month as one core bucket each ('week' and 'month' resolution). */
export async function loadPeriods(nodeId: string): Promise<void> {
  const seq = ++periodSeq;
  const now = Date.now();
  const previous = useHistory.getState().periods;
  const isSame = previous?.nodeId === nodeId;
  useHistory.getState().setPeriods({
    nodeId,
    weekWh: isSame ? previous.weekWh : null,
    monthWh: isSame ? previous.monthWh : null,
    status: isSame && previous.status === 'ready' ? 'ready' : 'loading',
    error: null,
  });
  const to = iso(now + 60_000);
  const [week, month] = await Promise.all([
    api().invoke('history.query', { node: nodeId, from: iso(startOfWeekMs(now)), to, resolution: 'week' }),
    api().invoke('history.query', { node: nodeId, from: iso(startOfMonthMs(now)), to, resolution: 'month' }),
  ]);
  if (seq !== periodSeq) return;
  // The site's week may start in another time zone than this screen's: then the range covers two
  // core buckets, and the core's total over the range is the figure.
  const figure = (result: HistoryResult): number => result.total.energyWh;
  const error = !week.ok ? week.error.message : !month.ok ? month.error.message : null;
  useHistory.getState().setPeriods({
    nodeId,
    weekWh: week.ok ? figure(week.value) : null,
    monthWh: month.ok ? figure(month.value) : null,
    status: error ? 'error' : 'ready',
    error,
  });
}

// ---- reports -----------------------------------------------------------------------------------

export type CsvParams = CommandParams<'report.csv'> & { perChild: boolean };

/** The headless bridge's download address for a report. */
export function csvUrl(params: CsvParams): string {
  const query = new URLSearchParams({
    node: params.node,
    from: params.from,
    to: params.to,
    resolution: params.resolution ?? 'auto',
    perChild: String(params.perChild),
  });
  return `/api/report.csv?${query.toString()}`;
}

/** Inside Electron: ask the core for the CSV and hand it to the browser as a file download. */
export async function downloadCsvViaIpc(params: CsvParams): Promise<Result<{ filename: string }, ApiError>> {
  const reply = await api().invoke('report.csv', params);
  if (!reply.ok) return reply;
  const blob = new Blob([reply.value.csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = reply.value.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { ok: true, value: { filename: reply.value.filename } };
}
