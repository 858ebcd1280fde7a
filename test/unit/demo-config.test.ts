/**
 * The demo answers Shelly.GetConfig as a device does (it said 404 before, so every demo channel
 * showed a default name): each device's own names, consistent with the site plan, reach the
 * console's tree. Device → console in process: the device's connect messages and its reply to
 * GetConfig are fed to a console on a real SQLite file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildDevice } from '../../src/main/demo/build-device';
import { DEFAULT_SEED } from '../../src/main/demo/fleet';
import { buildFleetPlan } from '../../src/main/demo/site-plan';
import type { SiteNode } from '../../src/shared/contract';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function channels(nodes: SiteNode[], out = new Map<string, SiteNode>()): Map<string, SiteNode> {
  for (const n of nodes) {
    if (n.kind === 'channel') out.set(n.id, n);
    channels(n.children, out);
  }
  return out;
}

describe('the demo’s Shelly.GetConfig', () => {
  it('names every Gen2 channel as the site plan names its device', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const atMs = Date.parse('2025-03-10T08:00:00Z');
    const t = testCore(`${dir.path}/kw.db`, new Date(atMs).toISOString());
    const gen2 = buildFleetPlan(DEFAULT_SEED)
      .map((spec) => buildDevice(spec, DEFAULT_SEED, atMs))
      .filter((d) => d.info.generation >= 2);
    const replies: Array<{ error?: unknown }> = [];
    for (const device of gen2) {
      for (const m of device.connect(atMs)) t.feed(m.topic, m.payload, m.retain);
      const request = JSON.stringify({ id: 7, src: 'kw-demo-test', method: 'Shelly.GetConfig' });
      const [reply] = device.command('rpc', request, atMs);
      if (!reply) throw new Error(`${device.info.prefix} did not answer`);
      expect(reply.topic).toBe('kw-demo-test/rpc');
      replies.push(JSON.parse(reply.payload) as { error?: unknown });
      t.feed(reply.topic, reply.payload);
    }
    expect(replies.filter((r) => r.error !== undefined)).toEqual([]);

    const named = channels(
      await (async () => {
        const tree = await t.core.handlers['site.tree']({});
        if (!tree.ok) throw new Error(tree.error.message);
        return tree.value.nodes;
      })(),
    );
    const nameOf = (prefix: string, component: string) => named.get(`channel:${prefix}|${component}`)?.name;
    // One channel: the device's name; several: numbered; a three-phase meter's total: the meter's.
    expect(nameOf('Aurora/Lisbon/Reception/Light1', 'switch:0')).toBe('Light1');
    expect(nameOf('Aurora/Lisbon/OpenSpace/DeskRow1', 'switch:0')).toBe('DeskRow1 1');
    expect(nameOf('Aurora/Lisbon/OpenSpace/DeskRow1', 'switch:1')).toBe('DeskRow1 2');
    expect(nameOf('Aurora/Lisbon/PlantRoom/MainBoard', 'emdata:0')).toBe('MainBoard');
    // A phase takes no name from the device.
    expect(nameOf('Aurora/Lisbon/PlantRoom/MainBoard', 'emdata:0/a')).toBe('Phase A');
    // No relay, plug, cover or meter is left with a default name (phases keep theirs).
    const defaults = [...named.values()].filter(
      (n) => !/\/[abc]$/.test(n.id) && /^(Relay|Outlet|Meter|Light|Cover)( \d+)?$/.test(n.name),
    );
    expect(defaults.map((n) => `${n.id}: ${n.name}`)).toEqual([]);
    await t.close();
  });
});
