/** A batch packed for the batch writer's thread (store/batch-wire.ts) unpacks to the same rows. */
import { describe, expect, it } from 'vitest';
import { Batch, counterKey } from '../../src/main/core/store/batch';
import { fromWire, toWire, wireBuffers } from '../../src/main/core/store/batch-wire';
import { PackedRollups } from '../../src/main/core/store/packed-rollups';
import type { RollupRow } from '../../src/main/core/store/rows';

/** The rows as read one after another: the unpacked rows are one object refilled, so copy each. */
const copies = <T extends object>(rows: Iterable<T>): T[] => Array.from(rows, (r) => structuredClone(r));

describe('a batch on its way to the batch writer', () => {
  it('unpacks to every row it held, nulls and returned energy included, from buffers handed over', () => {
    const batch = new Batch();
    batch.addMinute(7, 29_000_001, 1200.5, 0, null, 3, [1, 2, 3], null);
    batch.addMinute(8, 29_000_001, 0, 60_000, 1_740_000_000, null, [4], 12);
    batch.counters.set(counterKey(7, 'import'), {
      channelId: 7,
      direction: 'import',
      memory: {
        valueUnits: 48_072_000,
        order: { primaryS: 1_741_593_720, secondaryS: 3 },
        arrivalS: 1_741_593_720.2,
        epoch: 2,
        offlineCount: 1,
      },
    });
    batch.counters.set(counterKey(8, 'return'), {
      channelId: 8,
      direction: 'return',
      memory: {
        valueUnits: 5,
        order: { primaryS: 10, secondaryS: 0 },
        arrivalS: 11,
        epoch: 0,
        offlineCount: 0,
      },
    });
    batch.totals.add({
      node: 'company:Aurora',
      energyUnits: 99,
      returnedUnits: 1,
      sinceMs: 1_700_000_000_000,
    });
    const rollupRows: RollupRow[] = [
      { rollup: 'hour', nodeId: 4, startMin: 29_000_000 - 40, energyUnits: 1200.5, returnedUnits: 0 },
      { rollup: 'month', nodeId: 1, startMin: 28_990_000, energyUnits: 0, returnedUnits: 60_000 },
    ];
    batch.rollups = PackedRollups.of(rollupRows);
    batch.places.set(3, { id: 3, company: 'Aurora', office: 'Lisbon', room: 'Room101' });
    const { wire, transfer } = toWire(batch);
    expect(transfer.map((b) => b.byteLength)).toEqual([2 * 7 * 8, 2 * 8 * 8, 2 * 5 * 8, 3 * 8]);
    // As postMessage delivers it: a structured clone, the buffers moved.
    const arrived = structuredClone(wire, { transfer });
    const rows = fromWire(arrived);
    expect(copies(rows.minutes.values())).toEqual([
      {
        channelId: 7,
        minute: 29_000_001,
        energyUnits: 1200.5,
        returnedUnits: 0,
        gapFromS: null,
        placeId: 3,
        bookingId: null,
      },
      {
        channelId: 8,
        minute: 29_000_001,
        energyUnits: 0,
        returnedUnits: 60_000,
        gapFromS: 1_740_000_000,
        placeId: null,
        bookingId: 12,
      },
    ]);
    expect(copies(rows.counters.values())).toEqual([...batch.counters.values()]);
    expect(copies(rows.totals)).toEqual([...batch.totals]);
    expect(rows.rollups.length).toBe(2);
    expect(copies(rows.rollups)).toEqual(rollupRows);
    // The batch keeps its own rows until the commit is acknowledged (Store.noteCommitted).
    expect(copies(batch.rollups)).toEqual(rollupRows);
    expect([...rows.places.values()]).toEqual([...batch.places.values()]);
    // Handed over, not copied: the sender's buffers are gone.
    expect(transfer.every((b) => b.byteLength === 0)).toBe(true);
    // And handed back after the commit: the writer keeps none of them.
    const back = wireBuffers(arrived);
    structuredClone(back, { transfer: back });
    expect(back.every((b) => b.byteLength === 0)).toBe(true);
  });
});
