/**
 * Issue #13, the gaps left in "real sites, real devices", through the console on a real SQLite file:
 * - site.assign sends a device back to Unassigned (`path: 'unassigned'`); energy counted in its room
 *   stays with the room, in the live totals and in history, and what it counts next is Unassigned's;
 * - a room whose devices all left is still in site.tree, empty and marked former, with its total;
 * - site.rename names channels that meter nothing (a relay without metering, a cover).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import { commands, type SiteNode, type SiteTree } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const T0 = Date.parse('2025-03-10T08:00:00Z') / 1000;
const SRC = 'shellyplus1pm-a8032ab1c2d3';
/** Not a unified-namespace path: the device waits under Unassigned until staff place it. */
const PREFIX = 'plug-by-the-door';
const DEVICE = `device:${PREFIX}`;
const LAB = 'room:Acme/HQ/Lab';

function core(): TestCore {
  const dir = tempDir();
  dirs.push(dir);
  return testCore(`${dir.path}/kw.db`, new Date(T0 * 1000).toISOString());
}

async function tree(t: TestCore): Promise<SiteNode[]> {
  const reply = await t.core.handlers['site.tree']({});
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value.nodes;
}

function find(nodes: SiteNode[], id: string): SiteNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const below = find(n.children, id);
    if (below) return below;
  }
  return undefined;
}

/** The device's aenergy total at minute `m` after T0 (one reading a minute). */
function reading(t: TestCore, m: number, totalWh: number): void {
  t.setTime((T0 + m * 60 + 1) * 1000);
  t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, totalWh, T0 + m * 60));
}

async function historyWh(t: TestCore, node: string, resolution: 'minute' | 'hour'): Promise<number> {
  const reply = await t.core.handlers['history.query']({
    node,
    from: new Date(T0 * 1000).toISOString(),
    to: new Date((T0 + 3600) * 1000).toISOString(),
    resolution,
  });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value.total.energyWh;
}

describe('site.assign back to Unassigned', () => {
  it('moves the device out of its room; the room keeps what was counted there', async () => {
    const t = core();
    reading(t, 0, 100);
    const placed = await t.core.handlers['site.assign']({ device: SRC, path: ['Acme', 'HQ', 'Lab'] });
    expect(placed.ok).toBe(true);
    reading(t, 1, 102);
    reading(t, 2, 105); // 5 Wh counted in the Lab

    const back = await t.core.handlers['site.assign']({ device: SRC, path: 'unassigned' });
    expect(back).toEqual({ ok: true, value: { device: DEVICE, path: [] } });
    reading(t, 3, 106);
    reading(t, 4, 108); // 3 Wh counted as Unassigned

    const nodes = await tree(t);
    expect(find(nodes, 'unassigned')?.children.map((c) => c.id)).toEqual([DEVICE]);
    expect(find(nodes, DEVICE)?.path).toEqual([SRC]);
    // The Lab has no device now, but it counted energy: still there, empty and marked.
    expect(find(nodes, LAB)).toMatchObject({ kind: 'room', former: true, children: [] });
    expect(await t.totalWh(LAB)).toBe(5);
    expect(await t.totalWh('unassigned')).toBe(3);
    expect(await t.totalWh(DEVICE)).toBe(8);
    // History tells the same story at every resolution.
    expect(await historyWh(t, LAB, 'minute')).toBe(5);
    expect(await historyWh(t, LAB, 'hour')).toBe(5);
    expect(await historyWh(t, 'unassigned', 'minute')).toBe(3);
    await t.close();
  });

  it('is remembered across a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = `${dir.path}/kw.db`;
    // A placing topic prefix: only an explicit "back to Unassigned" takes the device out.
    const placedByTopic = 'Acme/HQ/Lab/Heater';
    let t = testCore(db, new Date(T0 * 1000).toISOString());
    t.feed(`${placedByTopic}/events/rpc`, switchNotify(SRC, placedByTopic, 10, T0));
    expect((await t.core.handlers['site.assign']({ device: SRC, path: 'unassigned' })).ok).toBe(true);
    await t.close();
    t = testCore(db, new Date(T0 * 1000).toISOString());
    expect(find(await tree(t), 'unassigned')?.children.map((c) => c.id)).toEqual([`device:${placedByTopic}`]);
    await t.close();
  });

  it('says no to a name without a room, and to an unknown device', async () => {
    const parsed = commands['site.assign'].params.safeParse({
      device: SRC,
      path: 'unassigned',
      name: 'Heater',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['name', 'a name is given only with a room: Unassigned devices keep their own'],
    ]);
    expect(commands['site.assign'].params.safeParse({ device: SRC, path: 'nowhere' }).success).toBe(false);
    const t = core();
    const unknown = await t.core.handlers['site.assign']({ device: 'no such/device', path: 'unassigned' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await t.close();
  });
});

/** The device counts 4 Wh in the Lab, then moves to the Kitchen and counts 2 Wh there. */
async function movedOutOfLab(): Promise<TestCore> {
  const t = core();
  reading(t, 0, 100);
  await t.core.handlers['site.assign']({ device: SRC, path: ['Acme', 'HQ', 'Lab'] });
  reading(t, 1, 104);
  await t.core.handlers['site.assign']({ device: SRC, path: ['Acme', 'HQ', 'Kitchen'] });
  reading(t, 2, 106);
  return t;
}

describe('a room whose devices all moved to another room', () => {
  it('stays in the tree, empty and marked former, with its total; its office is not former', async () => {
    const t = await movedOutOfLab();

    const nodes = await tree(t);
    const office = find(nodes, 'office:Acme/HQ');
    expect(office?.former).toBeUndefined();
    expect(office?.children.map((c) => [c.id, c.former ?? false, c.children.length])).toEqual([
      ['room:Acme/HQ/Kitchen', false, 1],
      [LAB, true, 0],
    ]);
    expect(await t.totalWh(LAB)).toBe(4);
    expect(await t.totalWh('room:Acme/HQ/Kitchen')).toBe(2);
    await t.close();
  });
});

describe('site.tree without its totals, and totals.get (the console asks for both, the tree first)', () => {
  it('gives the same tree, the former room too, and the totals site.tree would carry', async () => {
    const t = await movedOutOfLab();

    const whole = await dispatch(t.core.handlers, 'site.tree', {}, () => undefined);
    const bare = await dispatch(t.core.handlers, 'site.tree', { totals: false }, () => undefined);
    const totals = await dispatch(t.core.handlers, 'totals.get', {}, () => undefined);
    if (!whole.ok || !bare.ok || !totals.ok) throw new Error('a snapshot failed');
    const wholeTree = whole.value as SiteTree;
    expect(wholeTree.totals.find((n) => n.id === LAB)?.energyWh).toBe(4);
    // The former room is there without the totals it is known by.
    expect(bare.value).toEqual({ ...wholeTree, totals: [] });
    expect(totals.value).toEqual({ totals: wholeTree.totals, seq: expect.any(Number) });

    const wrong = await dispatch(t.core.handlers, 'site.tree', { totals: 'no' }, () => undefined);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(wrong.ok || wrong.error.message).toMatch(/totals/);
    await t.close();
  });
});

describe('site.rename of a channel that meters nothing', () => {
  it('names a relay without metering and a cover; an unknown component is still not found', async () => {
    const t = core();
    const pro3 = 'Acme/HQ/ServerRoom/Ventilation';
    // A Pro 3: relays without metering, their state on status topics.
    t.feed(`${pro3}/status/switch:1`, { id: 1, source: 'init', output: true });
    const cover = 'Acme/HQ/Lab/Blinds';
    t.feed(`${cover}/status/cover:0`, { id: 0, state: 'stopped', pos_control: false });

    const relayNode = `channel:${pro3}|switch:1`;
    const coverNode = `channel:${cover}|cover:0`;
    expect(await t.core.handlers['site.rename']({ node: relayNode, name: 'Exhaust fan' })).toEqual({
      ok: true,
      value: { node: relayNode, name: 'Exhaust fan' },
    });
    expect((await t.core.handlers['site.rename']({ node: coverNode, name: 'Window blind' })).ok).toBe(true);
    const nodes = await tree(t);
    expect(find(nodes, relayNode)?.name).toBe('Exhaust fan');
    expect(find(nodes, coverNode)?.name).toBe('Window blind');

    const missing = await t.core.handlers['site.rename']({ node: `channel:${pro3}|switch:7`, name: 'Nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await t.close();
  });
});
