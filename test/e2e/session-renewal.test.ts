/**
 * A front-desk browser left open while the service restarts: the bridge's session cookie is per
 * start, so the page's old one is refused. The page must renew it by itself (live stream and
 * commands working again) instead of showing a dead console until someone reloads it.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startHeadless, type Headless } from '../support/headless';
import { freePort } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

const dir = tempDir();
let port: number;
let headless: Headless;
let browser: Browser;
let page: Page;

const start = () => startHeadless(['--demo', '--port', String(port), '--db', join(dir.path, 'demo.db')]);

beforeAll(async () => {
  port = await freePort();
  headless = await start();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});

afterAll(async () => {
  await browser?.close();
  await headless?.stop();
  dir.remove();
});

const connected = '[data-testid="connection-status"][data-status="connected"]';

describe('an open console across a service restart', () => {
  it('renews its session: the live stream and commands work again without a reload', async () => {
    await page.goto(headless.url);
    await page.waitForSelector(connected, { timeout: 30_000 });
    const staleCookie = (await page.context().cookies()).map((c) => c.value);

    expect(await headless.stop()).toBe(0);
    await page.waitForSelector('[data-testid="connection-status"]:not([data-status="connected"])', {
      timeout: 30_000,
    });
    headless = await start();

    // The event stream says "connected" again only if its upgrade carried a valid cookie.
    await page.waitForSelector(connected, { timeout: 30_000 });
    const freshCookie = (await page.context().cookies()).map((c) => c.value);
    expect(freshCookie).not.toEqual(staleCookie);
    // A command through the page's own API client (the same path every button takes).
    const reply = await page.evaluate(async () => {
      const res = await fetch('/api/stats.get', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return res.status;
    });
    expect(reply).toBe(200);
    expect(page.url()).toBe(`${headless.url}/`);
  });
});
