/**
 * `history.query`: a node's energy per local bucket. Energy stays where it was counted: hours and
 * above come from the rollups kept at ingest, minutes of a company, office, room or Unassigned
 * from the minute rows counted there (each remembers its place), minutes of a device or channel
 * from its own rows wherever it was. So every resolution tells one story after an assignment. A
 * range starting inside a bucket includes that whole bucket.
 */
import type { HistoryResult, ParsedParams } from '../../../shared/contract';
import { roleFigures } from '../aggregate/role-figures';
import { loadsNode, productionNode, shaped, supplyNode, type Shape } from '../site/booking-targets';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { unitsToWh } from '../units';
import { nodeId } from '../site/placement';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import type { Resolution } from '../store/calendar';
import type { MinuteSum } from '../store/history-reader';
import type { PlaceMatch } from '../store/store';
import type { PricedSum } from '../cost/priced-rollups';
import { bucketCosts, costFigures, totalCostFigures, unmeteredCost, wholePricedSum } from './bucket-cost';

import type { Bucket, HistoryDeps } from './history-deps';

export type { Bucket, HistoryDeps };

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
export async function nodeBuckets(
  deps: HistoryDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<Bucket[]> {
  const { reads, calendar } = deps;
  const firstMs = calendar.floor(fromMs, resolution);
  if (resolution === 'minute') {
    const fromMin = Math.floor(firstMs / 60_000);
    const toMin = Math.ceil(toMs / 60_000);
    const place = placeOf(node);
    const candidates = place ? candidateChannels(deps, node, fromMin * 60_000) : [];
    const rows = place
      ? await reads.placeMinutes(place, candidates, channelIds(node), fromMin, toMin)
      : await reads.minutes(channelIds(node), fromMin, toMin);
    const byMinute = place
      ? await bookedBuckets(deps, node.id, candidates, fromMin, toMin)
      : new Map<number, Bucket>();
    if (byMinute.size === 0) return minuteBuckets(deps, rows);
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
      const turn = reads.pace.breathe();
      if (turn) await turn;
    }
    return [...byMinute.values()].sort((a, b) => a.startMs - b.startMs);
  }
  const id = deps.nodeIds.get(node.id);
  if (id === undefined) return [];
  const rows = await reads.rollupRows(resolution, id, Math.floor(firstMs / 60_000), Math.ceil(toMs / 60_000));
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
 * Minute rows (in minute order, a minute possibly in several rows) as one bucket per minute,
 * built in order: no map of a year of minutes and no sort of it.
 */
async function minuteBuckets(deps: HistoryDeps, rows: readonly MinuteSum[]): Promise<Bucket[]> {
  const out: Bucket[] = [];
  for (const row of rows) {
    const startMs = row.minute * 60_000;
    const last = out.at(-1);
    if (last?.startMs === startMs) {
      last.energyUnits += row.energyUnits;
      last.returnedUnits += row.returnedUnits;
    } else {
      out.push({
        startMs,
        endMs: startMs + 60_000,
        energyUnits: row.energyUnits,
        returnedUnits: row.returnedUnits,
      });
    }
    const turn = deps.reads.pace.breathe();
    if (turn) await turn;
  }
  return out;
}

/**
 * What minutes counted under a booking (metering roles in play) gave one node, per minute: each
 * row goes where its booking sent it, shaped as it was at ingest.
 */
async function bookedBuckets(
  deps: HistoryDeps,
  node: string,
  channels: readonly number[],
  fromMin: number,
  toMin: number,
): Promise<Map<number, Bucket>> {
  const out = new Map<number, Bucket>();
  const id = deps.nodeIds.get(node);
  if (id === undefined) return out;
  for (const row of await deps.reads.bookedMinutes(channels, fromMin, toMin)) {
    for (const [target, shape] of deps.store.bookingTargets(row.bookingId)) {
      if (target !== id) continue;
      const [e, r] = shaped(shape as Shape, row.energyUnits, row.returnedUnits);
      const startMs = row.minute * 60_000;
      const b = out.get(startMs) ?? { startMs, endMs: startMs + 60_000, energyUnits: 0, returnedUnits: 0 };
      b.energyUnits += e;
      b.returnedUnits += r;
      out.set(startMs, b);
    }
  }
  return out;
}

/** The buckets of one of a place's role series (supply, loads, production). */
async function seriesBuckets(
  deps: HistoryDeps,
  series: string,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<Map<number, Bucket>> {
  const firstMs = deps.calendar.floor(fromMs, resolution);
  if (resolution === 'minute') {
    const fromMin = Math.floor(firstMs / 60_000);
    return bookedBuckets(
      deps,
      series,
      candidateChannels(deps, node, fromMin * 60_000),
      fromMin,
      Math.ceil(toMs / 60_000),
    );
  }
  const id = deps.nodeIds.get(series);
  if (id === undefined) return new Map();
  const rows = await deps.reads.rollupRows(
    resolution,
    id,
    Math.floor(firstMs / 60_000),
    Math.ceil(toMs / 60_000),
  );
  return new Map(
    rows.map((r) => [
      r.startMin * 60_000,
      { startMs: r.startMin * 60_000, endMs: 0, energyUnits: r.energyUnits, returnedUnits: r.returnedUnits },
    ]),
  );
}

export interface RoleSeries {
  supply: Map<number, Bucket>;
  loads: Map<number, Bucket>;
  production: Map<number, Bucket>;
}

/** A place's role series, or null when no main meter or generation ever touched it in the range. */
export async function roleSeries(
  deps: HistoryDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<RoleSeries | null> {
  if (!placeOf(node)) return null;
  const has = (series: string) => deps.nodeIds.get(series) !== undefined;
  if (!has(supplyNode(node.id)) && !has(productionNode(node.id))) return null;
  const series = {
    supply: await seriesBuckets(deps, supplyNode(node.id), node, fromMs, toMs, resolution),
    loads: await seriesBuckets(deps, loadsNode(node.id), node, fromMs, toMs, resolution),
    production: await seriesBuckets(deps, productionNode(node.id), node, fromMs, toMs, resolution),
  };
  return series.supply.size + series.production.size === 0 ? null : series;
}

const sumOf = (buckets: Map<number, Bucket>): { energyUnits: number; returnedUnits: number } | undefined => {
  if (buckets.size === 0) return undefined;
  let energyUnits = 0;
  let returnedUnits = 0;
  for (const b of buckets.values()) {
    energyUnits += b.energyUnits;
    returnedUnits += b.returnedUnits;
  }
  return { energyUnits, returnedUnits };
};

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

/** A bucket with only production (a place without consumption in it) is a point too. */
function withRoleBuckets(
  deps: HistoryDeps,
  buckets: Bucket[],
  roles: RoleSeries,
  resolution: Resolution,
): Bucket[] {
  const starts = new Set(buckets.map((b) => b.startMs));
  const extra = [...roles.production.keys(), ...roles.supply.keys()].filter((s) => !starts.has(s));
  if (extra.length === 0) return buckets;
  const unique = [...new Set(extra)].sort((a, b) => a - b);
  const ends =
    resolution === 'minute' ? unique.map((s) => s + 60_000) : deps.calendar.ends(unique, resolution);
  const added = unique.map((startMs, i) => ({
    startMs,
    endMs: ends[i] as number,
    energyUnits: 0,
    returnedUnits: 0,
  }));
  return [...buckets, ...added].sort((a, b) => a.startMs - b.startMs);
}

/** Priced sums of a place's supply and loads series, by bucket start. */
async function roleSeriesCosts(
  deps: HistoryDeps,
  node: string,
  roles: RoleSeries,
  resolution: Resolution,
): Promise<{ supply: Map<number, PricedSum>; loads: Map<number, PricedSum> } | null> {
  const sorted = (m: Map<number, Bucket>) => [...m.values()].sort((a, b) => a.startMs - b.startMs);
  const supply = await bucketCosts(deps, supplyNode(node), sorted(roles.supply), resolution);
  const loads = await bucketCosts(deps, loadsNode(node), sorted(roles.loads), resolution);
  return supply && loads ? { supply, loads } : null;
}

function totalUnmeteredCost(
  roles: RoleSeries,
  costs: { supply: Map<number, PricedSum>; loads: Map<number, PricedSum> },
): { unmeteredCostMinor?: number } {
  const supply = wholePricedSum([...roles.supply.values()], costs.supply);
  const loads = wholePricedSum([...roles.loads.values()], costs.loads);
  if (!supply || !loads) return {};
  const sum = (m: Map<number, Bucket>) => {
    let energyUnits = 0;
    for (const b of m.values()) energyUnits += b.energyUnits;
    return energyUnits;
  };
  return unmeteredCost(
    { startMs: 0, endMs: 0, energyUnits: sum(roles.supply), returnedUnits: supply.returnedUnits },
    supply,
    { startMs: 0, endMs: 0, energyUnits: sum(roles.loads), returnedUnits: loads.returnedUnits },
    loads,
  );
}

export async function historyQuery(
  deps: HistoryDeps,
  params: ParsedParams<'history.query'>,
): Promise<Result<HistoryResult, ApiError>> {
  const query = resolveQuery(deps, params);
  if (!query.ok) return query;
  const { node, fromMs, toMs, resolution } = query.value;
  const place = placeOf(node);
  // Read before the first await: on the writer's connection, in the same state as the snapshot.
  const gaps = place
    ? deps.store.placeGaps(
        place,
        candidateChannels(deps, node, fromMs),
        channelIds(node),
        fromMs / 1000,
        toMs / 1000,
      )
    : deps.store.gaps(channelIds(node), fromMs / 1000, toMs / 1000);
  let buckets = await nodeBuckets(deps, node, fromMs, toMs, resolution);
  const roles = await roleSeries(deps, node, fromMs, toMs, resolution);
  if (roles) buckets = withRoleBuckets(deps, buckets, roles, resolution);
  const costs = await bucketCosts(deps, node.id, buckets, resolution);
  const roleCosts = roles && costs ? await roleSeriesCosts(deps, node.id, roles, resolution) : null;
  const points: HistoryResult['points'] = [];
  for (const b of buckets) {
    points.push({
      start: new Date(b.startMs).toISOString(),
      end: new Date(b.endMs).toISOString(),
      energyWh: unitsToWh(b.energyUnits),
      returnedWh: unitsToWh(b.returnedUnits),
      ...(roles &&
        roleFigures(
          roles.supply.get(b.startMs),
          roles.loads.get(b.startMs)?.energyUnits ?? 0,
          roles.production.get(b.startMs),
        )),
      ...(costs && costFigures(b, costs.get(b.startMs))),
      ...(roles &&
        roleCosts &&
        unmeteredCost(
          roles.supply.get(b.startMs),
          roleCosts.supply.get(b.startMs),
          roles.loads.get(b.startMs),
          roleCosts.loads.get(b.startMs),
        )),
    });
    const turn = deps.reads.pace.breathe();
    if (turn) await turn;
  }
  return ok({
    node: node.id,
    resolution,
    unit: 'Wh',
    ...(deps.pricing && { currency: deps.pricing.currency }),
    points,
    total: {
      energyWh: unitsToWh(buckets.reduce((sum, b) => sum + b.energyUnits, 0)),
      returnedWh: unitsToWh(buckets.reduce((sum, b) => sum + b.returnedUnits, 0)),
      ...(roles &&
        roleFigures(sumOf(roles.supply), sumOf(roles.loads)?.energyUnits ?? 0, sumOf(roles.production))),
      ...(costs && totalCostFigures(buckets, costs)),
      ...(roles && roleCosts && totalUnmeteredCost(roles, roleCosts)),
      ...(deps.pricing &&
        node.kind === 'company' && { standingMinor: deps.pricing.standingMinor(fromMs, toMs) }),
    },
    gaps: gaps.map((g) => ({
      from: new Date(g.fromS * 1000).toISOString(),
      to: new Date(g.toS * 1000).toISOString(),
    })),
  });
}
