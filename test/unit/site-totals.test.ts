/**
 * The site's totals kept from what changed (aggregate/site-totals.ts) against the oracle that sums
 * every device afresh (test/support/reference-site-totals.ts): for random sites and random things
 * happening to them (readings with power, energy and voltages, new channels, staff moving devices,
 * devices falling silent or offline, days passing, main meters and solar, devices forgotten),
 * every node's totals must be what the full sum gives, at every step — and a push carries the
 * nodes that changed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';
import { RunningTotals } from '../../src/main/core/aggregate/running-totals';
import { SiteTotals } from '../../src/main/core/aggregate/site-totals';
import { TodayTotals } from '../../src/main/core/aggregate/today-totals';
import { LiveTotals } from '../../src/main/core/live';
import { EnergyRouting } from '../../src/main/core/site/energy-routing';
import { MeterRoles, type MeterRole } from '../../src/main/core/site/meter-roles';
import { SiteRegistry } from '../../src/main/core/site/registry';
import { referenceSiteTotals } from '../support/reference-site-totals';

const START_MS = Date.UTC(2026, 2, 10, 22, 0);
const OFFICES = ['North', 'South'];
const ROOMS = ['A', 'B'];
const DEVICES = 6;

type Op =
  | { kind: 'read'; device: number; channel: number; powerW: number; wh: number; volts: number | null }
  | { kind: 'move'; device: number; office: number; room: number | null }
  | { kind: 'offline'; device: number }
  | { kind: 'time'; seconds: number }
  | { kind: 'role'; device: number; role: MeterRole }
  | { kind: 'forget'; device: number };

const device = fc.integer({ min: 0, max: DEVICES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      device,
      channel: fc.integer({ min: 0, max: 2 }),
      // Shelly reports power to a tenth of a watt; solar and export read negative.
      powerW: fc.integer({ min: -30_000, max: 30_000 }).map((d) => d / 10),
      wh: fc.integer({ min: 0, max: 500 }),
      volts: fc.option(fc.integer({ min: 2200, max: 2400 }).map((d) => d / 10)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      device,
      office: fc.integer({ min: 0, max: OFFICES.length - 1 }),
      room: fc.option(fc.integer({ min: 0, max: ROOMS.length - 1 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), device }) },
  // Up to five hours at a time: reporting windows close, and midnight passes.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      seconds: fc.integer({ min: 1, max: 18_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('role' as const),
      device,
      role: fc.constantFrom<MeterRole>(
        { role: 'load' },
        { role: 'generation' },
        { role: 'main', scope: 'room' },
        { role: 'main', scope: 'office' },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), device }) },
);

/** A site and the two ways of summing it. */
function site() {
  let nowMs = START_MS;
  const registry = new SiteRegistry({
    devices: [],
    channels: [],
    counters: [],
    assignments: [],
    names: new Map(),
  });
  const totals = new RunningTotals([]);
  const today = new TodayTotals('Europe/Lisbon', nowMs);
  const roles = new MeterRoles();
  const routing = new EnergyRouting(registry, roles);
  registry.onPlaced = (d) => roles.notePlaced(d);
  const kept = new SiteTotals({ registry, totals, today, routing });
  const key = (n: number) => `shellyplus2pm-00000000000${n}`;

  const apply = (o: Op): void => {
    switch (o.kind) {
      case 'read': {
        const { device: d } = registry.upsert(key(o.device), 2, nowMs);
        const component = `switch:${o.channel}`;
        const { channel } = registry.channel(d, component, false, false);
        d.row.lastSeenMs = nowMs;
        d.memory.isOnline = true;
        d.powerW.set(component, o.powerW);
        if (o.volts !== null)
          d.electrical.set(component, { voltageV: o.volts, currentA: 1.5, powerFactor: 0.9 });
        for (const { node } of routing.targets(channel)) {
          totals.row(node, nowMs).energyUnits += o.wh * 1000;
          today.add(node, o.wh * 1000, 0, nowMs);
        }
        kept.markRead(d);
        return;
      }
      case 'move': {
        const room = o.room === null ? null : ROOMS[o.room]!;
        // No word to the kept totals: they must see the move themselves.
        registry.assign(key(o.device), {
          company: room === null ? '' : 'Co',
          office: room === null ? '' : OFFICES[o.office]!,
          room: room ?? '',
          device: room === null ? '' : `Meter${o.device}`,
        });
        return;
      }
      case 'offline': {
        const d = registry.devices.get(key(o.device));
        if (d) d.memory.isOnline = false;
        return;
      }
      case 'time':
        nowMs += o.seconds * 1000;
        return;
      case 'role':
        roles.set(key(o.device), o.role, 'console', nowMs);
        return;
      case 'forget':
        registry.devices.delete(key(o.device));
        return;
    }
  };
  return {
    apply,
    now: () => nowMs,
    kept,
    reference: () => referenceSiteTotals(registry, totals, today, nowMs, routing),
  };
}

const sorted = (m: ReadonlyMap<string, NodeTotals>): NodeTotals[] =>
  [...m.values()].map((t) => structuredClone(t)).sort((a, b) => a.id.localeCompare(b.id));

describe('the site totals kept from what changed', () => {
  it('equal the full sum at every step, whatever happens to the site', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const s = site();
        for (const o of ops) {
          s.apply(o);
          expect(sorted(s.kept.snapshot(s.now()))).toEqual(sorted(s.reference()));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('push every node that changed and only those, a device falling silent included', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const s = site();
        let pushed: NodeTotals[] = [];
        const live = new LiveTotals({
          site: s.kept,
          clock: s.now,
          push: (nodes) => (pushed = structuredClone(nodes)),
        });
        // What a console holds: every push applied over the ones before.
        const held = new Map<string, NodeTotals>();
        for (const o of ops) {
          s.apply(o);
          pushed = [];
          live.push();
          for (const t of pushed) {
            expect(t).not.toEqual(held.get(t.id));
            held.set(t.id, t);
          }
          const reference = s.reference();
          for (const t of reference.values()) expect(held.get(t.id)).toEqual(structuredClone(t));
          // A place left empty leaves the tree, and the console with it: should it fill again, its
          // figures are pushed again, even if they are what they were.
          for (const id of [...held.keys()]) if (!reference.has(id)) held.delete(id);
        }
      }),
      { numRuns: 200 },
    );
  });
});
