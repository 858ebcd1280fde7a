/**
 * A batch as it crosses to the batch writer's thread (commit-thread.ts). Cloning thousands of small
 * objects (minute rows, counter states, rollup increments) costs the core's thread tens of
 * milliseconds a batch; packed into number arrays whose buffers are handed over, not copied, the
 * bulk costs one pass here. The writer unpacks them into the rows Store.commitRows takes, on its
 * own time. The rest (devices, channels, places, ledger: a few rows a batch) is cloned as it is.
 */
import type { Direction } from '../shelly/types';
import { ROLLUPS } from './calendar';
import type { BatchRows } from './batch';
import type { CounterSlot, MinuteRow, RollupRow, TotalRow } from './rows';

export interface BatchWire extends Pick<
  BatchRows,
  'devices' | 'channels' | 'forgottenCounters' | 'places' | 'nodes' | 'bookings' | 'gaps' | 'ledger'
> {
  /** channelId, minute, energyUnits, returnedUnits, gapFromS, placeId, bookingId (NaN: null). */
  minutes: Float64Array;
  /** channelId, direction (0 import, 1 return), valueUnits, primaryS, secondaryS, arrivalS, epoch, offlineCount. */
  counters: Float64Array;
  /** rollup (index in ROLLUPS), nodeId, startMin, energyUnits, returnedUnits. */
  rollups: Float64Array;
  totalNodes: string[];
  /** energyUnits, returnedUnits, sinceMs, in the order of totalNodes. */
  totals: Float64Array;
}

const MINUTE = 7;
const COUNTER = 8;
const ROLLUP = 5;
const TOTAL = 3;

const orNaN = (v: number | null | undefined): number => v ?? Number.NaN;
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The batch packed, and the buffers to hand over with it (postMessage's transfer list). */
export function toWire(batch: BatchRows): { wire: BatchWire; transfer: ArrayBuffer[] } {
  const minutes = new Float64Array(batch.minutes.size * MINUTE);
  let i = 0;
  for (const m of batch.minutes.values()) {
    minutes[i++] = m.channelId;
    minutes[i++] = m.minute;
    minutes[i++] = m.energyUnits;
    minutes[i++] = m.returnedUnits;
    minutes[i++] = orNaN(m.gapFromS);
    minutes[i++] = orNaN(m.placeId);
    minutes[i++] = orNaN(m.bookingId);
  }
  const counters = new Float64Array(batch.counters.size * COUNTER);
  i = 0;
  for (const { channelId, direction, memory: m } of batch.counters.values()) {
    counters[i++] = channelId;
    counters[i++] = direction === 'return' ? 1 : 0;
    counters[i++] = m.valueUnits;
    counters[i++] = m.order.primaryS;
    counters[i++] = m.order.secondaryS;
    counters[i++] = m.arrivalS;
    counters[i++] = m.epoch;
    counters[i++] = m.offlineCount;
  }
  const rollups = new Float64Array(batch.rollups.length * ROLLUP);
  i = 0;
  for (const r of batch.rollups) {
    rollups[i++] = ROLLUPS.indexOf(r.rollup);
    rollups[i++] = r.nodeId;
    rollups[i++] = r.startMin;
    rollups[i++] = r.energyUnits;
    rollups[i++] = r.returnedUnits;
  }
  const totalNodes: string[] = [];
  const totals = new Float64Array(batch.totals.size * TOTAL);
  i = 0;
  for (const t of batch.totals) {
    totalNodes.push(t.node);
    totals[i++] = t.energyUnits;
    totals[i++] = t.returnedUnits;
    totals[i++] = t.sinceMs;
  }
  const { devices, channels, forgottenCounters, places, nodes, bookings, gaps, ledger } = batch;
  return {
    wire: {
      devices,
      channels,
      forgottenCounters,
      places,
      nodes,
      bookings,
      gaps,
      ledger,
      minutes,
      counters,
      rollups,
      totalNodes,
      totals,
    },
    transfer: [minutes.buffer, counters.buffer, rollups.buffer, totals.buffer],
  };
}

/** The rows again, for Store.commitRows (on the writer's thread). */
export function fromWire(wire: BatchWire): BatchRows {
  const minutes = new Map<number, MinuteRow>();
  const m = wire.minutes;
  for (let i = 0; i < m.length; i += MINUTE) {
    minutes.set(i, {
      channelId: m[i]!,
      minute: m[i + 1]!,
      energyUnits: m[i + 2]!,
      returnedUnits: m[i + 3]!,
      gapFromS: orNull(m[i + 4]!),
      placeId: orNull(m[i + 5]!),
      bookingId: orNull(m[i + 6]!),
    });
  }
  const counters = new Map<number, CounterSlot>();
  const c = wire.counters;
  for (let i = 0; i < c.length; i += COUNTER) {
    const direction: Direction = c[i + 1] === 1 ? 'return' : 'import';
    counters.set(i, {
      channelId: c[i]!,
      direction,
      memory: {
        valueUnits: c[i + 2]!,
        order: { primaryS: c[i + 3]!, secondaryS: c[i + 4]! },
        arrivalS: c[i + 5]!,
        epoch: c[i + 6]!,
        offlineCount: c[i + 7]!,
      },
    });
  }
  const rollups: RollupRow[] = [];
  const r = wire.rollups;
  for (let i = 0; i < r.length; i += ROLLUP) {
    rollups.push({
      rollup: ROLLUPS[r[i]!]!,
      nodeId: r[i + 1]!,
      startMin: r[i + 2]!,
      energyUnits: r[i + 3]!,
      returnedUnits: r[i + 4]!,
    });
  }
  const totals = new Set<TotalRow>();
  wire.totalNodes.forEach((node, k) => {
    totals.add({
      node,
      energyUnits: wire.totals[k * TOTAL]!,
      returnedUnits: wire.totals[k * TOTAL + 1]!,
      sinceMs: wire.totals[k * TOTAL + 2]!,
    });
  });
  return { ...wire, minutes, counters, rollups, totals };
}
