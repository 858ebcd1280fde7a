/**
 * `history.query`: a node's energy per local bucket. Energy stays where it was counted: hours and
 * above come from the rollups kept at ingest, minutes of a company, office, room or Unassigned
 * from the minute rows counted there (each remembers its place), minutes of a device or channel
 * from its own rows wherever it was. So every resolution tells one story after an assignment. A
 * range starting inside a bucket includes that whole bucket.
 */
import type { HistoryResult, ParsedParams } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { unitsToWh } from '../aggregate/snapshot';
import { nodeId } from '../site/placement';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import type { SiteRegistry } from '../site/registry';
import type { Calendar, Resolution } from '../store/calendar';
import type { KeyIndex } from '../store/key-index';
import type { PlaceMatch, Store } from '../store/store';

export interface HistoryDeps {
  store: Store;
  registry: SiteRegistry;
  calendar: Calendar;
  nodeIds: KeyIndex;
}

export interface Bucket {
  startMs: number;
  endMs: number;
  energyUnits: number;
  returnedUnits: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function autoResolution(fromMs: number, toMs: number): Resolution {
  const span = toMs - fromMs;
  if (span <= 6 * HOUR) return 'minute';
  if (span <= 8 * DAY) return 'hour';
  if (span <= 93 * DAY) return 'day';
  return 'month';
}

/**
 * How far a device's own clock (which stamps its minutes) may run ahead of the console's (which
 * stamps assignments): rows counted in a former place can carry minutes up to this much after
 * the assignment that moved the device.
 */
const DEVICE_CLOCK_LEAD_MS = DAY;

const channelIds = (node: ResolvedNode): number[] => node.channels.map((c) => c.row.id);

/** The place a company, office, room or Unassigned node stands for; null for a device or channel. */
export function placeOf(node: Pick<ResolvedNode, 'id' | 'kind'>): PlaceMatch | null {
  if (node.kind === 'unassigned') return { company: '' };
  if (node.kind !== 'company' && node.kind !== 'office' && node.kind !== 'room') return null;
  const [company = '', office, room] = node.id.slice(node.kind.length + 1).split('/');
  return node.kind === 'company'
    ? { company }
    : node.kind === 'office'
      ? { company, office }
      : { company, office, room };
}

/**
 * Every channel that can have counted energy in a place since `fromMs`: those under it now, and
 * those of any device assigned since (it may have been there before). Phase channels never count
 * towards a place (countedNodes).
 */
function candidateChannels(deps: HistoryDeps, node: ResolvedNode, fromMs: number): number[] {
  const ids = new Set(channelIds(node));
  for (const assigned of deps.store.assignedSince(fromMs - DEVICE_CLOCK_LEAD_MS)) {
    const device = deps.registry.find(assigned);
    for (const channel of device?.channels.values() ?? []) if (!channel.row.isPhase) ids.add(channel.row.id);
  }
  return [...ids];
}

/** The buckets of one node (already resolved) between two instants. */
export function nodeBuckets(
  deps: HistoryDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Bucket[] {
  const { store, calendar } = deps;
  const firstMs = calendar.floor(fromMs, resolution);
  if (resolution === 'minute') {
    const fromMin = Math.floor(firstMs / 60_000);
    const toMin = Math.ceil(toMs / 60_000);
    const place = placeOf(node);
    const rows = place
      ? store.placeMinutes(
          place,
          candidateChannels(deps, node, fromMin * 60_000),
          channelIds(node),
          fromMin,
          toMin,
        )
      : store.minutes(channelIds(node), fromMin, toMin);
    const byMinute = new Map<number, Bucket>();
    for (const row of rows) {
      const startMs = row.minute * 60_000;
      const b = byMinute.get(startMs) ?? {
        startMs,
        endMs: startMs + 60_000,
        energyUnits: 0,
        returnedUnits: 0,
      };
      b.energyUnits += row.energyUnits;
      b.returnedUnits += row.returnedUnits;
      byMinute.set(startMs, b);
    }
    return [...byMinute.values()].sort((a, b) => a.startMs - b.startMs);
  }
  const id = deps.nodeIds.get(node.id);
  if (id === undefined) return [];
  const rows = store.rollupRows(resolution, id, Math.floor(firstMs / 60_000), Math.ceil(toMs / 60_000));
  const ends = calendar.ends(
    rows.map((r) => r.startMin * 60_000),
    resolution,
  );
  return rows.map((r, i) => ({
    startMs: r.startMin * 60_000,
    endMs: ends[i] as number,
    energyUnits: r.energyUnits,
    returnedUnits: r.returnedUnits,
  }));
}

/**
 * A company, office or room no device is in any more but where energy was counted: its history
 * stays readable (the rollups know it by its node id).
 */
export function formerPlace(deps: HistoryDeps, ref: string): ResolvedNode | undefined {
  const colon = ref.indexOf(':');
  const prefixed = colon > 0 && ['company', 'office', 'room'].includes(ref.slice(0, colon));
  const segments = (prefixed ? ref.slice(colon + 1) : ref).split('/').map((s) => s.normalize('NFC'));
  const kind = (['company', 'office', 'room'] as const)[segments.length - 1];
  if (!kind || (prefixed && ref.slice(0, colon) !== kind)) return undefined;
  const [company = '', office = '', room = ''] = segments;
  const id =
    kind === 'company'
      ? nodeId.company({ company })
      : kind === 'office'
        ? nodeId.office({ company, office })
        : nodeId.room({ company, office, room });
  return deps.nodeIds.get(id) === undefined ? undefined : { id, kind, channels: [] };
}

export interface ResolvedQuery {
  node: ResolvedNode;
  fromMs: number;
  toMs: number;
  resolution: Resolution;
}

/** What history.query and report.csv both start from: the node, the range and the resolution. */
export function resolveQuery(
  deps: HistoryDeps,
  params: { node: string; from: string; to: string; resolution: Resolution | 'auto' },
): Result<ResolvedQuery, ApiError> {
  const node = resolveNode(deps.registry, params.node) ?? formerPlace(deps, params.node);
  if (!node) return err('not-found', `No node "${params.node}".`);
  const fromMs = Date.parse(params.from);
  const toMs = Date.parse(params.to);
  if (!(toMs > fromMs)) return err('invalid-params', 'to: must be after from');
  const resolution = params.resolution === 'auto' ? autoResolution(fromMs, toMs) : params.resolution;
  return ok({ node, fromMs, toMs, resolution });
}

export function historyQuery(
  deps: HistoryDeps,
  params: ParsedParams<'history.query'>,
): Result<HistoryResult, ApiError> {
  const query = resolveQuery(deps, params);
  if (!query.ok) return query;
  const { node, fromMs, toMs, resolution } = query.value;
  const buckets = nodeBuckets(deps, node, fromMs, toMs, resolution);
  const place = placeOf(node);
  const gaps = place
    ? deps.store.placeGaps(
        place,
        candidateChannels(deps, node, fromMs),
        channelIds(node),
        fromMs / 1000,
        toMs / 1000,
      )
    : deps.store.gaps(channelIds(node), fromMs / 1000, toMs / 1000);
  return ok({
    node: node.id,
    resolution,
    unit: 'Wh',
    points: buckets.map((b) => ({
      start: new Date(b.startMs).toISOString(),
      end: new Date(b.endMs).toISOString(),
      energyWh: unitsToWh(b.energyUnits),
      returnedWh: unitsToWh(b.returnedUnits),
    })),
    total: {
      energyWh: unitsToWh(buckets.reduce((sum, b) => sum + b.energyUnits, 0)),
      returnedWh: unitsToWh(buckets.reduce((sum, b) => sum + b.returnedUnits, 0)),
    },
    gaps: gaps.map((g) => ({
      from: new Date(g.fromS * 1000).toISOString(),
      to: new Date(g.toS * 1000).toISOString(),
    })),
  });
}
