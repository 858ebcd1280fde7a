/// <reference lib="dom" />
/**
 * What a person sees: `serve --demo` in Debian's Chromium. The tree fills with the demo's offices
 * and rooms, a room's total grows while we watch, and the company's 30-day and 12-month charts
 * show the history the first start backfilled (the screenshots show the 12 months). No console
 * errors allowed.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, parseEnergyWh, watchErrors } from '../support/browser';
import { selectNode } from '../support/e2e-console';
import { startHeadless, type Headless } from '../support/headless';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

// The README's screenshots are refreshed on purpose (UPDATE_SCREENSHOTS=1): the demo with its
// backfilled history; a plain run keeps them in test-results.
const SCREENSHOTS = resolve(
  __dirname,
  process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs' : '../../test-results/screenshots',
);
/** Writing the demo's 13 months takes seconds on a quiet machine, much longer on a busy test box. */
const BACKFILL_TIMEOUT_MS = 150_000;
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

  it(
    "shows the company's backfilled 30 days and 12 months",
    async () => {
      // The first start of a demo writes 13 months of history while it serves; wait for it.
      const deadline = Date.now() + BACKFILL_TIMEOUT_MS;
      while (!/demo history: backfilled/.test(headless.output())) {
        if (Date.now() > deadline) throw new Error(`no demo history:\n${headless.output()}`);
        await page.waitForTimeout(250);
      }
      await page.$eval('[role="tree"]', (tree) => void (tree.scrollTop = 0));
      await page.locator('[role="treeitem"][data-node-id="company:Aurora"]').click();
      const chart = page.getByTestId('energy-chart');
      /** The chart's values once it shows `resolution` for the company, loaded. */
      const valuesAt = async (resolution: string): Promise<Array<number | null>> => {
        await page.waitForFunction(
          (wanted) => {
            const box = document.querySelector('[data-testid="energy-chart"]');
            return (
              box?.getAttribute('data-node') === 'company:Aurora' &&
              box.getAttribute('data-status') === 'ready' &&
              box.getAttribute('data-resolution') === wanted
            );
          },
          resolution,
          { timeout: 30_000 },
        );
        return JSON.parse((await chart.getAttribute('data-values')) ?? '[]') as Array<number | null>;
      };
      await page.getByTestId('range-30d').click();
      const days = await valuesAt('day');
      expect(days).toHaveLength(30);
      for (const wh of days) expect(wh).toBeGreaterThan(0);
      await page.getByTestId('range-12m').click();
      const months = await valuesAt('month');
      expect(months).toHaveLength(12);
      for (const wh of months) expect(wh).toBeGreaterThan(0);
      await expect(page.getByTestId('chart-empty').count()).resolves.toBe(0);
    },
    BACKFILL_TIMEOUT_MS + 60_000,
  );

  it("shows a room's cost from the demo's tariff, and an anomaly rule that fires (README screenshot)", async () => {
    // A server room: its rack draws day and night, so the ceiling below fires at any hour.
    const roomId = 'room:Aurora/Lisbon/ServerRoom';
    // The tree is virtualised: the room's row exists only once scrolled to.
    await selectNode(page, roomId);
    await page.getByTestId('range-30d').click();
    // The demo's tariff was seeded before its history was written: every day has a price.
    const cost = page.getByTestId('chart-cost');
    await cost.waitFor({ timeout: 30_000 });
    expect(await cost.innerText()).toMatch(/^€\d+\.\d\d$/);
    expect(await page.getByTestId('detail-month-cost').innerText()).toMatch(/€\d+\.\d\d/);
    // A power ceiling below what the room draws: the rule fires at once, as an anomaly alert.
    const ceiling = page.locator('[data-testid="rule-row"][data-kind="power-ceiling"]');
    await ceiling.getByTestId('rule-edit').click();
    await ceiling.getByTestId('rule-field-watts').fill('100');
    await ceiling.getByTestId('rule-save').click();
    const alert = page.locator(`[data-testid="alert"][data-kind="anomaly"][data-node="${roomId}"]`);
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getByTestId('alert-message').innerText()).toMatch(/above its ceiling of 100 W/);
    await page.getByTestId('energy-chart').scrollIntoViewIfNeeded();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'room-cost-anomalies.png') });
  });

  it('renders without a single console error, in light and dark', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'console-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'console-dark.png') });
    expect(errors).toEqual([]);
  });
});
