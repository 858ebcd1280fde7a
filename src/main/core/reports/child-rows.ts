/**
 * The per-child series of a report: one series per child of a node (company → offices, office →
 * rooms, room or Unassigned → devices, device → channels), each holding only the energy counted
 * in that node. A device's own history is wherever it was, so below a place its share comes from
 * the minute rows counted there (each remembers its place), as history.ts reads a place's minutes.
 * Whatever the children cannot account for (minutes already pruned) is returned as a remainder,
 * so the rows of a report always add up to the node's own total.
 */
import { nodeId } from '../site/placement';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import type { Device } from '../site/registry';
import { childrenOf, type ChildLabel } from '../site/children';
import type { Resolution } from '../store/calendar';
import type { ReadPace } from '../store/read-pace';
import type { PlaceMatch } from '../store/store';
import { formerPlace, nodeBuckets, placeOf, type Bucket, type HistoryDeps } from './history';

export interface ChildSeries {
  label: ChildLabel;
  /** For an EM phase: the channel (as labelled) whose energy already holds it; else ''. */
  partOf: string;
  buckets: Bucket[];
  /** The node whose own buckets these are (its rollups, its priced twins); none for a device's share of a room. */
  node?: string;
  /**
   * A device's share of a room: the device, whose priced twins price a bucket only where its own
   * energy there is the share's (it counted that bucket wholly in this room); costFigures checks.
   */
  pricedBy?: string;
}

/** Matches history.ts: a device's clock may stamp minutes up to a day after an assignment. */
const DEVICE_CLOCK_LEAD_MS = 86_400_000;

export async function childSeries(
  deps: HistoryDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<ChildSeries[]> {
  if (node.kind === 'room' || node.kind === 'unassigned')
    return devicesInPlace(deps, node, fromMs, toMs, resolution);
  const targets = [...childrenOf(deps.registry, node), ...formerChildren(deps, node)];
  const channelLabels = new Map(targets.map((t) => [t.id, t.channel]));
  const out: ChildSeries[] = [];
  for (const label of targets) {
    const resolved = resolveNode(deps.registry, label.id) ?? formerPlace(deps, label.id);
    if (!resolved) continue;
    out.push({
      label,
      partOf: partOf(deps, label, channelLabels),
      buckets: await nodeBuckets(deps, resolved, fromMs, toMs, resolution),
      node: resolved.id,
    });
  }
  return out;
}

/**
 * Per bucket, the node's energy the whole child rows leave unaccounted for (a bucket only where
 * that is not zero).
 */
export async function remainder(own: Bucket[], children: ChildSeries[], pace: ReadPace): Promise<Bucket[]> {
  const left = new Map<number, Bucket>();
  for (const b of own) {
    left.set(b.startMs, { ...b });
    const turn = pace.breathe();
    if (turn) await turn;
  }
  // Starts no own bucket has are added after the others: only then is a sort needed.
  let inOrder = true;
  for (const child of children) {
    if (child.partOf !== '') continue;
    for (const b of child.buckets) {
      let r = left.get(b.startMs);
      if (!r) {
        r = { startMs: b.startMs, endMs: b.endMs, energyUnits: 0, returnedUnits: 0 };
        inOrder = false;
      }
      r.energyUnits -= b.energyUnits;
      r.returnedUnits -= b.returnedUnits;
      left.set(b.startMs, r);
      const turn = pace.breathe();
      if (turn) await turn;
    }
  }
  const out = [...left.values()].filter((b) => b.energyUnits !== 0 || b.returnedUnits !== 0);
  return inOrder ? out : out.sort((a, b) => a.startMs - b.startMs);
}

/**
 * The devices of a room (or Unassigned), each with the minutes it counted there: those there now
 * and any assigned since the period began (it may have been here before it moved).
 */
async function devicesInPlace(
  deps: HistoryDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<ChildSeries[]> {
  const place = placeOf(node);
  if (!place) return [];
  const current = new Set(node.channels.map((c) => c.row.deviceKey));
  const devices = new Map<string, Device>();
  for (const device of deps.registry.devices.values())
    if (current.has(device.row.key)) devices.set(device.row.key, device);
  for (const assigned of deps.store.assignedSince(fromMs - DEVICE_CLOCK_LEAD_MS)) {
    const device = deps.registry.find(assigned);
    if (device) devices.set(device.row.key, device);
  }
  const firstMs = deps.calendar.floor(fromMs, resolution);
  const fromMin = Math.floor(firstMs / 60_000);
  const toMin = Math.ceil(toMs / 60_000);
  const grid = resolution === 'minute' ? null : bucketGrid(deps, fromMin, toMin, resolution);
  const out: ChildSeries[] = [];
  for (const device of devices.values()) {
    const channels = [...device.channels.values()].filter((c) => !c.row.isPhase).map((c) => c.row.id);
    // Minutes that remember no place (schema v1) count where the device is now, as in history.ts.
    const isCurrent = current.has(device.row.key);
    const buckets = grid
      ? await gridBuckets(deps, grid, place, channels, isCurrent, resolution)
      : intoBuckets(
          deps,
          await deps.reads.placeMinutes(place, channels, isCurrent ? channels : [], fromMin, toMin),
          resolution,
        );
    if (buckets.length === 0) continue;
    out.push({
      // Named by this place, not where the device is now: the row is the energy counted here.
      label: {
        id: nodeId.device(device.row.key),
        company: place.company,
        office: place.office ?? '',
        room: place.room ?? '',
        device: deps.registry.displayName(device),
        channel: '',
      },
      partOf: '',
      buckets,
      pricedBy: nodeId.device(device.row.key),
    });
  }
  return out.sort((a, b) => a.label.id.localeCompare(b.label.id));
}

/**
 * A report's buckets as their starts in ms (what calendar.floor gives any minute in them) and
 * their bounds in whole minutes (bucket i holds the minutes in [bounds[i], bounds[i + 1])).
 */
interface BucketGrid {
  startsMs: number[];
  bounds: number[];
}

/**
 * The buckets over [fromMin, toMin), so each device's minutes can be summed per bucket in SQLite
 * (a month of a room's minutes read into JavaScript one by one took seconds). Null when whole
 * minutes cannot tell the calendar's buckets apart: the caller then buckets minute by minute.
 */
function bucketGrid(
  deps: HistoryDeps,
  fromMin: number,
  toMin: number,
  resolution: Exclude<Resolution, 'minute'>,
): BucketGrid | null {
  const { calendar } = deps;
  const startsMs: number[] = [];
  const bounds: number[] = [fromMin];
  for (let start = calendar.floor(fromMin * 60_000, resolution); Math.ceil(start / 60_000) < toMin;) {
    const next = calendar.next(start, resolution);
    const lastMinute = Math.min(toMin, Math.ceil(next / 60_000)) - 1;
    // A bucket's first minute is not before its start and its last floors to that start: by
    // floor's order so does every minute between, so a sum per bucket is what intoBuckets adds.
    const firstMinute = bounds.at(-1) as number;
    if (lastMinute >= firstMinute && calendar.floor(lastMinute * 60_000, resolution) !== start) return null;
    startsMs.push(start);
    bounds.push(Math.min(toMin, Math.ceil(next / 60_000)));
    start = next;
  }
  return { startsMs, bounds };
}

/** A device's buckets in a place: each channel's minutes summed per bucket in SQLite. */
async function gridBuckets(
  deps: HistoryDeps,
  grid: BucketGrid,
  place: PlaceMatch,
  channels: readonly number[],
  isCurrent: boolean,
  resolution: Resolution,
): Promise<Bucket[]> {
  const byBucket = new Map<number, Bucket>();
  for (const channel of channels) {
    for (const sum of await deps.reads.placeBucketSums(place, channel, isCurrent, grid.bounds)) {
      const startMs = grid.startsMs[sum.bucket] as number;
      const b = byBucket.get(startMs) ?? { startMs, endMs: 0, energyUnits: 0, returnedUnits: 0 };
      b.energyUnits += sum.energyUnits;
      b.returnedUnits += sum.returnedUnits;
      byBucket.set(startMs, b);
    }
  }
  const buckets = [...byBucket.values()].sort((a, b) => a.startMs - b.startMs);
  const ends = deps.calendar.ends(
    buckets.map((b) => b.startMs),
    resolution,
  );
  return buckets.map((b, i) => ({ ...b, endMs: ends[i] as number }));
}

/** Minute sums gathered into the report's buckets, cut where the rollups cut them. */
function intoBuckets(
  deps: HistoryDeps,
  minutes: Array<{ minute: number; energyUnits: number; returnedUnits: number }>,
  resolution: Resolution,
): Bucket[] {
  const byStart = new Map<number, Bucket>();
  for (const m of minutes) {
    const startMs = deps.calendar.floor(m.minute * 60_000, resolution);
    const b = byStart.get(startMs) ?? { startMs, endMs: 0, energyUnits: 0, returnedUnits: 0 };
    b.energyUnits += m.energyUnits;
    b.returnedUnits += m.returnedUnits;
    byStart.set(startMs, b);
  }
  const buckets = [...byStart.values()].sort((a, b) => a.startMs - b.startMs);
  const ends = deps.calendar.ends(
    buckets.map((b) => b.startMs),
    resolution,
  );
  return buckets.map((b, i) => ({ ...b, endMs: ends[i] as number }));
}

/**
 * `part_of`: for a phase (`emdata:0/a`), the channel it is a part of, as the channel column names
 * it. The phase's energy is already in that channel's, so a sum over the rows with an empty
 * `part_of` is the node's total, never twice it. Empty for every whole row.
 */
function partOf(deps: HistoryDeps, target: ChildLabel, channelLabels: Map<string, string>): string {
  if (!target.id.startsWith('channel:')) return '';
  const rest = target.id.slice('channel:'.length);
  const device = deps.registry.find(rest.slice(0, rest.lastIndexOf('|')));
  const component = rest.slice(rest.lastIndexOf('|') + 1);
  if (!device?.channels.get(component)?.row.isPhase) return '';
  const wholeId = nodeId.channel(device.row.key, component.slice(0, component.lastIndexOf('/')));
  return channelLabels.get(wholeId) ?? labelOf(deps, wholeId, wholeId).channel;
}

/**
 * The offices of a company, or rooms of an office, that energy was counted in but no device is in
 * now: their rows stay in the report, so the children still add up to the parent.
 */
function formerChildren(deps: HistoryDeps, node: ResolvedNode): ChildLabel[] {
  const place = placeOf(node);
  if (!place || node.kind === 'room' || node.kind === 'unassigned') return [];
  const current = new Set(childrenOf(deps.registry, node).map((c) => c.id));
  const out = new Map<string, ChildLabel>();
  for (const p of deps.store.loadPlaces()) {
    if (p.company !== place.company || (place.office !== undefined && p.office !== place.office)) continue;
    const id = node.kind === 'company' ? nodeId.office(p) : nodeId.room(p);
    if (current.has(id) || deps.nodeIds.get(id) === undefined) continue;
    out.set(id, {
      id,
      company: p.company,
      office: p.office,
      room: node.kind === 'company' ? '' : p.room,
      device: '',
      channel: '',
    });
  }
  return [...out.values()];
}

/** A channel as staff call it; a channel of a device no longer known keeps its component key. */
function channelLabel(deps: HistoryDeps, device: Device | undefined, component: string): string {
  return device ? deps.registry.channelName(device, component) : component;
}

/** The names a report prints for any node: its place, device and channel. */
export function labelOf(deps: HistoryDeps, id: string, ref: string): ChildLabel {
  const [kind, rest = ''] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
  if (kind === 'company' || kind === 'office' || kind === 'room') {
    const [company = '', office = '', room = ''] = rest.split('/');
    return { id, company, office, room, device: '', channel: '' };
  }
  const device = deps.registry.find(kind === 'channel' ? rest.slice(0, rest.lastIndexOf('|')) : rest);
  const p = device && 'place' in device.placement ? device.placement.place : null;
  return {
    id,
    company: p?.company ?? '',
    office: p?.office ?? '',
    room: p?.room ?? '',
    device: device ? deps.registry.displayName(device) : ref,
    channel: kind === 'channel' ? channelLabel(deps, device, rest.slice(rest.lastIndexOf('|') + 1)) : '',
  };
}
