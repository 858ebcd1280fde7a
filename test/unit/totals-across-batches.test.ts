/**
 * The running totals reach the file with every batch, not only the first one a channel's energy
 * went into: ingest puts a channel's total rows into a batch once (Batch.generation), and a batch
 * committed and cleared starts a new generation. A restart reads the totals back from the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Site/Office/Room1/Dev1';
const SRC = 'shellyplus1pm-a8032ab1c2d3';
const T0 = Date.parse('2025-03-10T08:00:00Z') / 1000;
const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('running totals across batches', () => {
  it('every batch saves the totals as they are then, so a restart finds all the energy', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = `${dir.path}/kw.db`;
    const t = testCore(db);
    const totals = [1000, 1010, 1025, 1060];
    totals.forEach((wh, minute) => {
      t.setTime((T0 + minute * 60 + 1) * 1000);
      t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, wh, T0 + minute * 60));
      // One batch per reading, each committed before the next reading arrives.
      expect(t.core.writer.flush()).toBe(true);
    });
    const saved = new Map(t.store.loadTotals().map((row) => [row.node, row.energyUnits / 60_000]));
    expect(saved.get(`device:${PREFIX}`)).toBe(60);
    expect(saved.get('company:Site')).toBe(60);
    await t.close();
    const again = testCore(db);
    expect(await again.totalWh(`device:${PREFIX}`)).toBe(60);
    expect(await again.totalWh('room:Site/Office/Room1')).toBe(60);
    await again.close();
  });
});
