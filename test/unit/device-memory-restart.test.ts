/**
 * What the engine remembers about a device (reboots seen, outages) survives a restart of the
 * console, so a drop after a restart is judged exactly as it would have been without one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Site/Office/Room1/Dev1';
const SRC = 'shellyplus1pm-a8032ab1c2d3';
const T0 = Date.parse('2025-03-10T08:00:00Z') / 1000;
const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function at(t: ReturnType<typeof testCore>, minute: number) {
  t.setTime((T0 + minute * 60 + 1) * 1000);
}

describe('device memory across a console restart', () => {
  it('an outage already balanced by a reading is not mistaken for a reboot after a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = `${dir.path}/kw.db`;
    const t = testCore(db);
    at(t, 0);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1000, T0));
    t.feed(`${PREFIX}/online`, 'false');
    t.feed(`${PREFIX}/online`, 'true');
    at(t, 1);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1010, T0 + 60));
    await t.close();
    const again = testCore(db);
    at(again, 2);
    // A small dip without a reboot since the last reading: ignored, not a reset counting 1009 Wh.
    again.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1009, T0 + 120));
    expect(await again.totalWh(`device:${PREFIX}`)).toBe(10);
    await again.close();
  });

  it('a reboot announced before the restart still makes the next drop a reset after it', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = `${dir.path}/kw.db`;
    const t = testCore(db);
    at(t, 0);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1000, T0));
    at(t, 1);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1010, T0 + 60));
    t.feed(
      `${PREFIX}/events/rpc`,
      JSON.stringify({
        src: SRC,
        dst: `${PREFIX}/events`,
        method: 'NotifyEvent',
        params: {
          ts: T0 + 61,
          events: [{ component: 'sys', event: 'scheduled_restart', time_ms: 1000, ts: T0 + 61 }],
        },
      }),
    );
    t.feed(`${PREFIX}/online`, 'false');
    t.feed(`${PREFIX}/online`, 'true');
    await t.close();
    const again = testCore(db);
    at(again, 3);
    // The arrival-timed status topic alone could never start a reset; the remembered reboot does.
    again.feed(
      `${PREFIX}/status/switch:0`,
      JSON.stringify({
        id: 0,
        output: true,
        aenergy: { total: 950, by_minute: [0, 0, 0], minute_ts: T0 + 180 },
      }),
    );
    expect(await again.totalWh(`device:${PREFIX}`)).toBe(960);
    await again.close();
  });
});
