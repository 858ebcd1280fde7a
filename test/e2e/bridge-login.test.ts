/// <reference lib="dom" />
/**
 * The console shared on the network, in Debian's Chromium: the browser is sent to the sign-in
 * form, a wrong token is refused, the right one opens the live console (API and event stream on
 * the session cookie). And no other page can frame it.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from '../support/browser';
import { startHeadless, type Headless } from '../support/headless';
import { tempDir } from '../support/temp-dir';

const TOKEN = 'e2e-login-token-0123456789';
const dir = tempDir();
let headless: Headless;
let url: string;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  headless = await startHeadless(
    ['--demo', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'demo.db')],
    { KILOWATCH_TOKEN: TOKEN },
  );
  url = headless.url.replace('0.0.0.0', '127.0.0.1');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
  expect(await headless?.stop()).toBe(0);
  dir.remove();
});

describe('signing in to a console shared on the network', () => {
  it('sends the browser to the form, refuses a wrong token, and opens the live console with the right one', async () => {
    await page.goto(url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'not-the-token-at-all');
    await Promise.all([page.waitForURL(`${url}/login`), page.click('button[type="submit"]')]);
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'That is not the access token of this console.',
    );
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForURL(`${url}/`), page.click('button[type="submit"]')]);
    errors.length = 0; // the refused sign-in above is logged as a failed (401) load
    // "connected" comes over the event stream, and the tree from the API: both need the cookie.
    await page.waitForSelector('[data-testid="connection-status"][data-status="connected"]', {
      timeout: 30_000,
    });
    await page.waitForSelector('[role="treeitem"][data-node-id^="room:"]', { timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  it('cannot be framed by another page', async () => {
    const framer = await browser.newPage();
    const framerErrors = watchErrors(framer);
    await framer.setContent(`<iframe id="console" src="${url}/login"></iframe>`);
    await expect
      .poll(() => framerErrors.some((e) => /frame-ancestors|Refused to display/.test(e)), { timeout: 10_000 })
      .toBe(true);
    const frame = framer.frames().find((f) => f !== framer.mainFrame());
    await expect(frame?.locator('#token').count()).resolves.toBe(0);
    await framer.close();
  });
});
