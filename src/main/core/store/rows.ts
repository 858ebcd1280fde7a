/**
 * The rows the store reads and writes, as plain types: batch.ts, store.ts, rollup-journal.ts and
 * the registry share them without importing one another.
 */
import type { CounterMemory } from '../energy/counter-rules';
import type { Direction } from '../shelly/types';
import type { Rollup } from './calendar';

export interface DeviceRow {
  key: string;
  shellyId: string | null;
  generation: 1 | 2;
  model: string | null;
  name: string | null;
  firmware: string | null;
  epoch: number;
  offlineCount: number;
  isOnline: boolean | null;
  uptimeS: number | null;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface ChannelRow {
  id: number;
  deviceKey: string;
  component: string;
  isGross: boolean;
  isPhase: boolean;
}

export interface CounterRow extends CounterMemory {
  channelId: number;
  direction: Direction;
}

export interface TotalRow {
  node: string;
  energyUnits: number;
  returnedUnits: number;
  sinceMs: number;
}

export interface LedgerRow {
  atMs: number;
  channelId: number;
  direction: Direction;
  kind: string;
  reason: string | null;
  previousUnits: number | null;
  valueUnits: number | null;
  countedUnits: number;
}

export interface MinuteRow {
  channelId: number;
  minute: number;
  energyUnits: number;
  returnedUnits: number;
  gapFromS: number | null;
  placeId?: number | null;
  /** The rollup nodes this minute's energy belongs to (in memory only, for planRollups). */
  nodeIds?: readonly number[];
  /** Metering roles in play: the booking this minute was counted under (0004_meter_roles.sql). */
  bookingId?: number | null;
  /** Targets that receive a shaped share (booking-targets.ts), as nodeId × 4 + shape; in memory only. */
  shaped?: readonly number[];
}

export interface RollupRow {
  rollup: Rollup;
  nodeId: number;
  startMin: number;
  energyUnits: number;
  returnedUnits: number;
}

/** Rollup increments as a commit reads them: counted, then walked once. */
export interface RollupRows extends Iterable<RollupRow> {
  readonly length: number;
}

export interface GapRow {
  channelId: number;
  placeId: number | null;
  fromS: number;
  toS: number;
}

export interface PlaceRow {
  id: number;
  company: string;
  office: string;
  room: string;
}

/** The latest state of one counter in a batch: replaced in place by every reading. */
export interface CounterSlot {
  channelId: number;
  direction: Direction;
  memory: CounterMemory;
}
