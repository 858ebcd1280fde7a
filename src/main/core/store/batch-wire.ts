/**
 * A batch as it crosses to the batch writer's thread (commit-thread.ts). Cloning thousands of small
 * objects (minute rows, counter states) costs the core's thread tens of milliseconds a batch;
 * packed into number arrays whose buffers are handed over, not copied, the bulk costs one pass
 * here (the rollup increments are packed from the start, packed-rollups.ts). The writer unpacks
 * them into the rows Store.commitRows takes, on its own time. The rest (devices, channels, places,
 * ledger: a few rows a batch) is cloned as it is.
 */
import type { Direction } from '../shelly/types';
import { PackedRollups } from './packed-rollups';
import type { Batch, BatchRows } from './batch';
import type { CounterSlot, MinuteRow, TotalRow } from './rows';

export interface BatchWire extends Pick<
  Batch,
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
const TOTAL = 3;

const orNaN = (v: number | null | undefined): number => v ?? Number.NaN;
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * The rows whose objects live on after the batch (counter states and running totals, last-value
 * rows that later readings change in place), as they are now. A batch prepared in slices
 * (batch-preparation.ts) takes them when it is detached: packed later, they would carry readings
 * whose minute rows are in the next batch, and a crash between the two commits would leave the
 * totals on disk ahead of the minutes.
 */
export interface LastValues {
  counters: Float64Array<ArrayBuffer>;
  totalNodes: string[];
  totals: Float64Array<ArrayBuffer>;
}

export function packLastValues(batch: Batch): LastValues {
  const counters = new Float64Array(batch.counters.size * COUNTER);
  let i = 0;
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
  const totalNodes: string[] = [];
  const totals = new Float64Array(batch.totals.size * TOTAL);
  i = 0;
  for (const t of batch.totals) {
    totalNodes.push(t.node);
    totals[i++] = t.energyUnits;
    totals[i++] = t.returnedUnits;
    totals[i++] = t.sinceMs;
  }
  return { counters, totalNodes, totals };
}

/** Room for `rows` minute rows (packMinute fills it). */
export const minuteArray = (rows: number): Float64Array<ArrayBuffer> => new Float64Array(rows * MINUTE);

/** Minute row number `index` of `into`. */
export function packMinute(into: Float64Array, index: number, m: MinuteRow): void {
  let i = index * MINUTE;
  into[i++] = m.channelId;
  into[i++] = m.minute;
  into[i++] = m.energyUnits;
  into[i++] = m.returnedUnits;
  into[i++] = orNaN(m.gapFromS);
  into[i++] = orNaN(m.placeId);
  into[i] = orNaN(m.bookingId);
}

function packMinutes(batch: Batch): Float64Array<ArrayBuffer> {
  const minutes = minuteArray(batch.minutes.size);
  let index = 0;
  for (const m of batch.minutes.values()) packMinute(minutes, index++, m);
  return minutes;
}

/**
 * The batch packed, and the buffers to hand over with it (postMessage's transfer list). Packed at
 * once unless its minutes and last values were packed already (batch-preparation.ts).
 */
export function toWire(
  batch: Batch,
  minutes = packMinutes(batch),
  last = packLastValues(batch),
): { wire: BatchWire; transfer: ArrayBuffer[] } {
  // A copy crosses: the batch keeps its own until the commit is acknowledged (Store.noteCommitted).
  const rollups = batch.rollups.values.slice();
  const { counters, totalNodes, totals } = last;
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

/**
 * The rows again, for Store.commitRows (on the writer's thread), read straight out of the arrays:
 * one row object per kind, refilled for each row. Unpacking every row into an object of its own
 * made the writer's heap swing by 20 MB a batch at 10,000 channels (bench memory-peak).
 */
export function fromWire(wire: BatchWire): BatchRows {
  const { minutes, counters, rollups, totals, totalNodes } = wire;
  return {
    ...wire,
    minutes: { values: () => minuteRows(minutes) },
    counters: { values: () => counterSlots(counters) },
    rollups: new PackedRollups(rollups),
    totals: { [Symbol.iterator]: () => totalRows(totalNodes, totals) },
  };
}

/** The buffers of a wire batch: handed back once it is committed (the writer keeps nothing). */
export function wireBuffers(wire: BatchWire): ArrayBuffer[] {
  return [
    wire.minutes.buffer,
    wire.counters.buffer,
    wire.rollups.buffer,
    wire.totals.buffer,
  ] as ArrayBuffer[];
}

function* minuteRows(m: Float64Array): Generator<MinuteRow> {
  const row: MinuteRow = { channelId: 0, minute: 0, energyUnits: 0, returnedUnits: 0, gapFromS: null };
  for (let i = 0; i < m.length; i += MINUTE) {
    row.channelId = m[i]!;
    row.minute = m[i + 1]!;
    row.energyUnits = m[i + 2]!;
    row.returnedUnits = m[i + 3]!;
    row.gapFromS = orNull(m[i + 4]!);
    row.placeId = orNull(m[i + 5]!);
    row.bookingId = orNull(m[i + 6]!);
    yield row;
  }
}

function* counterSlots(c: Float64Array): Generator<CounterSlot> {
  const order = { primaryS: 0, secondaryS: 0 };
  const memory = { valueUnits: 0, order, arrivalS: 0, epoch: 0, offlineCount: 0 };
  const slot: CounterSlot = { channelId: 0, direction: 'import', memory };
  for (let i = 0; i < c.length; i += COUNTER) {
    slot.channelId = c[i]!;
    slot.direction = (c[i + 1] === 1 ? 'return' : 'import') satisfies Direction;
    memory.valueUnits = c[i + 2]!;
    order.primaryS = c[i + 3]!;
    order.secondaryS = c[i + 4]!;
    memory.arrivalS = c[i + 5]!;
    memory.epoch = c[i + 6]!;
    memory.offlineCount = c[i + 7]!;
    yield slot;
  }
}

function* totalRows(nodes: readonly string[], t: Float64Array): Generator<TotalRow> {
  const row: TotalRow = { node: '', energyUnits: 0, returnedUnits: 0, sinceMs: 0 };
  for (let k = 0; k < nodes.length; k++) {
    row.node = nodes[k]!;
    row.energyUnits = t[k * TOTAL]!;
    row.returnedUnits = t[k * TOTAL + 1]!;
    row.sinceMs = t[k * TOTAL + 2]!;
    yield row;
  }
}
