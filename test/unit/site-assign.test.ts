/**
 * site.assign places a device under a room by name, and its totals are published under that name.
 * Two devices of one room with one name would share a retained topic and overwrite each other, so
 * the second is refused with the reason, and a free name is accepted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteNode } from '../../src/shared/contract';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('site.assign', () => {
  it('refuses a name another device of the room already publishes under', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    const prefix = 'Coreflux/Porto/MeetingRoom/Light1';
    t.feed(`${prefix}/events/rpc`, switchNotify('shellyplus1pm-a8032ab1c2d3', prefix, 10, 1741593600));
    const plug = 'shellyplug-s-C8C9A3B8FDE8';
    t.feed(`shellies/${plug}/relay/0/energy`, '6000');
    const room: [string, string, string] = ['Coreflux', 'Porto', 'MeetingRoom'];
    const pathOf = async (id: string): Promise<string[] | undefined> => {
      const tree = await t.core.handlers['site.tree']({});
      if (!tree.ok) throw new Error(tree.error.message);
      const find = (nodes: SiteNode[]): SiteNode | undefined =>
        nodes.map((n) => (n.id === id ? n : find(n.children))).find((n) => n !== undefined);
      return find(tree.value.nodes)?.path;
    };

    const taken = await t.core.handlers['site.assign']({ device: plug, path: room, name: 'Light1' });
    expect(taken.ok).toBe(false);
    if (!taken.ok) {
      expect(taken.error.code).toBe('invalid-params');
      expect(taken.error.message).toMatch(
        /MeetingRoom already has a device named "Light1" \(shellyplus1pm-a8032ab1c2d3\)/,
      );
    }
    // Nothing moved: the plug still waits under Unassigned.
    expect(await pathOf(`device:shellies/${plug}`)).toEqual([plug]);

    const free = await t.core.handlers['site.assign']({ device: plug, path: room, name: 'Plug by the door' });
    expect(free.ok).toBe(true);
    expect(await pathOf(`device:shellies/${plug}`)).toEqual([...room, 'Plug by the door']);
    // Assigning the device again to the name it already has is no clash with itself.
    const again = await t.core.handlers['site.assign']({
      device: plug,
      path: room,
      name: 'Plug by the door',
    });
    expect(again.ok).toBe(true);
    await t.close();
  });
});
