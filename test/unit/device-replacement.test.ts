/**
 * PROTOCOL.md §6 rule 15: a new `src` on a known prefix is a different device. Its counter starts
 * from a new baseline, never a delta (or a "reset") across two devices, and that survives a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Coreflux/Porto/Reception/Lamp';
const OLD = 'shellyplus1pm-a8032ab1c2d3';
const NEW = 'shellyplus1pm-a8032ab1ffff';
const T0 = Date.parse('2025-03-10T08:00:00Z') / 1000;
const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('a device replaced under the same prefix', () => {
  it('starts counting the new device from its first reading', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = `${dir.path}/kw.db`;
    const t = testCore(db);
    const at = (minute: number) => t.setTime((T0 + minute * 60 + 1) * 1000);
    at(0);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(OLD, PREFIX, 1000, T0));
    at(1);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(OLD, PREFIX, 1010, T0 + 60));
    at(2);
    // The replacement's counter is far lower, with a trusted clock: without rule 15 this would be a "reset" counting 5 Wh.
    t.feed(`${PREFIX}/events/rpc`, switchNotify(NEW, PREFIX, 5, T0 + 120));
    at(3);
    t.feed(`${PREFIX}/events/rpc`, switchNotify(NEW, PREFIX, 7, T0 + 180));
    expect(await t.totalWh('room:Coreflux/Porto/Reception')).toBe(12);
    await t.close();

    // After a restart the old device's counter is not remembered either.
    const again = testCore(db);
    again.setTime((T0 + 4 * 60 + 1) * 1000);
    again.feed(`${PREFIX}/events/rpc`, switchNotify(NEW, PREFIX, 9.5, T0 + 240));
    expect(await again.totalWh('room:Coreflux/Porto/Reception')).toBe(14.5);
    await again.close();
  });
});
