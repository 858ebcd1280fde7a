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

interface Sum {
  energyUnits: number;
  returnedUnits: number;
}

/**
 * Sums by start minute, then node id. Two small-integer keys rather than one packed number: a
 * packed node × 2^26 + minute is past V8's small integers, so each key was a heap number to
 * allocate and hash (bench burst-responsiveness: planning was most of a commit's hand-off).
 */
type Sums = Map<number, Map<number, Sum>>;

function accumulate(
  sums: Sums,
  start: number,
  nodeId: number,
  energyUnits: number,
  returnedUnits: number,
): void {
  let byNode = sums.get(start);
  if (!byNode) sums.set(start, (byNode = new Map()));
  const s = byNode.get(nodeId);
  if (s) {
    s.energyUnits += energyUnits;
    s.returnedUnits += returnedUnits;
  } else byNode.set(nodeId, { energyUnits, returnedUnits });
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
  const hours: Sums = new Map();
  const add = (id: number, minute: number, hour: number, e: number, r: number) => {
    accumulate(hours, hour, id, e, r);
    const twin = twinOf?.(id, minute);
    if (twin != null) accumulate(hours, hour, twin, e, r);
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
  const higher: Record<Exclude<Rollup, 'hour'>, Sums> = { day: new Map(), week: new Map(), month: new Map() };
  const rows: RollupRow[] = [];
  for (const [hour, byNode] of hours) {
    const starts = calendar.starts(hour);
    for (const [nodeId, s] of byNode) {
      rows.push({ rollup: 'hour', nodeId, startMin: hour, ...s });
      accumulate(higher.day, starts.day, nodeId, s.energyUnits, s.returnedUnits);
      accumulate(higher.week, starts.week, nodeId, s.energyUnits, s.returnedUnits);
      accumulate(higher.month, starts.month, nodeId, s.energyUnits, s.returnedUnits);
    }
  }
  for (const rollup of ['day', 'week', 'month'] as const)
    for (const [start, byNode] of higher[rollup])
      for (const [nodeId, s] of byNode) rows.push({ rollup, nodeId, startMin: start, ...s });
  return rows;
}
