/// <reference lib="dom" />
/**
 * Numbers that say what they cover, and charts that answer questions, against a private Mosquitto
 * with readings we publish ourselves (console and browser pinned to a zone where it is about noon):
 * partial totals name their coverage, hours before any data are "no data" (never 0), the tiles
 * and the chart total are one snapshot, each range has its natural buckets and a header with the
 * year, compare gives a % per period and overall, "Power, last hour" is full at once, an offline
 * device's power is greyed with its age, and a table gives every value. No console errors allowed.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnergyWh } from '../support/browser';
import {
  chartData,
  openConsole,
  poll,
  selectNode,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { energyFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

/** Reports hourly since yesterday's midnight, then every minute: history older than the console. */
const METER_A: FixtureDevice = { prefix: 'Cov/HQ/Lab/MeterA', src: 'shellyplus1pm-c0a000000001' };
/** Reports for ten minutes, then goes offline. */
const METER_B: FixtureDevice = { prefix: 'Cov/HQ/Lab/MeterB', src: 'shellyplus1pm-c0b000000002' };
/** A room whose data begins 40 minutes ago. */
const METER_C: FixtureDevice = { prefix: 'Cov/HQ/Store/MeterC', src: 'shellyplus1pm-c0c000000003' };
const LAB = 'room:Cov/HQ/Lab';
const STORE = 'room:Cov/HQ/Store';
const DEVICE_B = `device:${METER_B.prefix}`;

const HOUR_S = 3600;
const zone = noonZone();
const nowMs = Date.now();
const dayStartS = zone.dayStartMs(nowMs) / 1000;
const nowMinuteS = Math.floor(nowMs / 60_000) * 60;

let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
let c: ConsolePage;
const dir = tempDir();
/** Every counted rise: the minute it is booked in (the one ending at the reading's minute_ts). */
const rises: Array<{ device: string; bookedMs: number; wh: number }> = [];
/** A's counter after its last reading, and that reading's minute. */
let lastA = { totalWh: 0, minuteTsS: 0 };

/** Publishes readings at `timesS` (the first a baseline); `riseAt` gives each later one's rise. */
async function publishReadings(
  device: FixtureDevice,
  timesS: number[],
  riseAt: (bookedMs: number) => number,
): Promise<number> {
  let totalWh = 1000;
  for (const [i, t] of timesS.entries()) {
    if (i > 0) {
      const bookedMs = (t - 60) * 1000;
      const wh = riseAt(bookedMs);
      totalWh += wh;
      rises.push({ device: device.prefix, bookedMs, wh });
    }
    await publish(client, `${device.prefix}/events/rpc`, energyFrame(device, { minuteTsS: t, totalWh }));
  }
  return totalWh;
}

const sumSince = (startMs: number, devices: string[]): number =>
  rises.filter((r) => r.bookedMs >= startMs && devices.includes(r.device)).reduce((s, r) => s + r.wh, 0);

async function historyWh(node: string): Promise<number> {
  const { body } = await api(headless.url, 'history.query', {
    node,
    from: new Date((dayStartS - 2 * 24 * HOUR_S) * 1000).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
    resolution: 'day',
  });
  return (body.value as { total: { energyWh: number } } | undefined)?.total.energyWh ?? Number.NaN;
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless(
    [
      '--broker',
      mosquitto.url,
      '--port',
      '0',
      '--db',
      join(dir.path, 'coverage.db'),
      '--publish-interval',
      '1',
    ],
    { TZ: zone.name },
  );
  client = await testClient(mosquitto.url);

  // A: hourly from yesterday's midnight (10 Wh an hour yesterday, 15 today) until about an hour
  // ago, then every minute (1 Wh) until two minutes ago.
  const lastHourlyS = Math.floor((nowMinuteS - HOUR_S - dayStartS) / HOUR_S) * HOUR_S + dayStartS;
  const timesA: number[] = [];
  for (let t = dayStartS - 24 * HOUR_S; t <= lastHourlyS; t += HOUR_S) timesA.push(t);
  for (let t = lastHourlyS + 60; t <= nowMinuteS - 120; t += 60) timesA.push(t);
  lastA.minuteTsS = timesA[timesA.length - 1] as number;
  lastA.totalWh = await publishReadings(METER_A, timesA, (bookedMs) =>
    bookedMs >= lastHourlyS * 1000 ? 1 : bookedMs >= dayStartS * 1000 ? 15 : 10,
  );
  // B: ten minutes of 2 Wh, then offline.
  const timesB = Array.from({ length: 11 }, (_, i) => nowMinuteS - 40 * 60 + i * 60);
  await publishReadings(METER_B, timesB, () => 2);
  await publish(client, `${METER_B.prefix}/online`, 'false');
  // C: every minute (3 Wh) from 40 minutes ago.
  const timesC: number[] = [];
  for (let t = nowMinuteS - 40 * 60; t <= nowMinuteS - 120; t += 60) timesC.push(t);
  await publishReadings(METER_C, timesC, () => 3);

  const labWh = sumSince(0, [METER_A.prefix, METER_B.prefix]);
  await poll(
    () => historyWh(LAB),
    (wh) => Math.abs(wh - labWh) < 1e-6,
    30_000,
    'the lab’s energy in the core',
  );
  await poll(
    () => historyWh(STORE),
    (wh) => Math.abs(wh - sumSince(0, [METER_C.prefix])) < 1e-6,
    30_000,
    'the store’s energy in the core',
  );
  c = await openConsole(headless.url, { timezoneId: zone.name });
  await waitForRows(c.page, LAB);
});

afterAll(async () => {
  await c?.browser.close();
  await client?.endAsync();
  expect(await headless?.stop()).toBe(0);
  await mosquitto?.stop();
  dir.remove();
});

const values = async (node: string): Promise<Array<number | null>> =>
  JSON.parse((await chartData(c.page, node)).values ?? '[]') as Array<number | null>;

/** Waits for the chart of `node` at `resolution` over the span starting at `fromMs`, loaded. */
async function chartFor(
  node: string,
  resolution: string,
  fromMs: number,
): Promise<Record<string, string | undefined>> {
  await c.page
    .locator(
      `[data-testid="energy-chart"][data-node="${node}"][data-resolution="${resolution}"][data-from="${new Date(fromMs).toISOString()}"][data-status="ready"]`,
    )
    .waitFor({ timeout: 20_000 });
  return chartData(c.page, node);
}

describe('numbers that say what they cover', () => {
  it('fills "Power, last hour" from the stored minutes at once', async () => {
    const { page } = c;
    await selectNode(page, STORE);
    // 38 stored minutes of C; live pushes alone would give one sample every 3 s.
    const samples = await poll(
      async () => Number(await page.getByTestId('power-chart').getAttribute('data-samples')),
      (n) => n >= 38,
      3000,
      'the stored minutes in the power chart',
    );
    expect(samples).toBeGreaterThanOrEqual(38);
    expect(c.errors).toEqual([]);
  });

  it('says when a total covers only part of the period, and which devices are silent', async () => {
    const { page } = c;
    const details = page.getByTestId('node-details');
    await selectNode(page, STORE);
    // The store's data begins 40 minutes ago: today says since when.
    await expect(details.getByTestId('detail-today-hint').textContent()).resolves.toMatch(
      /^since \d{1,2}:\d{2}/,
    );
    await selectNode(page, LAB);
    await expect(details.getByTestId('detail-power-hint').textContent()).resolves.toBe(
      '1 of 2 devices reporting',
    );
    // The lab's history reaches back to yesterday: today is whole, only B is silent.
    await poll(
      () => details.getByTestId('detail-today-hint').textContent(),
      (text) => text === '1 of 2 devices reporting',
      10_000,
      'the lab’s today coverage',
    );
    await expect(
      page.locator('[data-company-id="company:Cov"]').getByTestId('company-power-hint').textContent(),
    ).resolves.toBe('2 of 3 devices reporting');
    // The offline device: its last power greyed, with how long ago it was heard.
    await selectNode(page, DEVICE_B);
    await expect(details.getByTestId('detail-power').getAttribute('data-stale')).resolves.toBe('true');
    await expect(details.getByTestId('detail-power-hint').textContent()).resolves.toMatch(
      /^offline · last seen .*(sec|min).* ago$/,
    );
    expect(c.errors).toEqual([]);
  });

  it('draws hours before any data as no data, never as 0 Wh', async () => {
    const { page } = c;
    await selectNode(page, STORE);
    await page.getByTestId('range-today').click();
    const data = await chartFor(STORE, 'hour', zone.dayStartMs(nowMs));
    const hourly = JSON.parse(data.values ?? '[]') as Array<number | null>;
    expect(hourly).toHaveLength(24);
    const firstDataHour = Math.floor((nowMinuteS - 40 * 60 + 60 - 60 - dayStartS) / HOUR_S);
    // Every hour before C's first reading is null (no data), none of them 0.
    expect(hourly.slice(0, firstDataHour)).toEqual(Array.from({ length: firstDataHour }, () => null));
    expect(Number(data.noDataSlots)).toBe(firstDataHour);
    expect(hourly[firstDataHour]).toBeGreaterThan(0);
    await page.getByTestId('chart-no-data-note').waitFor();
    await expect(page.getByTestId('chart-coverage').textContent()).resolves.toMatch(
      /^ \(since \d{1,2}:\d{2}/,
    );
    expect(c.errors).toEqual([]);
  });

  it('keeps today ≤ week ≤ month, and the chart total equal to the Today tile', async () => {
    const { page } = c;
    await selectNode(page, LAB);
    await page.getByTestId('range-today').click();
    await chartFor(LAB, 'hour', zone.dayStartMs(nowMs));
    const details = page.getByTestId('node-details');
    const tile = async (id: string) => parseEnergyWh((await details.getByTestId(id).textContent()) ?? '');
    const lab = [METER_A.prefix, METER_B.prefix];
    const expected = {
      today: sumSince(zone.dayStartMs(nowMs), lab),
      week: sumSince(zone.weekStartMs(nowMs), lab),
      month: sumSince(zone.monthStartMs(nowMs), lab),
      chart: sumSince(zone.dayStartMs(nowMs), lab),
    };
    const figures = await poll(
      async () => ({
        today: await tile('detail-today'),
        week: await tile('detail-week'),
        month: await tile('detail-month'),
        chart: parseEnergyWh((await page.getByTestId('chart-total').textContent()) ?? ''),
      }),
      (f) => f.today === expected.today && f.week === expected.week && f.month === expected.month,
      15_000,
      'the lab’s tiles',
    );
    expect(figures).toEqual(expected);

    // A new reading moves today, the week, the month and the chart total together: one snapshot.
    const minuteTsS = Math.max(lastA.minuteTsS + 60, Math.floor(Date.now() / 60_000) * 60);
    lastA = { totalWh: lastA.totalWh + 7, minuteTsS };
    await publish(client, `${METER_A.prefix}/events/rpc`, energyFrame(METER_A, lastA));
    await poll(
      () => tile('detail-today'),
      (wh) => wh === expected.today + 7,
      10_000,
      'today after a new reading',
    );
    const after = {
      today: await tile('detail-today'),
      week: await tile('detail-week'),
      month: await tile('detail-month'),
      chart: parseEnergyWh((await page.getByTestId('chart-total').textContent()) ?? ''),
    };
    expect(after).toEqual({
      today: expected.today + 7,
      week: expected.week + 7,
      month: expected.month + 7,
      chart: expected.chart + 7,
    });
    rises.push({ device: METER_A.prefix, bookedMs: (minuteTsS - 60) * 1000, wh: 7 });
    // The lab's chart reaches back to yesterday: only the silent device is worth a word.
    await expect(page.getByTestId('chart-coverage').textContent()).resolves.toBe(
      ' (1 of 2 devices reporting)',
    );
    expect(figures.today).toBeLessThanOrEqual(figures.week);
    expect(figures.today).toBeLessThanOrEqual(figures.month);
    // This week starts inside this month unless the month began mid-week.
    if (zone.weekStartMs(nowMs) >= zone.monthStartMs(nowMs))
      expect(figures.week).toBeLessThanOrEqual(figures.month);
    expect(c.errors).toEqual([]);
  });
});

describe('charts that answer questions', () => {
  it('charts 7 days as 7 days, empty before the data began', async () => {
    const { page } = c;
    await selectNode(page, LAB);
    await page.getByTestId('range-7d').click();
    const data = await chartFor(LAB, 'day', zone.dayStartMs(nowMs) - 6 * 86_400_000);
    expect(data.slots).toBe('7');
    const yesterday =
      sumSince(zone.dayStartMs(nowMs) - 86_400_000, [METER_A.prefix]) -
      sumSince(zone.dayStartMs(nowMs), [METER_A.prefix]);
    expect(yesterday).toBe(240);
    expect(await values(LAB)).toEqual([
      null,
      null,
      null,
      null,
      null,
      240,
      sumSince(zone.dayStartMs(nowMs), [METER_A.prefix, METER_B.prefix]),
    ]);
    expect(c.errors).toEqual([]);
  });

  it('charts 12 months as the last 12 months, headed with the year', async () => {
    const { page } = c;
    await page.getByTestId('range-12m').click();
    const local = new Date(nowMs + zone.offsetH * 3_600_000);
    const fromMs = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 11, 1) - zone.offsetH * 3_600_000;
    const data = await chartFor(LAB, 'month', fromMs);
    expect(data.slots).toBe('12');
    const header = (await page.getByTestId('range-text').textContent()) ?? '';
    expect(header).toContain(String(local.getUTCFullYear()));
    expect(header).toMatch(/^[A-Z][a-z]{2}( \d{4})?\s–\s[A-Z][a-z]{2} \d{4}$/);
    expect(c.errors).toEqual([]);
  });

  it('lets a custom range choose its buckets', async () => {
    const { page } = c;
    await page.getByTestId('range-custom').click();
    const fromMs = zone.dayStartMs(nowMs) + 3 * 3_600_000;
    await page.getByTestId('custom-from').fill(zone.localInput(fromMs));
    await page.getByTestId('custom-to').fill(zone.localInput(fromMs + 5 * 3_600_000));
    await page.getByTestId('custom-apply').click();
    // Five hours: the core picks minutes by itself; hours on request.
    expect((await chartFor(LAB, 'minute', fromMs)).slots).toBe('300');
    await expect(
      page
        .getByTestId('custom-resolution')
        .locator('option')
        .evaluateAll((o) => o.map((e) => e.getAttribute('value'))),
    ).resolves.toEqual(['auto', 'minute', 'hour']);
    await page.getByTestId('custom-resolution').selectOption('hour');
    const data = await chartFor(LAB, 'hour', fromMs);
    expect(data.slots).toBe('5');
    expect(await values(LAB)).toEqual([15, 15, 15, 15, 15]);
    expect(c.errors).toEqual([]);
  });

  it('compares with the previous period in kWh and %, per hour and overall', async () => {
    const { page } = c;
    await page.getByTestId('range-today').click();
    await page.getByTestId('compare').check();
    await page.locator('[data-testid="energy-chart"][data-compare="on"][data-status="ready"]').waitFor();
    const summary = page.getByTestId('compare-summary');
    // Every completed hour today held 15 Wh or more against yesterday's 10 Wh.
    const pct = Number(await summary.getAttribute('data-pct'));
    expect(pct).toBeGreaterThanOrEqual(50);
    await expect(summary.textContent()).resolves.toMatch(/\+[\d.,]+\s(k?Wh) \(\+[\d.,]+\s%\)/);

    // The table: one row per hour, with the change per hour; 01:00 is 15 Wh against 10 Wh.
    await page.getByTestId('chart-table-toggle').click();
    const table = page.getByTestId('chart-table');
    await expect(table.locator('tbody tr').count()).resolves.toBe(24);
    // Columns: A, B (the stacked devices), the lab, the previous period, the change.
    const second = await table.locator('tbody tr').nth(1).locator('td').allTextContents();
    expect(second.slice(-3).map((t) => t.replace(/\s/g, ' '))).toEqual(['15 Wh', '10 Wh', '+5 Wh (+50 %)']);
    const total = (await table.getByTestId('chart-table-total').textContent()) ?? '';
    await expect(page.getByTestId('chart-total').textContent()).resolves.toBe(total);
    await page.getByTestId('compare').uncheck();
    expect(c.errors).toEqual([]);
  });

  it('gives every value of the chart in a table, "no data" where there is none', async () => {
    const { page } = c;
    await selectNode(page, STORE);
    await page.getByTestId('range-today').click();
    await chartFor(STORE, 'hour', zone.dayStartMs(nowMs));
    const toggle = page.getByTestId('chart-table-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    const rows = page.getByTestId('chart-table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(24);
    await expect(rows.first().locator('td').first().textContent()).resolves.toBe('no data');
    const hourly = await values(STORE);
    const firstData = hourly.findIndex((v) => v !== null);
    const cellWh = parseEnergyWh((await rows.nth(firstData).locator('td').first().textContent()) ?? '');
    expect(cellWh).toBe(hourly[firstData]);
    expect(c.errors).toEqual([]);
  });
});
