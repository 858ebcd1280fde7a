/**
 * The rollup increments of a batch, derived when it is committed from its minute rows: minutes
 * → hours per node, then hours → days, ISO weeks and months. Deriving at commit (instead of
 * per reading) merges all the readings of a room, office or company first, so the hot path adds
 * one minute row per reading and nothing else. A failed commit keeps its minutes, so the next
 * attempt derives the same increments again; nothing is added twice.
 */
import type { Calendar } from './calendar';
import { shaped, type Shape } from '../site/booking-targets';
import { PackedRollupsBuilder, type PackedRollups } from './packed-rollups';
import type { MinuteRow } from './rows';

/**
 * Sums by start minute, then node id, kept as numbers: each (start, node) has a slot in one
 * Float64Array of (energy, returned) pairs, where an object per sum made 60,000 objects a minute at
 * 10,000 channels that all outlived the planning (packed-rollups.ts says why that matters). Two
 * small-integer keys rather than one packed number: a packed node × 2^26 + minute is past V8's
 * small integers, so each key was a heap number to allocate and hash (bench burst-responsiveness).
 */
class SumTable {
  /** start → node id → slot, in the order first added. */
  readonly slots = new Map<number, Map<number, number>>();
  values = new Float64Array(2 * 1024);
  count = 0;

  add(start: number, nodeId: number, energyUnits: number, returnedUnits: number): void {
    let byNode = this.slots.get(start);
    if (!byNode) this.slots.set(start, (byNode = new Map()));
    let slot = byNode.get(nodeId);
    if (slot === undefined) {
      slot = this.count++;
      byNode.set(nodeId, slot);
      if (2 * this.count > this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
    }
    const values = this.values;
    values[2 * slot] = values[2 * slot]! + energyUnits;
    values[2 * slot + 1] = values[2 * slot + 1]! + returnedUnits;
  }
}

/**
 * The rollup increments of minute rows given one at a time, so a big batch can be planned a slice
 * at a time between other work (batch-preparation.ts). `twinOf`, with a tariff: the node that keeps
 * a node's energy at the price of that minute (cost/priced-rollups.ts); it receives the same
 * increments as the node itself.
 */
export class RollupPlanner {
  private readonly hours = new SumTable();

  constructor(
    private readonly calendar: Calendar,
    private readonly twinOf?: (nodeId: number, minute: number) => number | null,
  ) {}

  add(m: MinuteRow): void {
    if (!m.nodeIds || (m.energyUnits === 0 && m.returnedUnits === 0)) return;
    const hour = this.calendar.starts(m.minute).hour;
    for (const id of m.nodeIds) this.addTo(id, m.minute, hour, m.energyUnits, m.returnedUnits);
    if (m.shaped) {
      for (const code of m.shaped) {
        const [e, r] = shaped((code % 4) as Shape, m.energyUnits, m.returnedUnits);
        this.addTo(Math.floor(code / 4), m.minute, hour, e, r);
      }
    }
  }

  private addTo(id: number, minute: number, hour: number, e: number, r: number): void {
    this.hours.add(hour, id, e, r);
    const twin = this.twinOf?.(id, minute);
    if (twin != null) this.hours.add(hour, twin, e, r);
  }

  /** The increments of every row added: hours, then days, ISO weeks and months from the hours. */
  finish(): PackedRollups {
    const { hours, calendar } = this;
    // Index in ROLLUPS: hour 0, day 1, week 2, month 3.
    const higher = [new SumTable(), new SumTable(), new SumTable()] as const;
    for (const [hour, byNode] of hours.slots) {
      const starts = calendar.starts(hour);
      for (const [nodeId, slot] of byNode) {
        const e = hours.values[2 * slot]!;
        const r = hours.values[2 * slot + 1]!;
        higher[0].add(starts.day, nodeId, e, r);
        higher[1].add(starts.week, nodeId, e, r);
        higher[2].add(starts.month, nodeId, e, r);
      }
    }
    const tables = [hours, ...higher];
    const rows = new PackedRollupsBuilder(tables.reduce((n, t) => n + t.count, 0));
    tables.forEach((table, rollupIndex) => {
      for (const [start, byNode] of table.slots)
        for (const [nodeId, slot] of byNode)
          rows.push(rollupIndex, nodeId, start, table.values[2 * slot]!, table.values[2 * slot + 1]!);
    });
    return rows.done();
  }
}

/** The rollup increments of `minutes`, planned at once (see RollupPlanner). */
export function planRollups(
  minutes: Iterable<MinuteRow>,
  calendar: Calendar,
  twinOf?: (nodeId: number, minute: number) => number | null,
): PackedRollups {
  const planner = new RollupPlanner(calendar, twinOf);
  for (const m of minutes) planner.add(m);
  return planner.finish();
}
