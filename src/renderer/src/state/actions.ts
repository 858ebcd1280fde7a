/**
 * Everything the console asks of the core. Actions call the transport, put what comes back (or
 * the error) into the stores, and never compute energy: the figures are the core's.
 */
import type {
  CommandParams,
  CommandValue,
  CoverAction,
  HistoryResult,
  LedgerEntry,
  SiteNode,
} from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import type { Transport } from '../api';
import { FIRST_SCREEN_DEVICES } from '../api/early-stream';
import { t } from '../i18n/words';
import {
  chartResolution,
  dayStartMs,
  iso,
  previousSpan,
  presetSpan,
  startOfMonthMs,
  startOfWeekMs,
  type ChartResolution,
  type Span,
} from '../ranges';
import { shareChildren, switchableChannels } from '../tree-rows';
import { useConnection } from './connection';
import { useCovers } from './covers';
import { useHistory, type ChildSeries, type PeriodCosts } from './history';
import { useLive } from './live';
import { minuteSamples, TRAIL_WINDOW_MS, usePowerTrail, type PowerSample } from './power-trail';
import { useRelays } from './relays';
import { selectOutput, useTree } from './tree';
import type { ChartRange } from './ui';

let transport: Transport | null = null;

/** Called once by `wire`. */
export function setTransport(api: Transport): void {
  transport = api;
}

export function api(): Transport {
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

/**
 * The tree, then its numbers, asked in that order, so a large site's tree is drawn while its
 * totals are still on their way (a row without them yet shows a dash). Each is taken as soon as
 * it is read; a `totals.live` push that overtook the totals is kept (their `seq`, state/live.ts).
 *
 * The first time, the tree's first screenful is shown before either is asked for: at 10,000
 * devices the whole tree and the totals take the core a second or more to build and the page as
 * long to read and check, and asked beside it they slowed the page's own start on a small PC.
 */
export const refreshTree = singleFlight(async () => {
  const isWhole = !useTree.getState().isLoaded && (await showFirstScreen());
  const requestedAtMs = Date.now();
  const tree = isWhole
    ? null
    : api()
        .invoke('site.tree', { totals: false })
        .then((reply) => {
          if (reply.ok) useTree.getState().setTree(reply.value.nodes, reply.value.sensors, requestedAtMs);
          else useTree.getState().fail(reply.error);
        });
  const totals = api()
    .invoke('totals.get', {})
    .then((reply) => {
      if (reply.ok) useLive.getState().snapshot(reply.value.totals, reply.value.seq);
      else useTree.getState().fail(reply.error);
    });
  await Promise.all([tree, totals]);
});

/**
 * The places and the first devices; true when that is the whole tree (a small site). A failure
 * is the whole tree's to report, asked next.
 */
async function showFirstScreen(): Promise<boolean> {
  const requestedAtMs = Date.now();
  const reply = await api().invoke('site.tree', { totals: false, devices: FIRST_SCREEN_DEVICES });
  if (!reply.ok) return false;
  const { nodes, sensors, devicesLeftOut } = reply.value;
  useTree.getState().setTree(nodes, sensors, requestedAtMs, devicesLeftOut);
  return devicesLeftOut === undefined;
}

export const refreshConnection = singleFlight(async () => {
  const reply = await api().invoke('connection.status', {});
  if (reply.ok) useConnection.getState().set(reply.value);
  else useConnection.getState().fail(reply.error);
});

// ---- site ----------------------------------------------------------------------------------------

/** Into a room (company, office, room), or back to Unassigned (`'unassigned'`, no name). */
export async function assignDevice(
  deviceId: string,
  path: CommandParams<'site.assign'>['path'],
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

/** Marks a meter as a load, a place's main meter, or generation (applies from now on). */
export async function setMeterRole(
  params: CommandParams<'meter.role'>,
): Promise<Result<CommandValue<'meter.role'>, ApiError>> {
  const reply = await api().invoke('meter.role', params);
  // The answer is what staff wait for; the tree catches up on its own (a busy tree refreshes in a loop).
  if (reply.ok) void refreshTree();
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
          message: op?.status === 'failed' ? op.message : t('dialogs.allOff.busy'),
        });
        // At the desk every other relay would be refused too: say so once, not once per relay.
        if (op?.status === 'failed' && op.code === 'forbidden') queue.length = 0;
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
 * The selected node's history over a range: its own total at the range's resolution (hours for
 * today, days for 7 and 30 days, months for 12 months, the user's choice for custom), one query
 * per child at that same resolution, the previous period when comparing, and — for a range that
 * runs through today — the core's total up to local midnight, to which the live today is added.
 */
export async function loadEnergy(
  nodeId: string,
  range: ChartRange,
  isCompareOn: boolean,
  customResolution: ChartResolution = 'auto',
): Promise<void> {
  const seq = ++energySeq;
  const now = Date.now();
  const span = spanOf(range, now);
  const key = JSON.stringify([nodeId, range, isCompareOn, customResolution]);
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
    beforeTodayWh: isSame ? current.beforeTodayWh : null,
    dayStartMs: isSame ? current.dayStartMs : null,
    loadedAtMs: isSame ? current.loadedAtMs : 0,
  });

  const query = (node: string, s: Span, resolution: HistoryResult['resolution']) =>
    api().invoke('history.query', { node, from: iso(s.fromMs), to: iso(s.toMs), resolution });

  const totalReply = await query(nodeId, span, chartResolution(range.kind, customResolution));
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
  // Presets end at tomorrow's midnight, so they run through today: its live figure completes them.
  const dayStart = dayStartMs(now);
  const runsThroughToday = range.kind !== 'custom' && span.fromMs <= dayStart && span.toMs > now;

  const [childReplies, previousReply, beforeToday] = await Promise.all([
    Promise.all(stacked.map((child) => query(child.id, span, resolution))),
    previous ? query(nodeId, previous, resolution) : Promise.resolve(null),
    runsThroughToday ? completedDaysWh(nodeId, span.fromMs, dayStart) : Promise.resolve(null),
  ]);
  if (seq !== energySeq) return;
  const childSeries: ChildSeries[] = [];
  childReplies.forEach((reply, i) => {
    const child = stacked[i] as SiteNode;
    // A child without metered channels (a relay-only device) has no history: nothing to stack.
    if (reply.ok) childSeries.push({ id: child.id, label: child.name, result: reply.value });
  });
  const errors = [
    previousReply && !previousReply.ok
      ? t('details.energy.previousError', { message: previousReply.error.message })
      : null,
    beforeToday && !beforeToday.ok
      ? t('details.energy.beforeTodayError', { message: beforeToday.error.message })
      : null,
  ].filter((e) => e !== null);
  useHistory.getState().setEnergy({
    key,
    nodeId,
    span,
    status: 'ready',
    error: errors.length > 0 ? errors.join('; ') : null,
    total: totalReply.value,
    children: childSeries,
    otherChildren: children.length > 1 ? children.length - childSeries.length : 0,
    previous: previousReply?.ok ? previousReply.value : null,
    previousSpan: previous,
    beforeTodayWh: beforeToday?.ok ? beforeToday.value : null,
    dayStartMs: runsThroughToday ? dayStart : null,
    loadedAtMs: Date.now(),
  });
  // Week and month come from the same store of minutes: refresh them together so the figures agree.
  if (isSameNode && useHistory.getState().periods?.nodeId === nodeId) void loadPeriods(nodeId);
}

/**
 * The core's total over whole local days [fromMs, dayStartMs): asked by the day, so no bucket
 * reaches into today (a month bucket would hold today too). 0 when the range starts today.
 */
async function completedDaysWh(
  nodeId: string,
  fromMs: number,
  dayStart: number,
): Promise<Result<number, ApiError>> {
  const reply = await completedDays(nodeId, fromMs, dayStart);
  return reply.ok ? { ok: true, value: reply.value.totalWh } : reply;
}

async function completedDays(
  nodeId: string,
  fromMs: number,
  dayStart: number,
): Promise<Result<{ totalWh: number; points: HistoryResult['points'] }, ApiError>> {
  if (fromMs >= dayStart) return { ok: true, value: { totalWh: 0, points: [] } };
  const reply = await api().invoke('history.query', {
    node: nodeId,
    from: iso(fromMs),
    to: iso(dayStart),
    resolution: 'day',
  });
  if (!reply.ok) return reply;
  return { ok: true, value: { totalWh: reply.value.total.energyWh, points: reply.value.points } };
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
    beforeTodayWh: null,
    dayStartMs: null,
    loadedAtMs: 0,
  };
}

let periodSeq = 0;

/**
 * This week and this month up to local midnight, by the day; the tiles add the live today to
 * both (what the core counted today is the live figure, so nothing is counted twice or missed).
 */
export async function loadPeriods(nodeId: string): Promise<void> {
  const seq = ++periodSeq;
  const now = Date.now();
  const previous = useHistory.getState().periods;
  const isSame = previous?.nodeId === nodeId;
  const dayStart = dayStartMs(now);
  const weekStart = startOfWeekMs(now);
  const monthStart = startOfMonthMs(now);
  const isSameDay = isSame && previous.dayStartMs === dayStart;
  useHistory.getState().setPeriods({
    nodeId,
    weekBeforeTodayWh: isSameDay ? previous.weekBeforeTodayWh : null,
    monthBeforeTodayWh: isSameDay ? previous.monthBeforeTodayWh : null,
    weekStartMs: weekStart,
    monthStartMs: monthStart,
    dayStartMs: dayStart,
    firstStoredMs: isSameDay ? previous.firstStoredMs : null,
    status: isSameDay && previous.status === 'ready' ? 'ready' : 'loading',
    error: null,
    costs: isSameDay ? previous.costs : null,
  });
  const [week, month, today, costs] = await Promise.all([
    completedDays(nodeId, weekStart, dayStart),
    completedDays(nodeId, monthStart, dayStart),
    // Today's first stored hour: where today's data begins if the console counted it from older readings.
    api().invoke('history.query', {
      node: nodeId,
      from: iso(dayStart),
      to: iso(now + 60_000),
      resolution: 'hour',
    }),
    periodCosts(nodeId, { today: dayStart, week: weekStart, month: monthStart }, now),
  ]);
  if (seq !== periodSeq) return;
  const error = !week.ok ? week.error.message : !month.ok ? month.error.message : null;
  // Stored energy before the console began counting (older readings booked where they belong)
  // moves the start of the data back; a bucket that merely holds `since` does not.
  const sinceIso = useLive.getState().byId[nodeId]?.since;
  const sinceMs = sinceIso ? Date.parse(sinceIso) : Number.POSITIVE_INFINITY;
  const firstBefore = (points: HistoryResult['points']): number | null => {
    const first = points[0];
    return first && Date.parse(first.end) <= sinceMs ? Date.parse(first.start) : null;
  };
  const firstStoredMs =
    (month.ok ? firstBefore(month.value.points) : null) ??
    (today.ok ? firstBefore(today.value.points) : null);
  useHistory.getState().setPeriods({
    nodeId,
    weekBeforeTodayWh: week.ok ? week.value.totalWh : null,
    monthBeforeTodayWh: month.ok ? month.value.totalWh : null,
    weekStartMs: weekStart,
    monthStartMs: monthStart,
    dayStartMs: dayStart,
    firstStoredMs,
    status: error ? 'error' : 'ready',
    error,
    costs,
  });
}

/**
 * Each period's cost so far as the core totals it, by the day from the period's start to now:
 * today's day bucket already holds today's committed minutes, so no money is added here (the
 * live kWh is not priced; the cost catches up at the next refresh).
 */
async function periodCosts(
  nodeId: string,
  starts: Record<'today' | 'week' | 'month', number>,
  now: number,
): Promise<PeriodCosts> {
  const ask = (fromMs: number) =>
    api().invoke('history.query', {
      node: nodeId,
      from: iso(fromMs),
      to: iso(now + 60_000),
      resolution: 'day',
    });
  const [today, week, month] = await Promise.all([ask(starts.today), ask(starts.week), ask(starts.month)]);
  const failed = [today, week, month].find((reply) => !reply.ok);
  if (failed && !failed.ok)
    return {
      status: 'error',
      currency: null,
      today: null,
      week: null,
      month: null,
      asOfMs: now,
      error: failed.error.message,
    };
  const cost = (reply: typeof today): number | null =>
    reply.ok && reply.value.currency !== undefined ? (reply.value.total.costMinor ?? null) : null;
  return {
    status: 'ready',
    currency: (today.ok ? today.value.currency : undefined) ?? null,
    today: cost(today),
    week: cost(week),
    month: cost(month),
    asOfMs: now,
    error: null,
  };
}

/** Trails already filled from history (a trail dropped and followed again is a new array). */
const seededTrails = new WeakSet<PowerSample[]>();

/**
 * Fills "Power, last hour" from the node's stored minutes at once (the live pushes only cover the
 * time since the screen opened). Once per trail, so flipping between nodes is cheap.
 */
export async function seedPowerTrail(nodeId: string): Promise<void> {
  const trail = usePowerTrail.getState().trails[nodeId];
  if (!trail || seededTrails.has(trail)) return;
  seededTrails.add(trail);
  const now = Date.now();
  const reply = await api().invoke('history.query', {
    node: nodeId,
    from: iso(now - TRAIL_WINDOW_MS),
    to: iso(now + 60_000),
    resolution: 'minute',
  });
  // Nothing to fill from (a node without history): the live samples still draw the line.
  if (!reply.ok) return;
  usePowerTrail.getState().seed(nodeId, minuteSamples(reply.value.points));
}
