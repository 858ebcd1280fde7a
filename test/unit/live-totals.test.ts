/**
 * totals.live as the console pushes it: each node's power and completeness follow the device's
 * channels and placement as they change (a second channel appearing, staff moving the device to
 * another room), and a push carries only the nodes whose numbers changed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const PREFIX = 'Aurora/Lisbon/Room101/Heater';
const SRC = 'shellyplus2pm-a8032ab1c2d3';

const power = (component: string, apower: number) =>
  JSON.stringify({
    src: SRC,
    dst: `${PREFIX}/events`,
    method: 'NotifyStatus',
    params: {
      ts: 1741593600.5,
      [component]: {
        id: Number(component.split(':')[1]),
        apower,
        aenergy: { by_minute: [0, 0, 0], minute_ts: 1741593600, total: 1000 },
      },
    },
  });

describe('totals.live', () => {
  it('follows new channels and a new room, and pushes only what changed', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    const pushes: NodeTotals[][] = [];
    t.core.on((m) => {
      if (m.event === 'totals.live') pushes.push((m.payload as { nodes: NodeTotals[] }).nodes);
    });
    const push = (): Map<string, NodeTotals> => {
      t.core.pushLive();
      return new Map((pushes.at(-1) ?? []).map((n) => [n.id, n]));
    };
    const channel = (c: string) => `channel:${PREFIX}|${c}`;

    t.feed(`${PREFIX}/events/rpc`, power('switch:0', 100));
    let nodes = push();
    expect(nodes.get(channel('switch:0'))?.powerW).toBe(100);
    expect(nodes.get('room:Aurora/Lisbon/Room101')).toMatchObject({ powerW: 100, devices: 1 });

    t.feed(`${PREFIX}/events/rpc`, power('switch:1', 50));
    nodes = push();
    expect(nodes.get(channel('switch:1'))?.powerW).toBe(50);
    expect(nodes.get('room:Aurora/Lisbon/Room101')?.powerW).toBe(150);
    // switch:0 did not change, so it is not in this push.
    expect(nodes.has(channel('switch:0'))).toBe(false);

    const assigned = await t.core.handlers['site.assign']({
      device: SRC,
      path: ['Aurora', 'Lisbon', 'Room202'],
    });
    expect(assigned.ok).toBe(true);
    nodes = push();
    expect(nodes.get('room:Aurora/Lisbon/Room202')).toMatchObject({ powerW: 150, devices: 1 });
    const tree = await t.core.handlers['site.tree']({});
    expect(JSON.stringify(tree)).not.toContain('Room101"');
    await t.close();
  });

  it('numbers its pushes, and totals.get stands at the last one after pushing what changed', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    const pushes: Array<{ seq: number; nodes: Map<string, NodeTotals> }> = [];
    t.core.on((m) => {
      if (m.event !== 'totals.live') return;
      const { seq, nodes } = m.payload as { seq: number; nodes: NodeTotals[] };
      pushes.push({ seq, nodes: new Map(nodes.map((n) => [n.id, n])) });
    });
    const room = 'room:Aurora/Lisbon/Room101';

    t.feed(`${PREFIX}/events/rpc`, power('switch:0', 100));
    t.core.pushLive();
    t.feed(`${PREFIX}/events/rpc`, power('switch:0', 120));
    t.core.pushLive();
    expect(pushes.map((p) => p.seq)).toEqual([1, 2]);

    // A change not pushed yet: the snapshot pushes it first, so it and that push agree. Without
    // that, a power back at 120 by the next push would never be sent, and a console holding this
    // snapshot would show 80 for good.
    t.feed(`${PREFIX}/events/rpc`, power('switch:0', 80));
    const snapshot = await t.core.handlers['totals.get']({});
    if (!snapshot.ok) throw new Error(snapshot.error.message);
    expect(snapshot.value.seq).toBe(3);
    expect(pushes.at(-1)?.seq).toBe(3);
    expect(pushes.at(-1)?.nodes.get(room)?.powerW).toBe(80);
    expect(snapshot.value.totals.find((n) => n.id === room)?.powerW).toBe(80);

    // Nothing changed since: the snapshot stands at the same push and pushes nothing.
    const again = await t.core.handlers['totals.get']({});
    expect(again.ok && again.value.seq).toBe(3);
    expect(pushes).toHaveLength(3);
    // The snapshot is every node, the same as site.tree's totals.
    const tree = await t.core.handlers['site.tree']({});
    if (!tree.ok || !again.ok) throw new Error('no tree');
    const byId = (totals: NodeTotals[]) => [...totals].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(again.value.totals)).toEqual(byId(tree.value.totals));
    await t.close();
  });
});
