/// <reference lib="dom" />
/**
 * "Reconnect now": with the broker back but the next automatic retry still seconds away, the
 * button in the header connects at once.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from '../support/browser';
import { api, startHeadless, type Headless } from '../support/headless';
import { startBroker, type Broker } from '../support/mosquitto-tls';
import { waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const dir = tempDir();
let broker: Broker | null;
let headless: Headless;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  broker = await startBroker([]);
  headless = await startHeadless([
    '--broker',
    broker.url('mqtt', '127.0.0.1'),
    '--port',
    '0',
    '--db',
    join(dir.path, 'kw.db'),
  ]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors = watchErrors(page);
  await page.goto(headless.url);
});

afterAll(async () => {
  await browser?.close();
  await headless?.stop();
  await broker?.stop();
  dir.remove();
});

describe('Reconnect now', () => {
  it('connects at once when the broker is back, without waiting for the backoff', async () => {
    const status = () => page.getByTestId('connection-status').getAttribute('data-status');
    await expect(status()).resolves.toBe('connected');
    const port = broker?.port as number;
    await broker?.stop();
    broker = null;
    // Let the backoff grow until the next automatic try is at least 3 s away.
    let nextRetryInMs = 0;
    await waitFor(
      () => {
        void api(headless.url, 'connection.status', {}).then(({ body }) => {
          const next = (body.value as { nextRetryAt: string | null }).nextRetryAt;
          nextRetryInMs = next ? Date.parse(next) - Date.now() : 0;
        });
        return nextRetryInMs > 3000;
      },
      40_000,
      'a backoff of more than 3 s',
    );
    await expect(status()).resolves.toMatch(/reconnecting|error/);
    broker = await startBroker([], { port });
    const clickedAt = Date.now();
    await page.getByTestId('reconnect-now').click();
    await page.waitForSelector('[data-testid="connection-status"][data-status="connected"]', {
      timeout: 2500,
    });
    expect(Date.now() - clickedAt).toBeLessThan(nextRetryInMs);
    await expect(page.getByTestId('reconnect-now').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });
});
