/**
 * What counts as evidence about a counter, through the console (PROTOCOL.md §6):
 * - rule 7's note: a meter swapped under the same Gen1 id reads two million Wh from then on. The
 *   first rejections keep the old baseline; the third consistent one re-baselines without counting
 *   the jump, says so in an alert and in the ledger, and the new counter's rises count from there;
 * - rule 3: a retained message is no evidence of a reboot, so it cannot turn a dip into a reset;
 * - rule 9: a copy without a timestamp cannot start a reset, and must not hide the trusted reading
 *   that does; a ResetCounters command seen on the device's rpc topic is evidence of a reset.
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

/** A Pro 3EM on a unified-namespace prefix, clocked from T0 (epoch seconds). */
function pro3em() {
  const dir = tempDir();
  dirs.push(dir);
  const T0 = Date.parse('2025-03-10T08:00:00Z') / 1000;
  const t = testCore(`${dir.path}/kw.db`, new Date(T0 * 1000).toISOString());
  const P = 'Coreflux/Porto/Plant/Meter';
  return {
    t,
    P,
    T0,
    /** Sets the console's clock to T0 + `s` seconds. */
    at: (s: number) => t.setTime((T0 + s) * 1000),
    notify: (ts: number, wh: number, method = 'NotifyStatus', extra: object = {}) =>
      JSON.stringify({
        src: 'shellypro3em-ec626089a1b2',
        dst: `${P}/events`,
        method,
        params: { ts, 'emdata:0': { id: 0, total_act: wh }, ...extra },
      }),
    /** status/emdata:0: the same counter without a timestamp. */
    status: (wh: number) => JSON.stringify({ id: 0, total_act: wh, total_act_ret: 0 }),
  };
}

describe('a retained status/sys replayed on reconnect', () => {
  it('is no sign of a reboot: a later small dip stays a dip, not a reset counting everything', async () => {
    const { t, P, T0, at, notify, status } = pro3em();
    at(0.2);
    t.feed(`${P}/events/rpc`, notify(T0 + 0.1, 5000, 'NotifyFullStatus', { sys: { uptime: 5000 } }));
    at(60.2);
    t.feed(`${P}/events/rpc`, notify(T0 + 60.1, 5010));
    // The broker replays an old retained status/sys, then a copy without a timestamp comes in 0.01 Wh low.
    at(90);
    t.feed(`${P}/status/sys`, JSON.stringify({ uptime: 4000, unixtime: T0 - 1000 }), true);
    at(95);
    t.feed(`${P}/status/emdata:0`, status(5009.99));
    expect(await t.totalWh(`device:${P}`)).toBe(10);
    await t.close();
  });
});

describe('a counter reset seen through both status/<component> and NotifyStatus', () => {
  it('is recognised from the trusted notification even when the copy without a timestamp comes first', async () => {
    const { t, P, T0, at, notify, status } = pro3em();
    at(0.2);
    t.feed(`${P}/events/rpc`, notify(T0 + 0.1, 5000));
    at(60.2);
    t.feed(`${P}/status/emdata:0`, status(5010));
    at(60.3);
    t.feed(`${P}/events/rpc`, notify(T0 + 60.1, 5010));
    // EMData.ResetCounters; each minute the status copy arrives just before the notification.
    for (let m = 2; m <= 5; m++) {
      at(60 * m + 0.2);
      t.feed(`${P}/status/emdata:0`, status(m - 1));
      at(60 * m + 0.3);
      t.feed(`${P}/events/rpc`, notify(T0 + 60 * m + 0.1, m - 1));
    }
    // 10 Wh before the reset, then 1 Wh counted from zero and 3 more.
    expect(await t.totalWh(`device:${P}`)).toBe(14);
    await t.close();
  });
});

describe("a ResetCounters command seen on the device's rpc topic", () => {
  it('lets the next drop count from zero, even from a copy without a timestamp', async () => {
    const { t, P, T0, at, notify, status } = pro3em();
    at(0.2);
    t.feed(`${P}/events/rpc`, notify(T0 + 0.1, 5000));
    at(60.2);
    t.feed(`${P}/events/rpc`, notify(T0 + 60.1, 5010));
    at(90);
    t.feed(
      `${P}/rpc`,
      JSON.stringify({ id: 7, src: 'facility-app', method: 'EMData.ResetCounters', params: { id: 0 } }),
    );
    // Only status copies from here on (notifications off): no device clock to prove the drop.
    at(95);
    t.feed(`${P}/status/emdata:0`, status(2));
    at(155);
    t.feed(`${P}/status/emdata:0`, status(3));
    expect(await t.totalWh(`device:${P}`)).toBe(13);
    await t.close();
  });
});
