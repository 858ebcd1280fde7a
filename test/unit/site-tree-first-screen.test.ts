/**
 * Issue #15 (renderer first tree): `site.tree` with `devices: n` is a large site's first screenful.
 * Every place is in it, the devices in it are the first n of the whole tree's own order (by place,
 * then name), each exactly as the whole tree has it, and it says how many it left out. Through
 * the command's own dispatch, on a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import { commands, type SiteNode, type SiteTree } from '../../src/shared/contract';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const T0 = Date.parse('2025-03-10T08:00:00Z') / 1000;
const dir = tempDir();
let t: TestCore;

/** Devices fed in an order that is neither the tree's order of places nor of names. */
const PREFIXES = [
  'Acme/Porto/Kitchen/Toaster',
  'Acme/Lisbon/Lobby/Zeta lamp',
  'Acme/Lisbon/Lobby/Alpha lamp',
  'Acme/Porto/Kitchen/Fridge',
  'Acme/Lisbon/Bar/Ice maker',
  'Beta/Faro/Shop/Till',
  'Acme/Lisbon/Lobby/Mid lamp',
  'Acme/Lisbon/Bar/Cooler',
  // Not a unified-namespace path: Unassigned, last.
  'plug-by-the-door',
  'another-loose-plug',
];

async function siteTree(params: unknown): Promise<SiteTree> {
  const reply = await dispatch(t.core.handlers, 'site.tree', params, () => undefined);
  if (!reply.ok) throw new Error(reply.error.message);
  // What leaves the core is checked against the contract (worker/encode.ts); so is this.
  return commands['site.tree'].value.parse(reply.value);
}

/** Every node, depth first, as the tree lists them. */
function preOrder(nodes: SiteNode[]): SiteNode[] {
  return nodes.flatMap((n) => [n, ...preOrder(n.children)]);
}

const isPlace = (n: SiteNode): boolean => n.kind !== 'device' && n.kind !== 'channel';

beforeAll(() => {
  t = testCore(`${dir.path}/kw.db`, new Date(T0 * 1000).toISOString());
  PREFIXES.forEach((prefix, i) => {
    const src = `shellyplus1pm-a8032ab1c${(0x100 + i).toString(16)}`;
    t.setTime((T0 + 1) * 1000);
    t.feed(`${prefix}/events/rpc`, switchNotify(src, prefix, 100 + i, T0));
  });
});

afterAll(async () => {
  await t.close();
  dir.remove();
});

describe('site.tree with a device limit', () => {
  it('keeps every place and the first devices of the whole tree, as the whole tree has them', async () => {
    const whole = preOrder((await siteTree({ totals: false })).nodes);
    const wholeDevices = whole.filter((n) => n.kind === 'device');
    expect(wholeDevices).toHaveLength(PREFIXES.length);
    // The order being kept is the tree's, not the order the devices were heard in.
    expect(wholeDevices.map((d) => d.name).slice(0, 3)).toEqual(['Cooler', 'Ice maker', 'Alpha lamp']);

    for (const limit of [0, 1, 3, 4, 7, 9]) {
      const cut = await siteTree({ totals: false, devices: limit });
      const nodes = preOrder(cut.nodes);
      expect(
        nodes.filter(isPlace).map((n) => n.id),
        `places at ${limit}`,
      ).toEqual(whole.filter(isPlace).map((n) => n.id));
      const devices = nodes.filter((n) => n.kind === 'device');
      expect(devices, `devices at ${limit}`).toEqual(wholeDevices.slice(0, limit));
      expect(cut.devicesLeftOut).toBe(PREFIXES.length - limit);
    }
  });

  it('says nothing was left out when the limit covers the site', async () => {
    const whole = await siteTree({ totals: false });
    for (const limit of [PREFIXES.length, PREFIXES.length + 1, 200]) {
      const cut = await siteTree({ totals: false, devices: limit });
      expect(cut.devicesLeftOut).toBeUndefined();
      expect(cut.nodes).toEqual(whole.nodes);
    }
  });

  it('refuses a limit that is not a whole number of devices', async () => {
    for (const devices of [-1, 1.5, '10']) {
      const reply = await dispatch(t.core.handlers, 'site.tree', { devices }, () => undefined);
      expect(reply.ok ? 'accepted' : reply.error.code, JSON.stringify(devices)).toBe('invalid-params');
    }
  });
});
