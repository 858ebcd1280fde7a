/// <reference lib="dom" />
/**
 * Reports people send, in Debian's Chromium against the built headless console on a private
 * Mosquitto: "Last month" in the export dialog (the browser's clock pinned a month ahead, so the
 * readings of just now are last month's) gives exactly that month; the per-child CSV has a row
 * per device and a totals row; the dialog names the file it saved, and says when a period has
 * no data; the printed report is light (even on a dark screen), without chrome or inner scroll,
 * with its table and ranking.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { publishRises, type FixtureDevice } from '../support/e2e-fixtures';
import { startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const OVEN: FixtureDevice = { prefix: 'Report/HQ/Kitchen/Oven', src: 'shellyplus1pm-e14000000001' };
const KETTLE: FixtureDevice = { prefix: 'Report/HQ/Kitchen/Kettle', src: 'shellyplus1pm-e14000000002' };
const KITCHEN = 'room:Report/HQ/Kitchen';
/** Wh added each minute; the first reading is the baseline. Oven 60 Wh, kettle 15 Wh. */
const OVEN_RISES = [0, 20, 25, 15];
const KETTLE_RISES = [0, 5, 10];
// Refreshed for the README on purpose (UPDATE_SCREENSHOTS=1); a plain run keeps it in test-results.
const DOCS = resolve(
  __dirname,
  process.env.UPDATE_SCREENSHOTS === '1' ? '../../docs' : '../../test-results/screenshots',
);

let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
let c: ConsolePage;
const dir = tempDir();
const downloads = tempDir();
/** Noon there now: the readings of the last minutes are today's, in this month. */
const zone = noonZone();
const nowMs = Date.now();
const firstMinuteS = Math.floor(nowMs / 60_000) * 60 - 10 * 60;
const thisMonthMs = zone.monthStartMs(nowMs);
/** The 1st of next month, local: 32 days after this month's 1st is always inside next month. */
const nextMonthMs = zone.monthStartMs(thisMonthMs + 32 * 86_400_000);
/** The browser's pinned clock: the 11th of next month, 10:00 local. */
const pinnedMs = nextMonthMs + 10 * 86_400_000 + 10 * 3_600_000;

type CsvRow = Record<string, string>;
const mWh = (row: CsvRow | undefined): number => Math.round(Number(row?.energy_kwh) * 1_000_000);

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless(
    [
      '--broker',
      mosquitto.url,
      '--port',
      '0',
      '--db',
      join(dir.path, 'report.db'),
      '--publish-interval',
      '1',
    ],
    { TZ: zone.name },
  );
  client = await testClient(mosquitto.url);
  c = await openConsole(headless.url, { timezoneId: zone.name });
  await publishRises(client, OVEN, firstMinuteS, 1000, OVEN_RISES);
  await publishRises(client, KETTLE, firstMinuteS, 300, KETTLE_RISES);
  await waitForRows(c.page, 'device:Report/HQ/Kitchen/', 2);
  await c.page.clock.setFixedTime(pinnedMs);
  await selectNode(c.page, KITCHEN);
});

afterAll(async () => {
  await client?.endAsync();
  await c?.browser.close();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
  downloads.remove();
});

/** Presses Download and returns the file the browser saved and the dialog's confirmation. */
async function download(): Promise<{
  name: string;
  rows: CsvRow[];
  saved: string;
  savedRows: string | null;
}> {
  const dialog = c.page.getByTestId('export-dialog');
  const [file] = await Promise.all([
    c.page.waitForEvent('download'),
    dialog.getByTestId('csv-download').click(),
  ]);
  const path = join(downloads.path, file.suggestedFilename());
  await file.saveAs(path);
  const saved = dialog.getByTestId('export-saved');
  await saved.waitFor();
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, bom: true }) as CsvRow[];
  return {
    name: file.suggestedFilename(),
    rows,
    saved: (await saved.textContent()) ?? '',
    savedRows: await saved.getAttribute('data-rows'),
  };
}

describe('reports people send', () => {
  it('"Last month" is exactly last month, local, and the per-child CSV has a row per device and a total', async () => {
    const { page } = c;
    await page.getByTestId('open-export-node').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('export-range').selectOption('last-month');
    const href = new URL((await dialog.getByTestId('csv-link').getAttribute('href')) ?? '', headless.url);
    expect(href.searchParams.get('from')).toBe(new Date(thisMonthMs).toISOString());
    expect(href.searchParams.get('to')).toBe(new Date(nextMonthMs).toISOString());
    expect(href.searchParams.get('zone')).toBe('local');
    const monthName = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: zone.name }).format(
      new Date(thisMonthMs),
    );
    await expect(dialog.getByTestId('export-span').textContent()).resolves.toMatch(
      new RegExp(`^${monthName} 1\\s*–\\s*\\d\\d, \\d{4};`),
    );
    await expect(dialog.getByTestId('export-per-child').locator('xpath=..').textContent()).resolves.toContain(
      'One row per device',
    );
    // Custom days: first and last day both included, and the fields show their whole date.
    await dialog.getByTestId('export-range').selectOption('custom');
    await dialog.getByTestId('export-from').fill('2026-02-03');
    await dialog.getByTestId('export-to').fill('2026-02-04');
    const custom = new URL((await dialog.getByTestId('csv-link').getAttribute('href')) ?? '', headless.url);
    const localMidnight = (day: string) =>
      new Date(Date.parse(`${day}T00:00:00Z`) - zone.offsetH * 3_600_000);
    expect([custom.searchParams.get('from'), custom.searchParams.get('to')]).toEqual([
      localMidnight('2026-02-03').toISOString(),
      localMidnight('2026-02-05').toISOString(),
    ]);
    for (const id of ['export-from', 'export-to'])
      await expect(
        dialog
          .getByTestId(id)
          .evaluate((input) => input.scrollWidth <= input.clientWidth && input.clientWidth >= 150),
      ).resolves.toBe(true);
    await dialog.getByTestId('export-range').selectOption('last-month');

    await dialog.getByTestId('export-per-child').check();
    await dialog.getByTestId('export-resolution').selectOption('month');
    mkdirSync(DOCS, { recursive: true });

    const file = await download();
    const header = `start (${zone.name})`;
    expect(file.rows.map((r) => [r.device, mWh(r), r.note])).toEqual([
      ['Kettle', 15_000, ''],
      ['Oven', 60_000, ''],
      ['', 75_000, 'total'],
    ]);
    // The month's first local midnight, with the zone's offset (luxon writes +00:00 or Z for 0).
    const day = new Date(thisMonthMs + zone.offsetH * 3_600_000).toISOString().slice(0, 10);
    const offset = `${zone.offsetH >= 0 ? '\\+' : '-'}${String(Math.abs(zone.offsetH)).padStart(2, '0')}:00`;
    expect(file.rows[0]?.[header]).toMatch(
      new RegExp(`^${day}T00:00:00(${offset}${zone.offsetH === 0 ? '|Z' : ''})$`),
    );
    expect(file.name).toMatch(/^kilowatch-room-Report-HQ-Kitchen-\d{4}-\d\d-01_\d{4}-\d\d-\d\d\.csv$/);
    expect(file.saved).toBe(`Saved “${file.name}” to your downloads (2 rows and a total).`);
    expect(file.savedRows).toBe('2');
    await page.screenshot({ path: join(DOCS, 'report-export-dialog.png') });
  });

  it('says when a period has no data, in the dialog and in the file', async () => {
    const dialog = c.page.getByTestId('export-dialog');
    await dialog.getByTestId('export-range').selectOption('yesterday');
    const file = await download();
    expect(file.rows).toHaveLength(1);
    expect([file.rows[0]?.note, file.rows[0]?.energy_kwh]).toEqual([
      'total: no data in this period',
      '0.000000',
    ]);
    expect(file.saved).toBe(
      `Saved “${file.name}” to your downloads: no data in this period (the file says so).`,
    );
    expect(file.savedRows).toBe('0');
    expect(c.errors).toEqual([]);
  });

  it('prints a light report with the table and the ranking, and no console chrome', async () => {
    const { page } = c;
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByTestId('export-range').selectOption('last-month');
    await dialog.getByTestId('export-print').click();
    const report = page.getByTestId('report-page');
    await page.locator('[data-testid="report-page"][data-status="ready"]').waitFor();
    await expect(page.getByTestId('report-title').textContent()).resolves.toBe('Report / HQ / Kitchen');
    await expect(page.getByTestId('report-total').getAttribute('data-wh')).resolves.toBe('75');
    const ranking = page.getByTestId('report-ranking').locator('tbody tr');
    await expect(
      ranking.evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-node-id'), r.getAttribute('data-wh')]),
      ),
    ).resolves.toEqual([
      ['device:Report/HQ/Kitchen/Oven', '60'],
      ['device:Report/HQ/Kitchen/Kettle', '15'],
    ]);
    await expect(page.getByTestId('report-table').locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByTestId('report-chart').locator('rect').count()).resolves.toBe(
      await page.getByTestId('report-table').locator('tbody tr').count(),
    );

    // A dark screen still prints light, without the toolbar and without an inner scroll box.
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const looks = await report.evaluate((el) => {
      const style = (e: Element) => getComputedStyle(e);
      const scrollers: string[] = [];
      for (let e: Element | null = el; e; e = e.parentElement)
        if (['auto', 'scroll', 'hidden'].includes(style(e).overflowY)) scrollers.push(e.tagName);
      return {
        background: style(document.body).backgroundColor,
        page: style(el).backgroundColor,
        text: style(el).color,
        toolbar: style(el.querySelector('.report-toolbar') as Element).display,
        scrollers,
      };
    });
    expect(looks).toEqual({
      background: 'rgb(255, 255, 255)',
      page: 'rgb(255, 255, 255)',
      text: 'rgb(0, 0, 0)',
      toolbar: 'none',
      scrollers: [],
    });
    await page.screenshot({ path: join(DOCS, 'report-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
    await page.getByTestId('report-back').click();
    await page.getByTestId('open-report').waitFor();
    expect(c.errors).toEqual([]);
  });
});
