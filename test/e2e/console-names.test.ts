/// <reference lib="dom" />
/**
 * Names people use, in Debian's Chromium against the demo: no channel shows a component key
 * (`switch:0`, `emdata:0/a`), every device of the demo shows its product ("Plus 2PM", "Pro 3EM")
 * in the tree and its model code beside it in the details. No console errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteNode } from '../../src/shared/contract';
import { openConsole, poll, row, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { coreTree, startDemoConsole } from '../support/e2e-demo';

/** A component key as devices name their channels: what no person should have to read. */
const RAW_KEY = /\b(switch|relay|cover|roller|light|cct|rgbw?|pm1|em1?|em1?data|emeter):\d+(\/[abc])?\b/;

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;

beforeAll(async () => {
  demo = await startDemoConsole();
  c = await openConsole(demo.headless.url);
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

function devicesOf(nodes: SiteNode[]): SiteNode[] {
  return nodes.flatMap((n) => (n.kind === 'device' ? [n] : devicesOf(n.children)));
}

describe('names in the demo console', () => {
  it('names every channel and model in words, in the core and on the page', async () => {
    const { page } = c;
    // Every demo device with its channels (the fleet reports within a few seconds).
    const nodes = await poll(
      () => coreTree(demo.headless.url),
      (tree) => devicesOf(tree).filter((d) => d.children.length > 0).length >= 40,
      20_000,
      'the demo devices',
    );
    const devices = devicesOf(nodes).filter((d) => d.children.length > 0);
    const channels = devices.flatMap((d) => d.children);
    expect(channels.filter((ch) => RAW_KEY.test(ch.name)).map((ch) => ch.id)).toEqual([]);
    expect(devices.filter((d) => !d.product).map((d) => `${d.id} ${d.model}`)).toEqual([]);

    // One device of each model, opened in the tree and selected.
    const byModel = new Map<string, SiteNode>();
    for (const d of devices) if (d.model && !byModel.has(d.model)) byModel.set(d.model, d);
    expect(byModel.size).toBeGreaterThanOrEqual(8);
    for (const device of byModel.values()) {
      await selectNode(page, device.id);
      await expect(row(page, device.id).locator('.node-model').textContent()).resolves.toBe(device.product);
      await expect(page.getByTestId('detail-model').textContent()).resolves.toBe(
        `${device.product} (${device.model})`,
      );
      await row(page, device.id).locator('.twisty').click();
      // Phases are not rows of their own in the tree; every other channel is.
      const shown = device.children.filter((ch) => !ch.id.slice(ch.id.lastIndexOf('|')).includes('/'));
      const names = await poll(
        () =>
          Promise.all(
            shown.map((ch) => row(page, ch.id).locator('.node-name').textContent({ timeout: 2000 })),
          ),
        (texts) => texts.every((t) => t !== null && t !== ''),
        5000,
        `the channels of ${device.id}`,
      );
      expect(names).toEqual(shown.map((ch) => ch.name));
    }
    const text = await page.evaluate(() => document.body.innerText);
    expect(RAW_KEY.exec(text)?.[0] ?? null).toBeNull();
    expect(c.errors).toEqual([]);
  });
});
