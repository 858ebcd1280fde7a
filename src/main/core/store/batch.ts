/**
 * Everything one ingest transaction writes. A batch is only cleared after its commit succeeded;
 * while the disk is full it keeps accumulating, so a retry writes everything once (minute energy
 * is additive and merged here, counters and totals are last-value).
 */
import type { Direction } from '../shelly/types';
import { PackedRollups } from './packed-rollups';
import type {
  ChannelRow,
  CounterSlot,
  DeviceRow,
  GapRow,
  LedgerRow,
  MinuteRow,
  PlaceRow,
  RollupRows,
  TotalRow,
} from './rows';

/** A number, not a string: the key is computed for every counter of every message. */
export const counterKey = (channelId: number, direction: Direction): number =>
  channelId * 2 + (direction === 'return' ? 1 : 0);

const NO_NODES: readonly number[] = [];

/** A minute row's key in a batch: channel id × 2^26 + minute. */
export const minuteKey = (channelId: number, minute: number): number => channelId * 2 ** 26 + minute;

/** Batch generations: each new or cleared batch gets the next. */
let generations = 0;

/** A ledger that cannot be written for a long time must not eat the memory. */
const MAX_PENDING_LEDGER = 100_000;

/**
 * What a commit reads of a batch: each kind of row once, in order. A Batch is one; so is a batch
 * unpacked on the batch writer's thread (batch-wire.ts), whose bulk rows are read straight out of
 * the arrays that crossed, one row object refilled for each: commitRows reads a row before it asks
 * for the next.
 */
export interface BatchRows {
  readonly devices: ReadonlyMap<string, DeviceRow>;
  readonly channels: ReadonlyMap<number, ChannelRow>;
  readonly counters: { values(): Iterable<CounterSlot> };
  readonly forgottenCounters: ReadonlyMap<number, { channelId: number; direction: Direction }>;
  readonly minutes: { values(): Iterable<MinuteRow> };
  readonly totals: Iterable<TotalRow>;
  readonly places: ReadonlyMap<number, PlaceRow>;
  readonly nodes: ReadonlyMap<number, string>;
  readonly bookings: ReadonlyMap<number, string>;
  readonly rollups: RollupRows;
  readonly gaps: readonly GapRow[];
  readonly ledger: readonly LedgerRow[];
}

export class Batch {
  /**
   * Changes whenever the batch starts empty (made or cleared): a caller that put a row in its sets
   * under this generation knows the row is still there (ingest adds a channel's totals once).
   */
  generation = ++generations;
  readonly devices = new Map<string, DeviceRow>();
  readonly channels = new Map<number, ChannelRow>();
  /** By counterKey. */
  readonly counters = new Map<number, CounterSlot>();
  /** Counter states to delete (a replaced device starts from new baselines), by counterKey. */
  readonly forgottenCounters = new Map<number, { channelId: number; direction: Direction }>();
  /** Keyed by channel id × 2^26 + minute. */
  readonly minutes = new Map<number, MinuteRow>();
  /** The running-total rows changed since the last commit (the live objects themselves). */
  readonly totals = new Set<TotalRow>();
  readonly places = new Map<number, PlaceRow>();
  readonly nodes = new Map<number, string>();
  /** New bookings (metering roles): id → targets JSON. */
  readonly bookings = new Map<number, string>();
  /** Derived from the minutes just before a commit (planRollups). */
  rollups: PackedRollups = PackedRollups.EMPTY;
  gaps: GapRow[] = [];
  ledger: LedgerRow[] = [];
  droppedLedger = 0;
  /** Counter readings judged (ARCHITECTURE.md's Reading: one channel's value; a Plus 2PM message carries two). */
  readings = 0;
  /** Device messages applied. */
  messages = 0;

  addMinute(
    channelId: number,
    minute: number,
    energyUnits: number,
    returnedUnits: number,
    gapFromS: number | null,
    placeId: number | null = null,
    nodeIds?: readonly number[],
    bookingId: number | null = null,
    shaped: readonly number[] = NO_NODES,
  ): void {
    const key = minuteKey(channelId, minute);
    const row = this.minutes.get(key);
    if (row) {
      row.energyUnits += energyUnits;
      row.returnedUnits += returnedUnits;
      if (gapFromS !== null)
        row.gapFromS = row.gapFromS === null ? gapFromS : Math.min(row.gapFromS, gapFromS);
    } else {
      this.minutes.set(key, {
        channelId,
        minute,
        energyUnits,
        returnedUnits,
        gapFromS,
        placeId,
        nodeIds: nodeIds ?? NO_NODES,
        bookingId,
        shaped,
      });
    }
  }

  addLedger(row: LedgerRow): void {
    if (this.ledger.length >= MAX_PENDING_LEDGER) this.droppedLedger++;
    else this.ledger.push(row);
  }

  /**
   * Takes back an earlier batch whose commit failed (on the batch writer's thread) under this one,
   * as if both had been gathered here: minute energy adds up, ledger and gaps keep their order,
   * and for last-value rows (devices, channels, counters, totals) the later value here wins.
   */
  absorbEarlier(earlier: Batch): void {
    for (const [key, d] of earlier.devices) if (!this.devices.has(key)) this.devices.set(key, d);
    for (const [id, c] of earlier.channels) if (!this.channels.has(id)) this.channels.set(id, c);
    // A counter forgotten here after the earlier batch saved it must stay forgotten.
    for (const [key, slot] of earlier.counters)
      if (!this.counters.has(key) && !this.forgottenCounters.has(key)) this.counters.set(key, slot);
    for (const [key, f] of earlier.forgottenCounters)
      if (!this.forgottenCounters.has(key)) this.forgottenCounters.set(key, f);
    for (const m of earlier.minutes.values())
      this.addMinute(
        m.channelId,
        m.minute,
        m.energyUnits,
        m.returnedUnits,
        m.gapFromS,
        m.placeId ?? null,
        m.nodeIds,
        m.bookingId ?? null,
        m.shaped,
      );
    for (const t of earlier.totals) this.totals.add(t);
    for (const [id, p] of earlier.places) if (!this.places.has(id)) this.places.set(id, p);
    for (const [id, n] of earlier.nodes) if (!this.nodes.has(id)) this.nodes.set(id, n);
    for (const [id, b] of earlier.bookings) if (!this.bookings.has(id)) this.bookings.set(id, b);
    this.gaps = [...earlier.gaps, ...this.gaps];
    const ledger = [...earlier.ledger, ...this.ledger];
    this.ledger = ledger.slice(0, MAX_PENDING_LEDGER);
    this.droppedLedger += earlier.droppedLedger + (ledger.length - this.ledger.length);
    this.readings += earlier.readings;
    this.messages += earlier.messages;
  }

  get isEmpty(): boolean {
    return (
      this.devices.size + this.channels.size + this.counters.size + this.minutes.size + this.totals.size ===
        0 &&
      this.forgottenCounters.size === 0 &&
      this.places.size + this.nodes.size + this.bookings.size + this.gaps.length === 0 &&
      this.ledger.length === 0
    );
  }

  clear(): void {
    this.generation = ++generations;
    this.devices.clear();
    this.channels.clear();
    this.counters.clear();
    this.forgottenCounters.clear();
    this.minutes.clear();
    this.totals.clear();
    this.places.clear();
    this.nodes.clear();
    this.bookings.clear();
    this.rollups = PackedRollups.EMPTY;
    this.gaps = [];
    this.ledger = [];
    this.readings = 0;
    this.messages = 0;
  }
}
