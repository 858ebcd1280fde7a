/**
 * Where a meter's energy goes under metering roles (booking-targets.ts), checked as energy flows:
 * for random sites (rooms in offices, main meters at any level, solar anywhere) every place's
 * consumption must equal what crossed its main meter plus what was produced inside it, and
 * otherwise the sum of what is beneath it — the physics the README's "Main meters and solar" states.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookingTargets, loadsNode, shaped, type Shape } from '../../src/main/core/site/booking-targets';
import type { MeterRole } from '../../src/main/core/site/meter-roles';
import { nodeId, type Placement } from '../../src/main/core/site/placement';

const OFFICES = ['North', 'South'];
const ROOMS = ['A', 'B', 'C'];

interface Meter {
  office: string;
  room: string;
  role: MeterRole;
  energy: number;
  returned: number;
}

const placement = (m: Pick<Meter, 'office' | 'room'>): Placement => ({
  place: { company: 'Co', office: m.office, room: m.room, device: 'x' },
});

describe('booking targets under metering roles', () => {
  it('a plain load under no main meter goes to its channel, device, room, office and company as counted', () => {
    const targets = bookingTargets(
      'd',
      'switch:0',
      false,
      placement({ office: 'North', room: 'A' }),
      { role: 'load' },
      () => false,
    );
    expect(targets).toEqual(
      ['channel:d|switch:0', 'device:d', 'room:Co/North/A', 'office:Co/North', 'company:Co'].map((node) => ({
        node,
        shape: 0,
      })),
    );
  });

  it('every place is its main import − export + production inside, else the sum of what is beneath', () => {
    const loadArb = fc.record({
      office: fc.constantFrom(...OFFICES),
      room: fc.constantFrom(...ROOMS),
      role: fc.constant<MeterRole>({ role: 'load' }),
      energy: fc.integer({ min: 0, max: 1000 }),
      returned: fc.constant(0),
    });
    const genArb = fc.record({
      office: fc.constantFrom(...OFFICES),
      room: fc.constantFrom(...ROOMS),
      role: fc.constant<MeterRole>({ role: 'generation' }),
      energy: fc.integer({ min: 0, max: 50 }),
      returned: fc.integer({ min: 0, max: 800 }),
    });
    const mainScopes = fc.record({
      company: fc.boolean(),
      offices: fc.subarray(OFFICES),
      rooms: fc.subarray(OFFICES.flatMap((o) => ROOMS.map((r) => `${o}/${r}`))),
    });
    fc.assert(
      fc.property(
        fc.array(loadArb, { maxLength: 8 }),
        fc.array(genArb, { maxLength: 3 }),
        mainScopes,
        fc.integer({ min: 0, max: 500 }),
        (loads, gens, mains, exported) => {
          // Physically consistent main meters: each sees what its place draws beyond what is produced inside.
          const hasMain = new Set<string>();
          if (mains.company) hasMain.add(nodeId.company({ company: 'Co' }));
          for (const o of mains.offices) hasMain.add(nodeId.office({ company: 'Co', office: o }));
          for (const r of mains.rooms) {
            const [office, room] = r.split('/') as [string, string];
            hasMain.add(nodeId.room({ company: 'Co', office, room }));
          }
          const inside = (node: string, m: Meter) =>
            node === 'company:Co' ||
            node === `office:Co/${m.office}` ||
            node === `room:Co/${m.office}/${m.room}`;
          const truth = (node: string) => {
            const consumed = [...loads, ...gens]
              .filter((m) => inside(node, m))
              .reduce((s, m) => s + m.energy, 0);
            const produced = gens.filter((m) => inside(node, m)).reduce((s, m) => s + m.returned, 0);
            return { consumed, produced };
          };
          const meters: Meter[] = [...loads, ...gens];
          for (const node of hasMain) {
            const { consumed, produced } = truth(node);
            // The main meter's counters: net flow across the place's boundary, split into import and export.
            const net = consumed - produced;
            const exportWh = net < 0 ? -net + exported : exported;
            const importWh = net + exportWh;
            const [office = 'North', room = 'A'] = node
              .slice(node.indexOf(':') + 1)
              .split('/')
              .slice(1);
            const scope = node.startsWith('room:')
              ? 'room'
              : node.startsWith('office:')
                ? 'office'
                : 'company';
            meters.push({
              office: office || 'North',
              room: room || 'A',
              role: { role: 'main', scope },
              energy: importWh,
              returned: exportWh,
            });
          }
          const sums = new Map<string, number>();
          meters.forEach((m, i) => {
            for (const t of bookingTargets(`d${i}`, 'switch:0', false, placement(m), m.role, (n) =>
              hasMain.has(n),
            )) {
              const [e] = shaped(t.shape as Shape, m.energy, m.returned);
              sums.set(t.node, (sums.get(t.node) ?? 0) + e);
            }
          });
          const places = [
            'company:Co',
            ...OFFICES.map((o) => `office:Co/${o}`),
            ...OFFICES.flatMap((o) => ROOMS.map((r) => `room:Co/${o}/${r}`)),
          ];
          for (const node of places) {
            const { consumed } = truth(node);
            // Consumption is what was truly drawn inside, with or without a main meter.
            expect(sums.get(node) ?? 0, node).toBe(consumed);
            // Where a main meter exists, the metered loads account for everything (no unmetered here).
            if (hasMain.has(node)) expect(sums.get(loadsNode(node)) ?? 0, `loads of ${node}`).toBe(consumed);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
