/// <reference lib="dom" />
/**
 * Issue #15: the page asks for the site (and opens its event stream) from its first few kB of
 * script, while the console's own code (the `boot` chunk) still loads, so the core's answer and
 * the page's loading overlap. Here that chunk is held back: the site must arrive without it, and
 * what happens while it is held (a device going offline after the snapshot was taken) must still
 * show once it runs. The tree and its totals are each fetched once. And a totals snapshot that
 * arrives after a newer `totals.live` push does not put the older numbers back. No console errors
 * allowed.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from '../support/browser';
import { poll } from '../support/e2e-console';
import { coreTree, findNode } from '../support/e2e-demo';
import { energyFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const METER: FixtureDevice = { prefix: 'Early/HQ/Lab/Meter', src: 'shellyplus1pm-e0a000000001' };
const DEVICE = `device:${METER.prefix}`;

const dir = tempDir('kw-early-');
let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
let browser: Browser;

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    '--port',
    '0',
    '--db',
    join(dir.path, 'early.db'),
  ]);
  client = await testClient(mosquitto.url);
  const minuteS = Math.floor(Date.now() / 60_000) * 60 - 60;
  await publish(
    client,
    `${METER.prefix}/events/rpc`,
    energyFrame(METER, { minuteTsS: minuteS, totalWh: 10 }),
  );
  // Said online once: going offline later is then news, an alert naming the device node.
  await publish(client, `${METER.prefix}/online`, 'true');
  await poll(
    async () => findNode(await coreTree(headless.url), DEVICE)?.online,
    (online) => online === true,
    20_000,
    'the meter online in the core',
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await client?.endAsync();
  expect(await headless?.stop()).toBe(0);
  await mosquitto?.stop();
  dir.remove();
});

/** Holds the console's code chunk until `release()`; the page's first script loads as usual. */
async function holdConsoleCode(page: Page): Promise<{ release(): void }> {
  const held: Route[] = [];
  let isReleased = false;
  await page.route('**/assets/boot-*.js', (route) => {
    if (isReleased) return void route.continue();
    held.push(route);
  });
  return {
    release() {
      isReleased = true;
      for (const route of held.splice(0)) void route.continue();
    },
  };
}

describe('the first snapshot, asked before the console code has loaded', () => {
  it('arrives while that code is held back, and what happened meanwhile still shows', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    const errors = watchErrors(page);
    const code = await holdConsoleCode(page);
    const offlineAlert = new Promise<void>((resolve) =>
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          if (String(payload).includes('"kind":"device-offline"')) resolve();
        }),
      ),
    );
    const treeReply = page.waitForResponse((r) => r.url().endsWith('/api/site.tree'), { timeout: 20_000 });
    // Not until `load`: the held chunk is preloaded, and the load event waits for it.
    await page.goto(headless.url, { waitUntil: 'commit' });
    expect((await treeReply).ok()).toBe(true);
    // Nothing of the console has run: the site was asked for by the page's first script.
    expect(await page.evaluate(() => document.getElementById('root')?.childElementCount)).toBe(0);

    // After the snapshot was taken, the meter goes offline: the page hears it on the stream
    // before any of its stores exist.
    await publish(client, `${METER.prefix}/online`, 'false');
    await offlineAlert;
    code.release();

    // Shown offline from the first snapshot on, not only once a later fetch of the tree has it
    // (the page refetches a small site a few seconds after a state it could not place).
    const shown = await page.waitForFunction(
      (device) => {
        const row = document.querySelector(`[role="treeitem"][data-node-id="${device}"]`);
        const dot = row?.querySelector('[data-online]');
        const todayWh = row?.querySelector('[data-testid="energy"]')?.getAttribute('data-today-wh');
        const fetches = (path: string) =>
          performance.getEntriesByType('resource').filter((e) => e.name.endsWith(path)).length;
        // A live push can bring today's energy before the totals snapshot is in: wait for both.
        if (!dot || todayWh == null || fetches('/api/totals.get') === 0) return false;
        return {
          online: dot.getAttribute('data-online'),
          hasTodayWh: Number.isFinite(Number(todayWh)),
          treeFetches: fetches('/api/site.tree'),
          totalsFetches: fetches('/api/totals.get'),
        };
      },
      DEVICE,
      { timeout: 20_000, polling: 'raf' },
    );
    // The tree asked once, by the first script, as a first screenful without totals (they come
    // from totals.get, asked once): a site this small is all in it, so it is not asked again.
    expect(await shown.jsonValue()).toEqual({
      online: 'offline',
      hasTodayWh: true,
      treeFetches: 1,
      totalsFetches: 1,
    });
    expect((await treeReply).request().postData()).toBe('{"totals":false,"devices":200}');
    expect(errors).toEqual([]);
  });
});

describe("the console's code", () => {
  it('is asked for by the page itself, before its first script could have run', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    const errors = watchErrors(page);
    await page.goto(headless.url);
    await page.waitForSelector(`[role="treeitem"][data-node-id="${DEVICE}"]`, { timeout: 20_000 });
    const loads = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => {
        const entry = e as PerformanceResourceTiming;
        return {
          file: entry.name.replace(/^.*\/assets\//, ''),
          startMs: entry.startTime,
          responseEndMs: entry.responseEnd,
        };
      }),
    );
    const first = loads.find((l) => /^index-.*\.js$/.test(l.file));
    const code = loads.filter((l) => /^(boot|jsx-runtime)-.*\.js$/.test(l.file));
    expect(first).toBeDefined();
    expect(code.map((l) => l.file.split('-')[0]).sort()).toEqual(['boot', 'jsx']);
    // A script runs only once it has arrived: asked any later, the code waited for the first
    // script to load and run before its own download began.
    for (const chunk of code) expect(chunk.startMs).toBeLessThan(first?.responseEndMs as number);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a totals snapshot that reaches the page after a newer push', () => {
  it('does not put back the older numbers', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    const errors = watchErrors(page);
    const todayOf = (totals: Array<{ id: string; todayWh: number }>) =>
      totals.find((n) => n.id === DEVICE)?.todayWh;
    // The newer push: the meter's energy today, as the stream carried it after the snapshot.
    let snapshotWh: number | undefined;
    const pushed = new Promise<number>((resolve) =>
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          const frame = JSON.parse(String(payload)) as { event: string; payload: { nodes?: [] } };
          const wh = frame.event === 'totals.live' ? todayOf(frame.payload.nodes ?? []) : undefined;
          if (snapshotWh !== undefined && wh !== undefined && wh !== snapshotWh) resolve(wh);
        }),
      ),
    );
    // The first totals.get is answered by the core at once, and its reply held until the push.
    let isHeld = false;
    const snapshotTaken = new Promise<void>((taken) =>
      page.route('**/api/totals.get', async (route) => {
        if (isHeld) return route.continue();
        isHeld = true;
        const response = await route.fetch();
        snapshotWh = todayOf(((await response.json()) as { value: { totals: [] } }).value.totals);
        taken();
        await pushed;
        await route.fulfill({ response });
      }),
    );
    const delivered = page.waitForEvent('requestfinished', {
      predicate: (r) => r.url().endsWith('/api/totals.get'),
      timeout: 20_000,
    });
    await page.goto(headless.url);
    await snapshotTaken;
    expect(snapshotWh).toBeGreaterThanOrEqual(0);

    const minuteS = Math.floor(Date.now() / 60_000) * 60;
    await publish(
      client,
      `${METER.prefix}/events/rpc`,
      energyFrame(METER, { minuteTsS: minuteS, totalWh: 25 }),
    );
    const pushedWh = await pushed;
    await delivered;
    // Once the old snapshot is in, a few frames and pushes later, the row shows the pushed energy.
    await page.waitForTimeout(1_000);
    const shownWh = await page.evaluate((device) => {
      const row = document.querySelector(`[role="treeitem"][data-node-id="${device}"]`);
      return row?.querySelector('[data-testid="energy"]')?.getAttribute('data-today-wh');
    }, DEVICE);
    expect(pushedWh).toBeGreaterThan(snapshotWh as number);
    expect(Number(shownWh)).toBe(pushedWh);
    expect(errors).toEqual([]);
  });
});
