/**
 * Everything one ingest transaction writes. A batch is only cleared after its commit succeeded;
 * while the disk is full it keeps accumulating, so a retry writes everything once (minute energy
 * is additive and merged here, counters and totals are last-value).
 */
import type { Direction } from '../shelly/types';
import type {
  ChannelRow,
  CounterSlot,
  DeviceRow,
  GapRow,
  LedgerRow,
  MinuteRow,
  PlaceRow,
  RollupRow,
  TotalRow,
} from './rows';

/** A number, not a string: the key is computed for every counter of every message. */
export const counterKey = (channelId: number, direction: Direction): number =>
  channelId * 2 + (direction === 'return' ? 1 : 0);

const NO_NODES: readonly number[] = [];

/** A minute row's key in a batch: channel id × 2^26 + minute. */
export const minuteKey = (channelId: number, minute: number): number => channelId * 2 ** 26 + minute;

/** A ledger that cannot be written for a long time must not eat the memory. */
const MAX_PENDING_LEDGER = 100_000;

export class Batch {
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
  rollups: RollupRow[] = [];
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
    this.devices.clear();
    this.channels.clear();
    this.counters.clear();
    this.forgottenCounters.clear();
    this.minutes.clear();
    this.totals.clear();
    this.places.clear();
    this.nodes.clear();
    this.bookings.clear();
    this.rollups = [];
    this.gaps = [];
    this.ledger = [];
    this.readings = 0;
    this.messages = 0;
  }
}
