/**
 * Single hostile messages that once threw out of the message handler or poisoned the site tree:
 * an RPC error whose code is an object with its own toString, sensor timestamps no Date can hold,
 * and power values beyond any meter. Each is refused or ignored with the console still counting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const PREFIX = 'Coreflux/Porto/Reception/Light1';
const SRC = 'shellyplus1pm-a8032abc0d1e';

function core(): TestCore {
  const dir = tempDir();
  dirs.push(dir);
  return testCore(`${dir.path}/kw.db`);
}

const rejected = async (t: TestCore): Promise<Record<string, number>> => {
  const stats = await t.core.handlers['stats.get']({});
  if (!stats.ok) throw new Error(stats.error.message);
  return stats.value.rejected;
};

describe('hostile values', () => {
  it('an RPC error with an object for its code or message is read without throwing', async () => {
    const t = core();
    for (const error of [
      { code: { toString: 1 }, message: 'x' },
      { code: -103, message: { toString: 1 } },
    ])
      expect(() => t.feed(`${PREFIX}/rpc`, JSON.stringify({ id: 1, src: SRC, error }))).not.toThrow();
    await t.close();
  });

  it('a sensor timestamp no date can hold leaves the last good one', async () => {
    const t = core();
    const blu = (ts: number, pid: number) =>
      JSON.stringify({
        src: SRC,
        method: 'NotifyEvent',
        params: {
          ts: 1741593701.07,
          events: [
            {
              component: 'script:1',
              id: 1,
              event: 'shelly-blu',
              data: { address: '7c:c6:b6:61:e5:81', pid, temperature: 21.2 },
              ts,
            },
          ],
        },
      });
    t.feed(`${PREFIX}/events/rpc`, blu(1741593700, 58));
    expect(() => t.feed(`${PREFIX}/events/rpc`, blu(1e13, 59))).not.toThrow();
    const tree = await t.core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    expect(JSON.stringify(tree.value)).toContain('2025-03-10T08:01:40.000Z');
    await t.close();
  });

  it('power beyond any meter is rejected, and the site tree stays valid for the renderer', async () => {
    const t = core();
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 1000, 1741593600));
    const notify = (apower: number) =>
      JSON.stringify({
        src: SRC,
        dst: `${PREFIX}/events`,
        method: 'NotifyStatus',
        params: { ts: 1741593601, 'switch:0': { id: 0, apower } },
      });
    t.feed(`${PREFIX}/events/rpc`, notify(1e308));
    t.feed('shellies/evil/relay/0/power', `1${'0'.repeat(400)}`);
    t.feed('shellies/evil/relay/0/power', '2000000');
    expect((await rejected(t))['implausible-power']).toBe(3);
    t.feed(`${PREFIX}/events/rpc`, notify(812.4));
    const tree = await t.core.handlers['site.tree']({});
    expect(commands['site.tree'].value.safeParse(tree.ok ? tree.value : null).success).toBe(true);
    expect(JSON.stringify(tree)).toContain('812.4');
    await t.close();
  });
});
