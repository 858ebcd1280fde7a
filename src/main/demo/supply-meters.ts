/**
 * The demo's main meters measure what their office really draws: each office's `MainBoard` phase
 * carries its share of every other meter of the office (signed, so solar made inside is netted off,
 * as a real supply meter sees it) plus a tenth more for what no sub-meter covers (corridor lights,
 * lifts). Simulated independently, as before, a main meter read less than its sub-meters about half
 * the time: an impossible building, and a negative "unmetered" on every screen.
 */
import { DEMO_ROLES } from './demo-roles';
import type { LoadSpec } from './load';
import type { DeviceSpec } from './site-plan';

/** What no sub-meter covers, as a share of the sub-metered draw. */
export const UNMETERED_SHARE = 0.1;
/** How a supply meter's draw splits over its phases (a, b, c). */
const PHASE_SHARES = [0.4, 0.35, 0.25];

export interface SupplyPlan {
  /** Each supply meter's load → its share of the office's draw and the loads it sees. */
  feeds: Map<LoadSpec, { share: number; loads: LoadSpec[] }>;
  /** Devices whose meters follow others: they must sample after them. */
  suppliers: Set<DeviceSpec>;
}

export const officeOf = (prefix: string): string => prefix.split('/').slice(0, 2).join('/');

export function planSupplyMeters(specs: readonly DeviceSpec[]): SupplyPlan {
  const mains = new Set(DEMO_ROLES.filter((r) => r.role === 'main').map((r) => r.device));
  const feeds: SupplyPlan['feeds'] = new Map();
  const suppliers = new Set<DeviceSpec>();
  for (const main of specs.filter((s) => mains.has(s.prefix))) {
    const office = officeOf(main.prefix);
    const loads = specs
      .filter((s) => !mains.has(s.prefix) && s.prefix.startsWith(`${office}/`))
      .flatMap((s) => s.loads);
    main.loads.forEach((load, i) => {
      const share = PHASE_SHARES[i] ?? 0;
      feeds.set(load, { share: main.loads.length === 1 ? 1 : share, loads });
    });
    suppliers.add(main);
  }
  return { feeds, suppliers };
}

/** A supply meter's signed share of an office's net draw and what it consumed (any unit). */
export function supplyUnits(share: number, net: number, consumed: number): number {
  return Math.round(share * (net + UNMETERED_SHARE * consumed));
}

/** A supply meter's draw from its office's meters' current draw (deci-watts, signed). */
export function supplyDw(share: number, drawsDw: readonly number[]): number {
  let net = 0;
  let consumed = 0;
  for (const dw of drawsDw) {
    net += dw;
    if (dw > 0) consumed += dw;
  }
  return supplyUnits(share, net, consumed);
}
