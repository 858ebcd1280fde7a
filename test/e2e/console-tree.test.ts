/// <reference lib="dom" />
/**
 * The device tree of the demo console: search that filters as you type (keeping the ancestors of
 * matches), the WAI-ARIA tree keyboard pattern, live figures per node and the details panel. Ends
 * with the light and dark screenshots in docs/. No console errors allowed.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnergyWh } from '../support/browser';
import {
  chartData,
  openConsole,
  poll,
  row,
  scrollToRow,
  search,
  selectNode,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { demoBrokerUrl, startDemoConsole } from '../support/e2e-demo';
import { energyFrame, publish } from '../support/e2e-fixtures';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;

/** Until no finite CSS transition or animation runs, and two more frames are painted: a still screen. */
async function settled(page: ConsolePage['page']): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.effect?.getTiming().iterations === Infinity),
  );
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null)))),
  );
}
const renderedIds = (c: ConsolePage): Promise<string[]> =>
  c.page.$$eval('[role="treeitem"]', (rows) => rows.map((r) => r.getAttribute('data-node-id') ?? ''));
/** The row named by aria-activedescendant (waiting for the tree to render it after a scroll). */
const activeId = async (c: ConsolePage): Promise<string | null> => {
  const handle = await c.page.waitForFunction(() => {
    const id = document.querySelector('[role="tree"]')?.getAttribute('aria-activedescendant');
    return id ? (document.getElementById(id)?.getAttribute('data-node-id') ?? false) : false;
  });
  return (await handle.jsonValue()) as string | null;
};

/** Noon where the console and the browser run: today, this week and this month hold the backfill's last hours, whatever the hour. */
const zone = noonZone();

beforeAll(async () => {
  demo = await startDemoConsole({ TZ: zone.name });
  c = await openConsole(demo.headless.url, { timezoneId: zone.name });
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

describe('the device tree', () => {
  it('filters as you type and keeps the ancestors of matches visible', async () => {
    const { page } = c;
    await search(page, 'kitch');
    let ids = await renderedIds(c);
    expect(ids).toEqual(
      expect.arrayContaining(['company:Aurora', 'office:Aurora/Lisbon', 'room:Aurora/Lisbon/Kitchen']),
    );
    expect(ids.filter((id) => id.startsWith('room:')).every((id) => id.endsWith('/Kitchen'))).toBe(true);
    // Only the matches, their ancestors and what is inside a matching room remain.
    for (const id of ids) expect(/^(company:|office:)|Kitchen/.test(id)).toBe(true);
    await expect(row(page, 'room:Aurora/Lisbon/Kitchen').locator('mark').textContent()).resolves.toBe(
      'Kitch',
    );

    // A path narrows it to one office; the devices inside the room are not matches themselves.
    await search(page, 'lisbon/kitchen');
    ids = await renderedIds(c);
    expect(ids.filter((id) => id.startsWith('room:'))).toEqual(['room:Aurora/Lisbon/Kitchen']);
    expect(ids.filter((id) => id.startsWith('office:'))).toEqual(['office:Aurora/Lisbon']);

    // Accents do not matter, a device name finds the device under its room.
    await search(page, 'salao');
    await expect(row(page, 'room:Aurora/Lisbon/Salão').count()).resolves.toBe(1);
    await search(page, 'oven');
    ids = await renderedIds(c);
    expect(ids.filter((id) => id.startsWith('device:')).every((id) => id.endsWith('/Oven'))).toBe(true);
    expect(ids.filter((id) => id.startsWith('device:')).length).toBeGreaterThanOrEqual(2);

    await search(page, 'no such thing');
    await page.getByTestId('search-empty').waitFor();
    await page.getByTestId('search-empty').getByRole('button', { name: 'clear the search' }).click();
    await waitForRows(page, 'room:', 3);
    expect(c.errors).toEqual([]);
  });

  it('follows the WAI-ARIA tree pattern from the keyboard', async () => {
    const { page } = c;
    const tree = page.locator('[role="tree"]');
    await tree.focus();
    await page.keyboard.press('Home');
    expect(await activeId(c)).toBe('company:Aurora');
    await expect(row(page, 'company:Aurora').getAttribute('aria-level')).resolves.toBe('1');
    await page.keyboard.press('ArrowDown');
    expect(await activeId(c)).toBe('office:Aurora/Faro');
    await expect(row(page, 'office:Aurora/Faro').getAttribute('aria-level')).resolves.toBe('2');
    await expect(row(page, 'office:Aurora/Faro').getAttribute('aria-expanded')).resolves.toBe('true');

    // Left closes an open node, Right opens it again, Right once more goes to its first child.
    await page.keyboard.press('ArrowLeft');
    await expect(row(page, 'office:Aurora/Faro').getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(row(page, 'room:Aurora/Faro/Kitchen').count()).resolves.toBe(0);
    await page.keyboard.press('ArrowRight');
    await expect(row(page, 'office:Aurora/Faro').getAttribute('aria-expanded')).resolves.toBe('true');
    await page.keyboard.press('ArrowRight');
    const firstRoom = await activeId(c);
    expect(firstRoom).toMatch(/^room:Aurora\/Faro\//);
    await expect(row(page, firstRoom as string).getAttribute('aria-level')).resolves.toBe('3');
    // Left on an open room closes it; Left again goes up to the office.
    await page.keyboard.press('ArrowLeft');
    await expect(row(page, firstRoom as string).getAttribute('aria-expanded')).resolves.toBe('false');
    await page.keyboard.press('ArrowLeft');
    expect(await activeId(c)).toBe('office:Aurora/Faro');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    expect(await activeId(c)).toBe(firstRoom);

    // End is the last row (the last unassigned device), Enter selects it.
    await page.keyboard.press('End');
    const last = await activeId(c);
    expect(last).toMatch(/^device:shellies\//);
    await page.keyboard.press('Enter');
    await expect(row(page, last as string).getAttribute('aria-selected')).resolves.toBe('true');
    await page.locator(`[data-testid="node-details"][data-node-id="${last}"]`).waitFor();
    await page.keyboard.press('ArrowUp');
    expect(await activeId(c)).not.toBe(last);
    await expect(tree.getAttribute('aria-label')).resolves.toMatch(/company, office, room, device, channel/);
    expect(c.errors).toEqual([]);
  });

  it('shows live power and today per node, and week, month and ranked children on selection', async () => {
    const { page } = c;
    await expect(page.getByTestId('company-power').textContent()).resolves.toMatch(/\d.*k?W$/);
    await expect(page.getByTestId('company-energy').textContent()).resolves.toMatch(/\d.*k?Wh$/);
    await selectNode(page, 'office:Aurora/Lisbon');
    const details = page.getByTestId('node-details');
    await expect(details.getByTestId('detail-power').textContent()).resolves.toMatch(/\d.*k?W$/);
    await poll(
      () => details.getByTestId('detail-month').textContent(),
      (text) => /\d.*Wh$/.test(text ?? ''),
      10_000,
      'this month',
    );
    // The demo's figures move while we read them; exact week and month figures are checked on a
    // device whose every reading the test publishes (the screen, below).
    await expect(details.getByTestId('detail-week').textContent()).resolves.toMatch(/\d.*Wh$/);
    // Children ranked by today's energy, largest first.
    const ranked = await page.$$eval('[data-testid="ranking"] li', (items) =>
      items.map((li) => ({
        id: li.getAttribute('data-node-id'),
        wh: Number(li.getAttribute('data-today-wh')),
      })),
    );
    expect(ranked.length).toBeGreaterThanOrEqual(6);
    expect(ranked.every((r) => r.id?.startsWith('room:Aurora/Lisbon/'))).toBe(true);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.wh).toBeGreaterThanOrEqual(ranked[i]!.wh);
    const chart = await chartData(page, 'office:Aurora/Lisbon');
    expect(Number(chart.series)).toBeGreaterThanOrEqual(6);
    expect(c.errors).toEqual([]);
  });

  it('shows temperature and humidity for the room with a BLU sensor', async () => {
    const { page } = c;
    const room = 'room:Aurora/Lisbon/MeetingRoom';
    await selectNode(page, room);
    await expect(row(page, room).getByTestId('sensor-badge').textContent()).resolves.toMatch(/°C.*%/);
    const sensor = page.getByTestId('node-details').getByTestId('sensor');
    await expect(sensor.getByTestId('sensor-temperature').textContent()).resolves.toMatch(/^\d+(\.\d)?\s°C$/);
    await expect(sensor.getByTestId('sensor-humidity').textContent()).resolves.toMatch(/^\d+\s%$/);
    expect(c.errors).toEqual([]);
  });

  it('looks right in light and dark at 1366×768', async () => {
    const { page } = c;
    // The demo starts with an empty history: give the meeting room a screen that has reported
    // every hour since ten days before this month began and every five minutes since yesterday,
    // so the charts have something to show and this month and this week start within it.
    const room = 'room:Aurora/Lisbon/MeetingRoom';
    const screen = { prefix: 'Aurora/Lisbon/MeetingRoom/Screen', src: 'shellyplusplugs-5c0000000001' };
    const device = `device:${screen.prefix}`;
    const client = await testClient(demoBrokerUrl(demo.headless));
    const nowMs = Date.now();
    const hourlyFromS = (zone.monthStartMs(nowMs) - 10 * 86_400_000) / 1000;
    const fiveMinFromS = (zone.dayStartMs(nowMs) - 86_400_000) / 1000;
    const toS = Math.floor(nowMs / 1000) - 120;
    const times: number[] = [];
    for (let t = hourlyFromS; t < fiveMinFromS; t += 3600) times.push(t);
    for (let t = fiveMinFromS; t < toS; t += 300) times.push(t);
    let totalWh = 5000;
    /** Each reading's rise (whole Wh, so the kWh figures on screen are exact) and the minute it is booked in. */
    const rises: Array<{ bookedMs: number; wh: number }> = [];
    for (const [i, t] of times.entries()) {
      const hour = zone.hourAt(t * 1000);
      const busy = Math.exp(-(((hour - 10) / 2.5) ** 2)) + 0.8 * Math.exp(-(((hour - 15) / 2) ** 2));
      const rise = Math.round(((25 + 320 * busy) * (i === 0 ? 0 : t - (times[i - 1] as number))) / 3600);
      totalWh += rise;
      // The first reading is the baseline; each later rise belongs to the minute ending at its minute_ts.
      if (i > 0) rises.push({ bookedMs: (t - 60) * 1000, wh: rise });
      await publish(client, `${screen.prefix}/events/rpc`, energyFrame(screen, { minuteTsS: t, totalWh }));
    }
    await client.endAsync();
    const since = (startMs: number) =>
      rises.filter((r) => r.bookedMs >= startMs).reduce((s, r) => s + r.wh, 0);
    const expected = {
      today: since(zone.dayStartMs(nowMs)),
      week: since(zone.weekStartMs(nowMs)),
      month: since(zone.monthStartMs(nowMs)),
    };
    // About noon, today alone holds some 140 readings: the figures below are not empty ones.
    expect(expected.today).toBeGreaterThan(500);

    // The screen's own figures: today from the live totals, week and month from history, exact.
    // Its row first: on a busy machine the tree may not have heard of it yet.
    await poll(
      () => scrollToRow(page, device),
      (isThere) => isThere,
      15_000,
      'the screen in the tree',
    );
    await selectNode(page, device);
    const details = page.getByTestId('node-details');
    const tile = async (id: string) => parseEnergyWh((await details.getByTestId(id).textContent()) ?? '');
    // Today equal to all of today's rises: the core has read every reading (they arrive in order).
    await poll(
      () => tile('detail-today'),
      (wh) => wh === expected.today,
      20_000,
      'the screen’s today',
    );
    // Selected afresh, the week and month are read now, after the last reading.
    await selectNode(page, room);
    await selectNode(page, device);
    const figures = await poll(
      async () => ({
        today: await tile('detail-today'),
        week: await tile('detail-week'),
        month: await tile('detail-month'),
      }),
      (f) => !Number.isNaN(f.week) && !Number.isNaN(f.month),
      10_000,
      'the screen’s week and month',
    );
    expect(figures).toEqual(expected);

    // The room's chart for today stacks the screen's exact share beside the demo's own devices.
    await selectNode(page, room);
    const chartFor = (kind: '7d' | 'today', fromMs: number) =>
      page
        .locator(
          `[data-testid="energy-chart"][data-node="${room}"][data-from="${new Date(fromMs).toISOString()}"][data-status="ready"]`,
        )
        .waitFor({ timeout: 20_000 })
        .then(() => kind);
    // A new range loads afresh (the room's chart may have loaded before the backfill).
    await page.getByTestId('range-7d').click();
    await chartFor('7d', zone.dayStartMs(nowMs) - 6 * 86_400_000);
    await page.getByTestId('range-today').click();
    await chartFor('today', zone.dayStartMs(nowMs));
    const shares = JSON.parse((await chartData(page, room)).childTotalsWh ?? '[]') as number[];
    expect(shares).toContain(expected.today);
    await page.getByTestId('compare').check();
    await page.locator('[data-testid="energy-chart"][data-compare="on"][data-status="ready"]').waitFor();
    // Week and month follow the chart's reloads.
    await poll(
      async () => details.getByTestId('detail-month').textContent(),
      (text) => /\d.*Wh$/.test(text ?? ''),
      10_000,
      'this month for the room',
    );
    await settled(page);
    // The README's screenshots come from the demo with its history (demo-console.test.ts); this
    // fixture site's pictures are for looking at after a run, not for the README.
    await page.screenshot({ path: join(tmpdir(), 'kilowatch-fixture-site-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await settled(page);
    await page.screenshot({ path: join(tmpdir(), 'kilowatch-fixture-site-dark.png') });
    expect(c.errors).toEqual([]);
  });

  it('opens the connection wizard from the header', async () => {
    const button = c.page.getByTestId('open-wizard');
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
    await button.click();
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('true');
    expect(c.errors).toEqual([]);
  });
});
