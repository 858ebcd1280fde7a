/**
 * Issue #13, item 6: a meter's voltage, current and power factor. An EM1 channel (`em1:N`) keeps
 * its figures on `em1data:N`; a partial NotifyStatus changes only what it carries; a reading no
 * meter could give is rejected and never shown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteNode } from '../../src/shared/contract';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const SRC = 'shellyproem50-aabbccddeeff';
const CHANNEL = `channel:${SRC}|em1data:1`;
const T0 = Date.parse('2025-11-02T12:14:00Z') / 1000;

function notify(tsS: number, components: Record<string, unknown>): string {
  return JSON.stringify({
    src: SRC,
    dst: `${SRC}/events`,
    method: 'NotifyStatus',
    params: { ts: tsS, ...components },
  });
}

function find(nodes: SiteNode[], id: string): SiteNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const below = find(node.children, id);
    if (below) return below;
  }
  return undefined;
}

function emCore() {
  const dir = tempDir();
  dirs.push(dir);
  const t = testCore(`${dir.path}/kw.db`, new Date(T0 * 1000).toISOString());
  const read = async () => {
    const tree = await t.core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    return {
      node: find(tree.value.nodes, CHANNEL)?.electrical,
      live: tree.value.totals.find((n) => n.id === CHANNEL)?.electrical,
    };
  };
  return { t, read };
}

describe('EM1 voltage, current and power factor', () => {
  it('keeps em1:1 figures on em1data:1, changed only by the fields a partial status carries', async () => {
    const { t, read } = emCore();
    t.feed(
      `${SRC}/events/rpc`,
      notify(T0, {
        'em1:1': { id: 1, voltage: 231.45, current: 4.217, act_power: -812.6, pf: -0.83, freq: 50 },
        'em1data:1': { id: 1, total_act_energy: 1200.5, total_act_ret_energy: 300.25 },
      }),
    );
    const first = { voltageV: 231.45, currentA: 4.217, powerFactor: -0.83, powerW: -812.6 };
    expect(await read()).toEqual({ node: first, live: first });
    t.setTime((T0 + 5) * 1000);
    t.feed(`${SRC}/events/rpc`, notify(T0 + 5, { 'em1:1': { id: 1, pf: -0.91 } }));
    const second = { ...first, powerFactor: -0.91 };
    expect(await read()).toEqual({ node: second, live: second });
    await t.close();
  });

  it('rejects readings no meter gives, keeping the last good ones', async () => {
    const { t, read } = emCore();
    t.feed(
      `${SRC}/events/rpc`,
      notify(T0, {
        'em1:1': { id: 1, voltage: 229.9, current: 1.5, act_power: 300, pf: 0.87 },
        'em1data:1': { id: 1, total_act_energy: 10, total_act_ret_energy: 0 },
      }),
    );
    t.feed(
      `${SRC}/events/rpc`,
      notify(T0 + 1, { 'em1:1': { id: 1, voltage: 1e9, current: -3, pf: 7, act_power: 310 } }),
    );
    const kept = { voltageV: 229.9, currentA: 1.5, powerFactor: 0.87, powerW: 310 };
    expect(await read()).toEqual({ node: kept, live: kept });
    const stats = await t.core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.rejected['implausible-reading']).toBe(3);
    await t.close();
  });
});
