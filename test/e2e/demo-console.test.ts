/// <reference lib="dom" />
/**
 * What a person sees: `serve --demo` in Debian's Chromium. The tree fills with the demo's offices
 * and rooms, and a room's total grows while we watch. No console errors allowed.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, parseEnergyWh, watchErrors } from '../support/browser';
import { startHeadless, type Headless } from '../support/headless';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const SCREENSHOTS = resolve(__dirname, '../../test-results/screenshots');
let headless: Headless;
let browser: Browser;
let page: Page;
let errors: string[];
const dir = tempDir();
/** The tree shows today's energy: about noon where the console and the browser run, no midnight resets it while we watch. */
const zone = noonZone();

beforeAll(async () => {
  headless = await startHeadless(
    ['--demo', '--port', '0', '--db', join(dir.path, 'demo.db'), '--publish-interval', '1'],
    { TZ: zone.name },
  );
  browser = await launchChromium();
  page = await browser.newPage({
    viewport: { width: 1366, height: 900 },
    colorScheme: 'light',
    timezoneId: zone.name,
  });
  errors = watchErrors(page);
  await page.goto(headless.url);
});

afterAll(async () => {
  await browser?.close();
  expect(await headless?.stop()).toBe(0);
  dir.remove();
});

describe('the demo console in a browser', () => {
  it('shows the demo offices and rooms in the tree', async () => {
    // A few rooms first: how many fit in the view depends on the devices under them (every
    // device is shown, #13 item 4); scrolling below finds them all.
    await page.waitForFunction(
      () => document.querySelectorAll('[role="treeitem"][data-node-id^="room:"]').length >= 3,
      undefined,
      {
        timeout: 30_000,
      },
    );
    // The tree is virtualised: scroll through it and collect every row it renders.
    const seen = new Set<string>();
    for (let step = 0; step < 50; step++) {
      const rows = await page.$$eval('[role="treeitem"]', (items) =>
        items.map((r) => r.getAttribute('data-node-id') ?? ''),
      );
      rows.forEach((id) => seen.add(id));
      const isAtEnd = await page.$eval('[role="tree"]', (tree) => {
        const before = tree.scrollTop;
        tree.scrollTop += tree.clientHeight * 0.8;
        return tree.scrollTop === before;
      });
      if (isAtEnd) break;
      await page.waitForTimeout(50);
    }
    await page.$eval('[role="tree"]', (tree) => void (tree.scrollTop = 0));
    const ids = [...seen];
    expect(ids.filter((id) => id.startsWith('office:')).length).toBeGreaterThanOrEqual(3);
    expect(ids.filter((id) => id.startsWith('room:')).length).toBeGreaterThanOrEqual(12);
    expect(ids.filter((id) => id.startsWith('company:')).length).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId('connection-status').getAttribute('data-status')).resolves.toBe(
      'connected',
    );
  });

  it('shows a room total that increases while we watch', async () => {
    const roomId = await page.$$eval('[role="treeitem"][data-node-id^="room:"]', (rows) =>
      rows.map((r) => r.getAttribute('data-node-id')).find((id) => id !== null),
    );
    expect(roomId).toBeTruthy();
    const energyOf = async () =>
      parseEnergyWh(
        (await page.locator(`[data-node-id="${roomId}"] [data-testid="energy"]`).textContent()) ?? '',
      );
    let first = await energyOf();
    const start = Date.now();
    while (Number.isNaN(first) && Date.now() - start < 20_000) {
      await page.waitForTimeout(250);
      first = await energyOf();
    }
    let later = first;
    while (!(later > first) && Date.now() - start < 45_000) {
      await page.waitForTimeout(500);
      later = await energyOf();
    }
    expect(later).toBeGreaterThan(first);
  });

  it('renders without a single console error, in light and dark', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'console-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'console-dark.png') });
    expect(errors).toEqual([]);
  });
});
