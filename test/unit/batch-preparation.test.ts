/**
 * A batch made ready for the batch writer a slice at a time (store/batch-preparation.ts) crosses
 * as the same rows and rollups as one packed at once, and carries the counter states and running
 * totals of the moment it was detached, not of the moment it was sent.
 */
import { describe, expect, it } from 'vitest';
import { Batch, counterKey } from '../../src/main/core/store/batch';
import { BatchPreparation } from '../../src/main/core/store/batch-preparation';
import { fromWire, toWire } from '../../src/main/core/store/batch-wire';
import { Calendar } from '../../src/main/core/store/calendar';
import { planRollups } from '../../src/main/core/store/rollup-plan';
import type { CounterMemory } from '../../src/main/core/energy/counter-rules';
import type { TotalRow } from '../../src/main/core/store/rows';

const copies = <T extends object>(rows: Iterable<T>): T[] => Array.from(rows, (r) => structuredClone(r));
const calendar = new Calendar('Europe/Lisbon');
/** 2025-03-30 00:00 UTC in epoch minutes: the night Lisbon's clocks go forward, across two days. */
const START_MIN = Date.parse('2025-03-30T00:00:00Z') / 60_000;

/** 3,000 minute rows of 50 channels, under their device, room and company nodes. */
function bigBatch(): { batch: Batch; memory: CounterMemory; total: TotalRow } {
  const batch = new Batch();
  for (let i = 0; i < 3_000; i++) {
    const channel = i % 50;
    batch.addMinute(channel, START_MIN + Math.floor(i / 50) * 3, 60_000 + i, i % 7, null, 1, [
      100 + channel,
      200 + (channel % 10),
      300,
    ]);
  }
  const memory: CounterMemory = {
    valueUnits: 5_000,
    order: { primaryS: 100, secondaryS: 0 },
    arrivalS: 100.5,
    epoch: 1,
    offlineCount: 0,
  };
  batch.counters.set(counterKey(3, 'import'), { channelId: 3, direction: 'import', memory });
  const total: TotalRow = { node: 'company:Aurora', energyUnits: 9_000, returnedUnits: 0, sinceMs: 1 };
  batch.totals.add(total);
  return { batch, memory, total };
}

describe('a batch made ready in slices', () => {
  it('crosses as the same minute rows and rollups as a batch packed at once, over several slices', () => {
    const { batch: sliced } = bigBatch();
    const { batch: whole } = bigBatch();
    whole.rollups = planRollups(whole.minutes.values(), calendar);
    const atOnce = fromWire(structuredClone(toWire(whole).wire));

    const preparation = new BatchPreparation(sliced, calendar);
    let slices = 1;
    // A budget of nothing: each slice does one run of rows, then hands the turn back.
    while (!preparation.advance(0)) slices++;
    expect(slices).toBeGreaterThan(5);
    const arrived = fromWire(structuredClone(preparation.wire().wire));

    expect(copies(arrived.minutes.values())).toEqual(copies(atOnce.minutes.values()));
    expect(arrived.rollups.length).toBeGreaterThan(0);
    expect(copies(arrived.rollups)).toEqual(copies(atOnce.rollups));
    expect(copies(sliced.rollups)).toEqual(copies(whole.rollups));
  });

  it('carries the counters and totals of the moment it was detached', () => {
    const { batch, memory, total } = bigBatch();
    const preparation = new BatchPreparation(batch, calendar);
    // Readings counted into the next batch change these very objects in place.
    memory.valueUnits = 7_000;
    memory.order.primaryS = 160;
    total.energyUnits = 11_000;
    while (!preparation.advance(0));
    const arrived = fromWire(structuredClone(preparation.wire().wire));
    expect(copies(arrived.counters.values())).toMatchObject([
      { channelId: 3, memory: { valueUnits: 5_000, order: { primaryS: 100 } } },
    ]);
    expect(copies(arrived.totals)).toEqual([{ ...total, energyUnits: 9_000 }]);
  });

  it('is not sent before it is ready', () => {
    const preparation = new BatchPreparation(bigBatch().batch, calendar);
    expect(preparation.advance(0)).toBe(false);
    expect(() => preparation.wire()).toThrow(/before it was prepared/);
  });
});
