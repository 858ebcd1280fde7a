/**
 * PROTOCOL.md §6 rule 7's note, through the console: a meter swapped under the same Gen1 id reads
 * two million Wh from then on. The first rejections keep the old baseline; the third consistent
 * one re-baselines without counting the jump, says so in an alert and in the ledger, and the new
 * counter's rises count from there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, LedgerEntry } from '../../src/shared/contract';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('a swapped counter', () => {
  it('is re-baselined after three consistent jumps, and only the new rises count', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`, '2025-03-10T08:00:00Z');
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    const topic = 'shellies/office-meter/emeter/0/total';
    const start = Date.parse('2025-03-10T08:00:00Z');
    for (const [i, value] of [
      '10000.0',
      '10000.5',
      '2000000.0',
      '2000000.0',
      '2000000.0',
      '2000001.0',
    ].entries()) {
      t.setTime(start + i * 30_000);
      t.feed(topic, value);
    }
    expect(await t.totalWh('device:shellies/office-meter')).toBe(1.5);
    const alerts = events.filter(
      (e) => e.event === 'alert' && (e.payload as { kind: string }).kind === 'implausible-jump',
    );
    expect(alerts).toHaveLength(1);
    expect((alerts[0]?.payload as { message: string }).message).toMatch(/three times in a row/);
    const ledger = await t.core.handlers['ledger.query']({ node: 'device:shellies/office-meter', limit: 50 });
    if (!ledger.ok) throw new Error(ledger.error.message);
    const kinds = ledger.value.entries.map((e: LedgerEntry) => e.kind);
    expect(kinds).toEqual(['rebased', 'rejected', 'rejected', 'baseline']);
    expect(ledger.value.entries[0]).toMatchObject({ previousWh: 10000.5, valueWh: 2000000, countedWh: 0 });
    await t.close();
  });
});
