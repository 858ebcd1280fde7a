/// <reference lib="dom.iterable" />
/// <reference lib="dom" />
/**
 * Driving the console in Debian's Chromium for the console-*.test.ts files: open it, find rows in
 * the virtualised tree, select nodes, read the figures the page shows.
 */
import { parse } from 'csv-parse/sync';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, watchErrors } from './browser';

export interface ConsolePage {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught exceptions; every test expects this to stay empty. */
  errors: string[];
  /** `METHOD /path status` of every request the page made that failed with an HTTP error. */
  failedRequests: string[];
}

export async function openConsole(
  url: string,
  opts: {
    colorScheme?: 'light' | 'dark';
    countRenders?: boolean;
    height?: number;
    /** The browser's time zone (IANA name); give it the zone the console runs in. */
    timezoneId?: string;
    /** Runs in the page before the console's own scripts. */
    init?: () => void;
  } = {},
): Promise<ConsolePage> {
  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: { width: 1366, height: opts.height ?? 768 },
    colorScheme: opts.colorScheme ?? 'light',
    locale: 'en-US',
    ...(opts.timezoneId && { timezoneId: opts.timezoneId }),
  });
  const errors = watchErrors(page);
  const failedRequests: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400)
      failedRequests.push(
        `${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`,
      );
  });
  if (opts.countRenders) await page.addInitScript(() => void (window.__kilowatchRenders = {}));
  if (opts.init) await page.addInitScript(opts.init);
  await page.goto(url);
  // The console's code is a chunk of its own (main.tsx): loaded after the page's `load`, so wait
  // until it has rendered something before a test looks for it.
  await page.waitForSelector('#root > *', { state: 'attached', timeout: 30_000 });
  return { browser, page, errors, failedRequests };
}

declare global {
  interface Window {
    __kilowatchRenders?: Record<string, number>;
  }
}

export const row = (page: Page, nodeId: string): Locator =>
  page.locator(`[role="treeitem"][data-node-id="${nodeId.replace(/"/g, '\\"')}"]`);

export async function waitForRows(page: Page, prefix: string, count = 1, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([p, n]) => document.querySelectorAll(`[role="treeitem"][data-node-id^="${p}"]`).length >= (n as number),
    [prefix, count] as const,
    { timeout },
  );
}

/**
 * Scrolls the virtualised tree until the row is rendered and in the middle of the view; false
 * when it is not in the tree. Each step is one script in the page, so no row can vanish between
 * finding it and scrolling to it.
 */
export async function scrollToRow(page: Page, nodeId: string): Promise<boolean> {
  await page.$eval('[role="tree"]', (tree) => void (tree.scrollTop = 0));
  for (let step = 0; step < 400; step++) {
    const outcome = await page.$eval(
      '[role="tree"]',
      (tree, id) => {
        const found = [...tree.querySelectorAll('[role="treeitem"]')].find(
          (r) => r.getAttribute('data-node-id') === id,
        );
        if (found) {
          const y = Number(
            /translateY\((-?[\d.]+)px\)/.exec((found as HTMLElement).style.transform)?.[1] ?? 0,
          );
          tree.scrollTop = Math.max(0, y - tree.clientHeight / 2);
          return 'found';
        }
        const before = tree.scrollTop;
        tree.scrollTop += tree.clientHeight * 0.8;
        return tree.scrollTop === before ? 'end' : 'more';
      },
      nodeId,
    );
    await page.waitForTimeout(40);
    if (outcome === 'found') return (await row(page, nodeId).count()) > 0;
    if (outcome === 'end') return (await row(page, nodeId).count()) > 0;
  }
  return false;
}

/** Types into the tree's search box (replacing what was there). */
export async function search(page: Page, text: string): Promise<void> {
  await page.getByTestId('tree-search').fill(text);
  // The tree filters from a deferred value: wait until the rows reflect the query.
  await page.waitForTimeout(150);
}

/** Selects a node by clicking its row (scrolling to it first) and waits for its details. */
export async function selectNode(page: Page, nodeId: string): Promise<void> {
  if (!(await scrollToRow(page, nodeId))) throw new Error(`no row for ${nodeId} in the tree`);
  await row(page, nodeId).locator('.node-name').click();
  await page.locator(`[data-testid="node-details"][data-node-id="${nodeId.replace(/"/g, '\\"')}"]`).waitFor();
}

/** Today's energy a row shows, in Wh (from the data attribute behind the formatted text). */
export async function rowTodayWh(page: Page, nodeId: string): Promise<number> {
  const value = await row(page, nodeId).getByTestId('energy').getAttribute('data-today-wh');
  return value === null ? Number.NaN : Number(value);
}

/** Waits for the energy chart of a node to be loaded and returns its data attributes. */
export async function chartData(
  page: Page,
  nodeId: string,
  timeout = 20_000,
): Promise<Record<string, string | undefined>> {
  const chart = page.locator(
    `[data-testid="energy-chart"][data-node="${nodeId.replace(/"/g, '\\"')}"][data-status="ready"]`,
  );
  await chart.waitFor({ timeout });
  return chart.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
}

/** Polls `read` until `done` holds for its value, or throws with the last value after `timeoutMs`. */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

/** Sums the energy_kwh column of a Kilowatch CSV report, in Wh (columns by name, as a reader would). */
export function csvEnergyWh(csv: string): { wh: number; rows: number } {
  const rows = parse(csv, { columns: true, bom: true }) as Array<Record<string, string>>;
  if (rows.length > 0 && !('energy_kwh' in (rows[0] as object)))
    throw new Error(`no energy_kwh column in ${Object.keys(rows[0] as object).join(',')}`);
  // The last row is the total of the others (its note says so): a sum leaves it out.
  if (!(rows.at(-1)?.note ?? '').startsWith('total'))
    throw new Error(`no totals row at the end of the CSV: ${JSON.stringify(rows.at(-1))}`);
  const body = rows.slice(0, -1);
  const wh = body.reduce((sum, row) => sum + Number(row.energy_kwh) * 1000, 0);
  return { wh: Math.round(wh * 1000) / 1000, rows: body.length };
}
