/**
 * The rollup increments of a batch, derived when it is committed from its minute rows: minutes
 * → hours per node, then hours → days, ISO weeks and months. Deriving at commit (instead of
 * per reading) merges all the readings of a room, office or company first, so the hot path adds
 * one minute row per reading and nothing else. A failed commit keeps its minutes, so the next
 * attempt derives the same increments again; nothing is added twice.
 */
import type { Calendar, Rollup } from './calendar';
import { shaped, type Shape } from '../site/booking-targets';
import type { MinuteRow, RollupRow } from './rows';

/** node id × 2^26 + start minute: unique while start minutes stay below 2^26 (year 2097). */
const NODE_STRIDE = 2 ** 26;

interface Sum {
  energyUnits: number;
  returnedUnits: number;
}

function accumulate(map: Map<number, Sum>, key: number, energyUnits: number, returnedUnits: number): void {
  const s = map.get(key);
  if (s) {
    s.energyUnits += energyUnits;
    s.returnedUnits += returnedUnits;
  } else map.set(key, { energyUnits, returnedUnits });
}

/**
 * `twinOf`, with a tariff: the node that keeps a node's energy at the price of that minute
 * (cost/priced-rollups.ts); it receives the same increments as the node itself.
 */
export function planRollups(
  minutes: Iterable<MinuteRow>,
  calendar: Calendar,
  twinOf?: (nodeId: number, minute: number) => number | null,
): RollupRow[] {
  const hours = new Map<number, Sum>();
  const add = (id: number, minute: number, hour: number, e: number, r: number) => {
    accumulate(hours, id * NODE_STRIDE + hour, e, r);
    const twin = twinOf?.(id, minute);
    if (twin != null) accumulate(hours, twin * NODE_STRIDE + hour, e, r);
  };
  for (const m of minutes) {
    if (!m.nodeIds || (m.energyUnits === 0 && m.returnedUnits === 0)) continue;
    const hour = calendar.starts(m.minute).hour;
    for (const id of m.nodeIds) add(id, m.minute, hour, m.energyUnits, m.returnedUnits);
    if (m.shaped) {
      for (const code of m.shaped) {
        const [e, r] = shaped((code % 4) as Shape, m.energyUnits, m.returnedUnits);
        add(Math.floor(code / 4), m.minute, hour, e, r);
      }
    }
  }
  const higher: Record<Exclude<Rollup, 'hour'>, Map<number, Sum>> = {
    day: new Map(),
    week: new Map(),
    month: new Map(),
  };
  const rows: RollupRow[] = [];
  for (const [key, s] of hours) {
    const hour = key % NODE_STRIDE;
    const base = key - hour;
    rows.push({ rollup: 'hour', nodeId: base / NODE_STRIDE, startMin: hour, ...s });
    const starts = calendar.starts(hour);
    accumulate(higher.day, base + starts.day, s.energyUnits, s.returnedUnits);
    accumulate(higher.week, base + starts.week, s.energyUnits, s.returnedUnits);
    accumulate(higher.month, base + starts.month, s.energyUnits, s.returnedUnits);
  }
  for (const rollup of ['day', 'week', 'month'] as const) {
    for (const [key, s] of higher[rollup]) {
      const start = key % NODE_STRIDE;
      rows.push({ rollup, nodeId: (key - start) / NODE_STRIDE, startMin: start, ...s });
    }
  }
  return rows;
}
