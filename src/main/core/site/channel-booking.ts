/**
 * Every node a channel's counted energy goes to, with the ids and running-total rows the hot path
 * adds to: the one rule live ingest (ingest.ts) and the demo's backfilled history
 * (demo/backfill.ts) both apply, so a month of demo history is attributed exactly as a live minute.
 */
import type { RunningTotals } from '../aggregate/running-totals';
import type { Batch } from '../store/batch';
import type { KeyIndex } from '../store/key-index';
import type { TotalRow } from '../store/rows';
import { isPlainBooking, Shape } from './booking-targets';
import type { EnergyRouting } from './energy-routing';
import { countedNodes, type Placement } from './placement';
import type { Channel } from './registry';

export interface BookingDeps {
  routing: EnergyRouting;
  nodeIds: KeyIndex;
  bookingIds: KeyIndex;
  totals: RunningTotals;
}

export interface ChannelBooking {
  /** Nodes that take the energy as counted. */
  nodes: string[];
  nodeIds: number[];
  totals: TotalRow[];
  /** Nodes that take a shaped share (a main meter's net, a solar meter's production). */
  shaped: Array<{ node: string; shape: Shape; total: TotalRow }>;
  /** nodeId × 4 + shape, for the rollups. */
  shapedIds: number[];
  /** Set when metering roles make this booking differ from a plain load's (stored with minutes). */
  bookingId: number | null;
}

/** New node ids and bookings go into `batch`, to be stored with the energy that needs them. */
export function bookChannel(
  deps: BookingDeps,
  batch: Batch,
  channel: Channel,
  placement: Placement,
  atMs: number,
): ChannelBooking {
  const plain = countedNodes(channel.device.row.key, channel.row.component, channel.row.isPhase, placement);
  const targets = deps.routing.targets(channel, placement);
  const idOf = (node: string): number => deps.nodeIds.id(node, (id) => batch.nodes.set(id, node));
  const counted = targets.filter((t) => t.shape === Shape.Counted).map((t) => t.node);
  const others = targets.filter((t) => t.shape !== Shape.Counted);
  let bookingId: number | null = null;
  if (!isPlainBooking(targets, plain)) {
    const json = JSON.stringify(targets.map((t) => [idOf(t.node), t.shape]));
    bookingId = deps.bookingIds.id(json, (id) => batch.bookings.set(id, json));
  }
  return {
    nodes: counted,
    nodeIds: counted.map(idOf),
    totals: counted.map((node) => deps.totals.row(node, atMs)),
    shaped: others.map((t) => ({ node: t.node, shape: t.shape, total: deps.totals.row(t.node, atMs) })),
    shapedIds: others.map((t) => idOf(t.node) * 4 + t.shape),
    bookingId,
  };
}
