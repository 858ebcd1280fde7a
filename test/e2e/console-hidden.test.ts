/// <reference lib="dom" />
/**
 * Issue #13, item 4, as a person sees it: the demo's Pro 3 "Ventilation" meters nothing and
 * notifies nothing until switched, so on a fresh database it appeared only once something asked
 * it. The console asks every newly seen Gen2+ device for its status once: the device is in the
 * tree, reporting, with its relays' state. No console errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openConsole,
  poll,
  row,
  scrollToRow,
  search,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { coreTree, findNode, startDemoConsole } from '../support/e2e-demo';

const VENTILATION = 'device:Aurora/Lisbon/ServerRoom/Ventilation';

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

describe('a relay without metering in the demo, on a fresh database', () => {
  it('shows the Ventilation Pro 3 in the tree, reporting, with its relays’ state', async () => {
    const relays = await poll(
      async () => findNode(await coreTree(demo.headless.url), VENTILATION)?.children ?? [],
      (channels) => channels.length === 3 && channels.every((ch) => typeof ch.output === 'boolean'),
      20_000,
      'the Ventilation relays in the core',
    );
    expect(relays.map((ch) => [ch.name.length > 0, ch.switchable])).toEqual([
      [true, true],
      [true, true],
      [true, true],
    ]);
    await search(c.page, 'Ventilation');
    const isShown = await poll(
      () => scrollToRow(c.page, VENTILATION),
      (found) => found,
      20_000,
      'the Ventilation row',
    );
    expect(isShown).toBe(true);
    await expect(
      row(c.page, VENTILATION).locator('[data-online]').first().getAttribute('data-online'),
    ).resolves.toBe('online');
    expect(c.errors).toEqual([]);
  });
});
