/**
 * Where a channel's counted energy goes, given metering roles (ARCHITECTURE.md §3, README "Main
 * meters and solar"). A node's consumption is the energy that crossed into it plus what was
 * produced inside it:
 *
 *   consumption(N) = Σ main import − Σ main export + Σ production beneath   when N has a main meter
 *   consumption(N) = Σ consumption of what is beneath N                      otherwise
 *
 * Walking up from a meter's place, each level either takes the meter's contribution, or has a main
 * meter of its own ("a cut"): then the contribution goes to that level's `loads:` series instead
 * (Σ metered loads beneath, so unmetered = consumption − loads) and stops there — except
 * production, which no main meter sees and which therefore counts at every level above.
 */
import { countedNodes, nodeId, type Placement } from './placement';
import type { DeviceCategory } from '../../../shared/contract';
import type { MeterRole } from './meter-roles';

/** How a minute's (energy, returned) is added to a target. */
export const Shape = {
  /** (energy, returned) as counted. */
  Counted: 0,
  /** A main meter: energy − returned (net import), returned (export). */
  Net: 1,
  /** A generation meter's production: returned as energy. */
  Production: 2,
  /** A generation meter's own draw (an inverter at night): energy only. */
  ImportOnly: 3,
} as const;
export type Shape = (typeof Shape)[keyof typeof Shape];

export interface Target {
  node: string;
  shape: Shape;
}

/** Σ metered loads beneath a place with a main meter (what its consumption is compared with). */
const LOADS = 'loads:';
export const loadsNode = (node: string): string => `${LOADS}${node}`;
/** Σ generation beneath a place. */
export const productionNode = (node: string): string => `production:${node}`;
/**
 * A place's consumption while it had a main meter (main import − export + production inside), so
 * unmetered = supply − loads over exactly the time both were counted; its returned is the export.
 */
export const supplyNode = (node: string): string => `supply:${node}`;

/**
 * A place's metered loads of one device category (device-categories.ts). `other` has none: it is
 * the place's energy less the named categories, so they always add up to the place's total.
 */
export const categoryNode = (category: string, node: string): string => `category:${category}:${node}`;

/** (energy, returned) of a minute → what a target of this shape receives. */
export function shaped(shape: Shape, energyUnits: number, returnedUnits: number): [number, number] {
  switch (shape) {
    case Shape.Counted:
      return [energyUnits, returnedUnits];
    case Shape.Net:
      return [energyUnits - returnedUnits, returnedUnits];
    case Shape.Production:
      return [returnedUnits, 0];
    case Shape.ImportOnly:
      return [energyUnits, 0];
  }
}

const SCOPE_LEVEL = { room: 0, office: 1, company: 2 } as const;

/** The room, office and company of a placement, bottom up; Unassigned is one level. */
export function placeLevels(placement: Placement): string[] {
  if (!('place' in placement)) return [nodeId.unassigned];
  const p = placement.place;
  return [nodeId.room(p), nodeId.office(p), nodeId.company(p)];
}

/** The place node a main meter feeds (Unassigned feeds Unassigned). */
export function mainPlaceNode(placement: Placement, scope: keyof typeof SCOPE_LEVEL): string {
  const levels = placeLevels(placement);
  return levels[Math.min(SCOPE_LEVEL[scope], levels.length - 1)] as string;
}

/**
 * The targets of one channel's energy. `hasMain(node)` tells whether a place node has a main
 * meter. A plain load under no main meter gets exactly `countedNodes`, all `Counted`.
 */
export function bookingTargets(
  deviceKey: string,
  component: string,
  isPhase: boolean,
  placement: Placement,
  role: MeterRole,
  hasMain: (node: string) => boolean,
  category: DeviceCategory = 'other',
): Target[] {
  const targets = meterTargets(deviceKey, component, isPhase, placement, role, hasMain);
  // A load's share of each place it reaches (as itself, or as a metered load under a main meter)
  // is also its category's there. A main or generation meter is no load of any category.
  if (category === 'other' || isPhase || role.role !== 'load') return targets;
  const levels = new Set(placeLevels(placement));
  const byCategory: Target[] = [];
  for (const t of targets) {
    const place = levels.has(t.node) ? t.node : t.node.startsWith(LOADS) ? t.node.slice(LOADS.length) : null;
    if (place !== null && levels.has(place))
      byCategory.push({ node: categoryNode(category, place), shape: t.shape });
  }
  return [...targets, ...byCategory];
}

function meterTargets(
  deviceKey: string,
  component: string,
  isPhase: boolean,
  placement: Placement,
  role: MeterRole,
  hasMain: (node: string) => boolean,
): Target[] {
  const own = countedNodes(deviceKey, component, isPhase, placement);
  // The channel and its device show what the meter itself measured, whatever its role.
  const targets: Target[] = own.slice(0, isPhase ? 1 : 2).map((node) => ({ node, shape: Shape.Counted }));
  if (isPhase) return targets;
  const levels = placeLevels(placement);
  let start = 0;
  let shape: Shape = Shape.Counted;
  if (role.role === 'main') {
    start = levels.indexOf(mainPlaceNode(placement, role.scope));
    shape = Shape.Net;
  } else if (role.role === 'generation') {
    shape = Shape.ImportOnly;
    for (const level of levels) targets.push({ node: productionNode(level), shape: Shape.Production });
  }
  for (let i = start; i < levels.length; i++) {
    const level = levels[i] as string;
    const isOwnMain = role.role === 'main' && i === start;
    if (!isOwnMain && hasMain(level)) {
      targets.push({ node: loadsNode(level), shape });
      if (role.role !== 'generation') break;
      // Production is consumed inside this level without crossing its main meter.
      targets.push(
        { node: level, shape: Shape.Production },
        { node: supplyNode(level), shape: Shape.Production },
      );
      shape = Shape.Production;
      continue;
    }
    targets.push({ node: level, shape });
    if (isOwnMain) targets.push({ node: supplyNode(level), shape });
  }
  return targets;
}

/** Whether targets are exactly what a plain load gets (then a minute row needs no booking). */
export function isPlainBooking(targets: readonly Target[], plain: readonly string[]): boolean {
  return (
    targets.length === plain.length &&
    targets.every((t, i) => t.shape === Shape.Counted && t.node === plain[i])
  );
}
