/**
 * Where a device sits in company → office → room (PROTOCOL.md §7). A Gen2+ topic prefix of exactly
 * four valid segments places it; a staff assignment overrides the topic; anything else is
 * "Unassigned" with a reason.
 */
import { PLACE_NAME_PATTERN } from '../../../shared/contract';

export interface Place {
  company: string;
  office: string;
  room: string;
  /** The device's display name (last segment), NFC-normalised. */
  device: string;
}

export type Placement = { place: Place } | { reason: 'no-placement' | 'invalid-name' };

/** NFC first: `Salão` typed as `a` + U+0303 and as `ã` must be one room. */
export const normaliseName = (segment: string): string => segment.normalize('NFC');

export const isValidPlaceName = (name: string): boolean =>
  PLACE_NAME_PATTERN.test(name) && name === name.trim();

export function placementFromPath(path: string): Placement {
  const segments = path.split('/').map(normaliseName);
  if (segments.length !== 4) return { reason: 'no-placement' };
  if (!segments.every(isValidPlaceName)) return { reason: 'invalid-name' };
  const [company, office, room, device] = segments as [string, string, string, string];
  return { place: { company, office, room, device } };
}

/** The assignment wins; otherwise a Gen2+ prefix is read as a unified-namespace path. */
export function placementOf(deviceKey: string, generation: 1 | 2, assigned: Place | undefined): Placement {
  if (assigned) return { place: assigned };
  if (generation === 1) return { reason: 'no-placement' };
  return placementFromPath(deviceKey);
}

/**
 * One string per node id, however often it is made. Every channel's booking, every device's share
 * of the live totals and every total row names the room, office and company it counts towards:
 * made afresh each time, the same ids were held 15,000 times over at 10,000 channels (a heap
 * snapshot of the core, bench memory-peak). The pool only saves memory, so at a size no site
 * reaches it starts over rather than grow without end.
 */
const idPool = new Map<string, string>();
const ID_POOL_LIMIT = 500_000;

function pooled(id: string): string {
  const known = idPool.get(id);
  if (known !== undefined) return known;
  if (idPool.size >= ID_POOL_LIMIT) idPool.clear();
  idPool.set(id, id);
  return id;
}

/** Node ids used by the contract: a kind prefix keeps a company named like a device id apart. */
export const nodeId = {
  company: (p: Pick<Place, 'company'>) => pooled(`company:${p.company}`),
  office: (p: Pick<Place, 'company' | 'office'>) => pooled(`office:${p.company}/${p.office}`),
  room: (p: Pick<Place, 'company' | 'office' | 'room'>) => pooled(`room:${p.company}/${p.office}/${p.room}`),
  device: (deviceKey: string) => pooled(`device:${deviceKey}`),
  channel: (deviceKey: string, component: string) => pooled(`channel:${deviceKey}|${component}`),
  unassigned: 'unassigned',
} as const;

/**
 * Every node a channel's energy is added to: the channel, and unless it is an EM phase (the
 * device total comes from total_act, §4.4) its device and the room, office and company it sits
 * in — or "Unassigned".
 */
export function countedNodes(
  deviceKey: string,
  component: string,
  isPhase: boolean,
  placement: Placement,
): string[] {
  const nodes = [nodeId.channel(deviceKey, component)];
  if (isPhase) return nodes;
  nodes.push(nodeId.device(deviceKey));
  if ('place' in placement) {
    const p = placement.place;
    nodes.push(nodeId.room(p), nodeId.office(p), nodeId.company(p));
  } else nodes.push(nodeId.unassigned);
  return nodes;
}
