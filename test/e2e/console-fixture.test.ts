/// <reference lib="dom" />
/**
 * The console against a private Mosquitto and Shelly messages we publish ourselves, so every
 * number is known: the chart's sum for a room equals the rises we published, stacked by device;
 * a gap shows as a gap; the CSV the export dialog downloads sums to the chart's total; a live
 * total re-renders only its own row; rejected messages, a device going offline and a relay that
 * never confirms all end visibly on screen. No console errors allowed.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chartData,
  csvEnergyWh,
  openConsole,
  poll,
  row,
  search,
  selectNode,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { energyFrame, powerFrame, publish, publishRises, type FixtureDevice } from '../support/e2e-fixtures';
import { api, fetchSignedIn, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const METER_A: FixtureDevice = { prefix: 'Fixture/HQ/Lab/MeterA', src: 'shellyplus1pm-f1a000000001' };
const METER_B: FixtureDevice = { prefix: 'Fixture/HQ/Lab/MeterB', src: 'shellyplus1pm-f1b000000002' };
const RELAY: FixtureDevice = { prefix: 'Fixture/HQ/Desk/Relay', src: 'shellyplus1pm-f1c000000003' };
const LAB = 'room:Fixture/HQ/Lab';
const DEVICE_A = `device:${METER_A.prefix}`;
const DEVICE_B = `device:${METER_B.prefix}`;
const DEVICE_RELAY = `device:${RELAY.prefix}`;
const RELAY_CHANNEL = `channel:${RELAY.prefix}|switch:0`;

/** Wh added at each minute (the first reading is the baseline and counts nothing). */
const RISES_A = [0, 12, 7, 0, 25, 3, 9, 14, 0, 6, 11, 2, 8, 4, 15, 5, 1, 10, 7, 3, 13];
/** B reports for 9 minutes, goes away, and comes back at minute 18 with what it counted meanwhile. */
const RISES_B_BEFORE = [0, 4, 6, 5, 3, 8, 2, 7, 9];
const RISES_B_AFTER = [30, 5, 6];
const EXPECTED_A = RISES_A.slice(1).reduce((a, b) => a + b, 0);
const EXPECTED_B = [...RISES_B_BEFORE.slice(1), ...RISES_B_AFTER].reduce((a, b) => a + b, 0);

let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
let c: ConsolePage;
const dir = tempDir();
/** The first reading's minute: 45 minutes ago, on a minute boundary (seconds). */
const firstMinuteS = Math.floor(Date.now() / 60_000) * 60 - 45 * 60;
/**
 * The console and the browser run where it is about noon now, so the readings of the last 45
 * minutes are all today's whatever the hour the test runs (at 00:30 UTC they would straddle
 * midnight and "Today" would miss some).
 */
const zone = noonZone();

async function historySumWh(node: string, fromMs: number, toMs: number): Promise<number> {
  const { body } = await api(headless.url, 'history.query', {
    node,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
  });
  const value = body.value as { points: Array<{ energyWh: number }> } | undefined;
  return (value?.points ?? []).reduce((sum, p) => sum + p.energyWh, 0);
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
      join(dir.path, 'fixture.db'),
      '--publish-interval',
      '1',
    ],
    { TZ: zone.name },
  );
  client = await testClient(mosquitto.url);
  c = await openConsole(headless.url, { countRenders: true, timezoneId: zone.name });
  await c.page.getByTestId('empty-state').waitFor();

  await publishRises(client, METER_A, firstMinuteS, 1000, RISES_A);
  await publishRises(client, METER_B, firstMinuteS, 2000, RISES_B_BEFORE);
  await publish(client, `${METER_B.prefix}/online`, 'false');
  await publish(client, `${METER_B.prefix}/online`, 'true');
  let totalB = 2000 + RISES_B_BEFORE.reduce((a, b) => a + b, 0);
  for (const [i, rise] of RISES_B_AFTER.entries()) {
    totalB += rise;
    const minuteTsS = firstMinuteS + (18 + i) * 60;
    await publish(
      client,
      `${METER_B.prefix}/events/rpc`,
      energyFrame(METER_B, { minuteTsS, totalWh: totalB }),
    );
  }
  await publish(
    client,
    `${RELAY.prefix}/events/rpc`,
    energyFrame(RELAY, { minuteTsS: firstMinuteS + 20 * 60, totalWh: 500, output: false, powerW: 0 }),
  );
  await publish(client, `${RELAY.prefix}/online`, 'true');

  // The core books every rise; wait until its history has all of them.
  const fromMs = (firstMinuteS - 3600) * 1000;
  await poll(
    () => historySumWh(LAB, fromMs, Date.now() + 60_000),
    (wh) => Math.abs(wh - (EXPECTED_A + EXPECTED_B)) < 1e-6,
    20_000,
    'the fixture energy in the core',
  );
  await waitForRows(c.page, 'room:Fixture/HQ/Lab');
});

afterAll(async () => {
  await c?.browser.close();
  await client?.endAsync();
  expect(await headless?.stop()).toBe(0);
  await mosquitto?.stop();
  dir.remove();
});

describe('the console with known readings', () => {
  it('charts the exact energy of a room, stacked by device', async () => {
    const { page } = c;
    expect(EXPECTED_A).toBe(155);
    expect(EXPECTED_B).toBe(85);
    await selectNode(page, LAB);
    await page.getByTestId('range-7d').click();
    const data = await chartData(page, LAB);
    expect(data.resolution).toBe('day');
    expect(Number(data.totalWh)).toBeCloseTo(EXPECTED_A + EXPECTED_B, 6);
    // Two devices stacked; together they are the room.
    expect(data.series).toBe('2');
    const children = JSON.parse(data.childTotalsWh ?? '[]') as number[];
    expect(children.reduce((a, b) => a + b, 0)).toBeCloseTo(EXPECTED_A + EXPECTED_B, 6);
    await expect(page.getByTestId('chart-total').textContent()).resolves.toMatch(/240\s*Wh/);
    // Today's figure comes from the live totals, the same energy.
    await expect(page.getByTestId('detail-today').textContent()).resolves.toMatch(/240\s*Wh/);

    await page.getByTestId('compare').check();
    await page.locator('[data-testid="energy-chart"][data-compare="on"][data-status="ready"]').waitFor();
    expect(c.errors).toEqual([]);
  });

  it('downloads a CSV whose energy adds up to the chart', async () => {
    const { page } = c;
    const chartWh = Number((await chartData(page, LAB)).totalWh);
    await page.getByTestId('open-export-node').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    await expect(dialog.getByTestId('export-node').inputValue()).resolves.toBe(LAB);
    await expect(dialog.getByTestId('export-range').inputValue()).resolves.toBe('chart');
    const href = await dialog.getByTestId('csv-link').getAttribute('href');
    expect(href).toMatch(
      /^\/api\/report\.csv\?node=room%3AFixture%2FHQ%2FLab&from=.+&to=.+&resolution=auto&perChild=false&zone=local$/,
    );
    const csv = await (await fetchSignedIn(headless.url, href as string)).text();
    const total = csvEnergyWh(csv);
    expect(total.rows).toBeGreaterThan(0);
    expect(total.wh).toBeCloseTo(chartWh, 6);

    await dialog.getByTestId('export-per-child').check();
    const perChildHref = await dialog.getByTestId('csv-link').getAttribute('href');
    expect(perChildHref).toMatch(/perChild=true&zone=local$/);
    const perChild = csvEnergyWh(await (await fetchSignedIn(headless.url, perChildHref as string)).text());
    expect(perChild.wh).toBeCloseTo(chartWh, 6);
    expect(perChild.rows).toBeGreaterThan(total.rows);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(c.errors).toEqual([]);
  });

  it('draws the time a device was away as a gap, not as zeros', async () => {
    const { page } = c;
    await selectNode(page, DEVICE_B);
    await page.getByTestId('range-custom').click();
    await page.getByTestId('custom-from').fill(zone.localInput(Date.now() - 2 * 3_600_000));
    await page.getByTestId('custom-to').fill(zone.localInput(Date.now() + 5 * 60_000));
    await page.getByTestId('custom-apply').click();
    await page
      .locator(
        `[data-testid="energy-chart"][data-node="${DEVICE_B}"][data-resolution="minute"][data-status="ready"]`,
      )
      .waitFor();
    const data = await chartData(page, DEVICE_B);
    expect(Number(data.totalWh)).toBeCloseTo(EXPECTED_B, 6);
    // Away from minute 8 to minute 18: minutes 9–17 are unknown (null), 8–17 shaded.
    expect(data.gapNullSlots).toBe('9');
    expect(data.gapSlots).toBe('10');
    await page.getByTestId('chart-gap-note').waitFor();
    expect(c.errors).toEqual([]);
  });

  it('re-renders only the changed rows when live totals arrive', async () => {
    const { page } = c;
    await selectNode(page, LAB);
    await row(page, DEVICE_A).waitFor();
    await page.evaluate(() => {
      const counts = window.__kilowatchRenders ?? {};
      for (const key of Object.keys(counts)) counts[key] = 0;
    });
    const nowS = Math.floor(Date.now() / 1000);
    // Each value is seen in the row before the next is sent: four separate live pushes.
    for (const [i, [watts, shown]] of (
      [
        [120.5, '120.5'],
        [240.25, '240.3'],
        [80, '80'],
        [345.6, '345.6'],
      ] as const
    ).entries()) {
      await publish(client, `${METER_A.prefix}/events/rpc`, powerFrame(METER_A, watts, nowS + i));
      await poll(
        () => row(page, DEVICE_A).getByTestId('power').textContent(),
        (text) => (text ?? '').replace(/\s/g, ' ') === `${shown} W`,
        5000,
        `${shown} W in the row`,
      );
    }
    const counts = await page.evaluate(() => ({ ...window.__kilowatchRenders }));
    expect(counts.RowTotals ?? 0).toBeGreaterThan(0);
    expect(counts.DeviceTree ?? 0).toBe(0);
    expect(counts.TreeRow ?? 0).toBe(0);
    expect(c.errors).toEqual([]);
  });

  it('filters the tree by name and by path', async () => {
    const { page } = c;
    await search(page, 'meterb');
    await expect(row(page, DEVICE_B).count()).resolves.toBe(1);
    await expect(row(page, DEVICE_A).count()).resolves.toBe(0);
    await expect(row(page, LAB).count()).resolves.toBe(1);
    await search(page, 'hq/desk');
    await expect(row(page, 'room:Fixture/HQ/Desk').count()).resolves.toBe(1);
    await expect(row(page, LAB).count()).resolves.toBe(0);
    await search(page, '');
    expect(c.errors).toEqual([]);
  });

  it('reports rejected messages with their reason and a sample topic', async () => {
    const { page } = c;
    for (let i = 0; i < 3; i++) await publish(client, `${METER_A.prefix}/events/rpc`, '{"src": broken');
    const alert = page.locator('[data-testid="alert"][data-kind="message-rejected"]');
    await alert.waitFor({ timeout: 20_000 });
    // In words on the alert; the reason code and the sample topic behind its disclosure.
    await expect(alert.getByTestId('alert-message').textContent()).resolves.toMatch(
      /^\d+ messages? (was|were) ignored because (it|they) (was|were) garbled or cut off \(not valid JSON\)/,
    );
    const text = await alert.getByTestId('alert-technical').textContent();
    expect(text).toContain('reason: invalid-json');
    expect(text).toContain(`${METER_A.prefix}/events/rpc`);
    expect(c.errors).toEqual([]);
  });

  it('explains a number: the ledger shows the baseline and the interval booked across the gap', async () => {
    const { page } = c;
    await selectNode(page, DEVICE_B);
    const ledger = page.getByTestId('ledger');
    await expect(ledger.getAttribute('data-status')).resolves.toBe('closed');
    await ledger.locator('summary').click();
    await page.locator('[data-testid="ledger"][data-status="ready"]').waitFor({ timeout: 10_000 });
    const entries = await ledger
      .getByTestId('ledger-entry')
      .evaluateAll((rows) =>
        rows.map((r) => ({ kind: r.getAttribute('data-kind'), text: r.textContent ?? '' })),
      );
    expect(entries.map((e) => e.kind)).toEqual(['gap', 'baseline']);
    // The first reading after B was away carried the 30 Wh it metered meanwhile.
    expect(entries[0]?.text).toMatch(/away/);
    expect(entries[0]?.text.replace(/\s/g, ' ')).toContain('30 Wh');
    expect(entries[1]?.text).toMatch(/starting point/);
    // Another node starts closed again: nothing is read until asked.
    await selectNode(page, DEVICE_A);
    await expect(page.getByTestId('ledger').getAttribute('data-status')).resolves.toBe('closed');
    expect(c.errors).toEqual([]);
  });

  it('raises an alert when a device goes offline, and a relay that never confirms fails visibly', async () => {
    const { page } = c;
    await publish(client, `${RELAY.prefix}/online`, 'false');
    const alert = page.locator(
      `[data-testid="alert"][data-kind="device-offline"][data-node="${DEVICE_RELAY}"]`,
    );
    await alert.waitFor({ timeout: 10_000 });
    await expect(alert.textContent()).resolves.toContain('went offline');

    await selectNode(page, DEVICE_RELAY);
    await expect(row(page, DEVICE_RELAY).locator('[data-online]').getAttribute('data-online')).resolves.toBe(
      'offline',
    );
    await expect(page.getByTestId('detail-online').textContent()).resolves.toBe('Offline');
    const toggle = page.locator(
      `[data-testid="node-details"] [role="switch"][data-channel-id="${RELAY_CHANNEL}"]`,
    );
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('false');
    c.errors.length = 0;
    c.failedRequests.length = 0;
    await toggle.click();
    await expect(toggle.getAttribute('data-state')).resolves.toBe('pending');
    await expect(toggle.getAttribute('aria-busy')).resolves.toBe('true');
    // The core waits 8 s for the device's own confirmation.
    await page
      .locator(
        `[data-testid="node-details"] [role="switch"][data-channel-id="${RELAY_CHANNEL}"][data-state="error"]`,
      )
      .waitFor({ timeout: 15_000 });
    const message = await page
      .locator('[data-testid="node-details"] [data-testid="relay-error"]')
      .textContent();
    expect(message).toMatch(/did not confirm switching on/);
    expect(message).toMatch(/offline/);
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('false');
    // A failed command is a Result with ok: false, answered 200: no HTTP error, no console noise.
    expect(c.failedRequests).toEqual([]);
    expect(c.errors).toEqual([]);

    // The same device dropping off again is counted on the same alert, not a second one.
    await publish(client, `${RELAY.prefix}/online`, 'true');
    await publish(client, `${RELAY.prefix}/online`, 'false');
    await page
      .locator(
        `[data-testid="alert"][data-kind="device-offline"][data-node="${DEVICE_RELAY}"][data-count="2"]`,
      )
      .waitFor({ timeout: 10_000 });
    await expect(alert.getByTestId('alert-count').textContent()).resolves.toBe('×2');
    await expect(page.locator(`[data-testid="alert"][data-kind="device-offline"]`).count()).resolves.toBe(1);
    // Clearing removes it.
    await alert.getByRole('button', { name: /Clear alert/ }).click();
    // The core answers first, then the panel drops it: wait for that, do not read it at once.
    await page
      .locator(`[data-testid="alert"][data-kind="device-offline"]`)
      .first()
      .waitFor({ state: 'detached' });
    await expect(page.locator(`[data-testid="alert"][data-kind="device-offline"]`).count()).resolves.toBe(0);
    expect(c.errors).toEqual([]);
  });
});
