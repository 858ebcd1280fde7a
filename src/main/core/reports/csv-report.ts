/** `report.csv`: the history of a node (or of each child) as a spreadsheet-safe CSV. */
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { ParsedParams } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import { UNITS_PER_WH } from '../shelly/types';
import { childrenOf, type ChildLabel } from '../site/children';
import { nodeId } from '../site/placement';
import type { Device } from '../site/registry';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import { formerPlace, nodeBuckets, placeOf, resolveQuery, type HistoryDeps } from './history';

const HEADER = [
  'start',
  'end',
  'company',
  'office',
  'room',
  'device',
  'channel',
  'energy_kwh',
  'returned_kwh',
  // Appended last so readers of the older columns keep working: see partOf.
  'part_of',
];

/** Cells a spreadsheet would run as a formula are prefixed so they stay text. */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * kWh to the milliwatt-hour, rounded like every other figure (unitsToWh): each row equals the
 * history point of its bucket, so a sum of rows matches the console to the mWh.
 */
const kWh = (units: number): string => (Math.round(units / (UNITS_PER_WH / 1000)) / 1_000_000).toFixed(6);

export function csvReport(
  deps: HistoryDeps,
  params: ParsedParams<'report.csv'>,
): Result<{ filename: string; csv: string }, ApiError> {
  const query = resolveQuery(deps, params);
  if (!query.ok) return query;
  const { node, fromMs, toMs, resolution } = query.value;
  // ISO-8601 with the site's offset, so a reader sees local days.
  const time = (ms: number) =>
    DateTime.fromMillis(ms, { zone: deps.calendar.timeZone }).toISO({ suppressMilliseconds: true }) ?? '';
  const self = labelOf(deps, node.id, params.node);
  const targets: ChildLabel[] = params.perChild
    ? [...childrenOf(deps.registry, node), ...formerChildren(deps, node)]
    : [self];
  const rows: string[][] = [];
  const channelLabels = new Map(targets.map((t) => [t.id, t.channel]));
  for (const target of targets) {
    const part = partOf(deps, target, channelLabels);
    const resolved =
      target.id === node.id ? node : (resolveNode(deps.registry, target.id) ?? formerPlace(deps, target.id));
    if (!resolved) continue;
    for (const b of nodeBuckets(deps, resolved, fromMs, toMs, resolution)) {
      rows.push([
        time(b.startMs),
        time(b.endMs),
        target.company,
        target.office,
        target.room,
        target.device,
        target.channel,
        kWh(b.energyUnits),
        kWh(b.returnedUnits),
        part,
      ]);
    }
  }
  rows.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
  const csv =
    '\uFEFF' + stringify([HEADER, ...rows.map((r) => r.map(neutralise))], { record_delimiter: '\r\n' });
  const safeName = node.id.replace(/[^\p{L}\p{N}_.-]+/gu, '-').slice(0, 80);
  return ok({ filename: `kilowatch-${safeName}-${params.from.slice(0, 10)}.csv`, csv });
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

function labelOf(deps: HistoryDeps, id: string, ref: string): ChildLabel {
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
