/// <reference lib="dom" />
/**
 * Issue #18 item 5: device categories in the console. A real headless console with a flat tariff
 * of 0.25 €/kWh (1 c per 40 Wh) in its kilowatch.toml listens to a private Mosquitto; we publish
 * each device's readings ourselves, this morning in a zone where it is about noon:
 *
 *   Sala1: a Plus Plug S (a plug by its model), a Plus 1PM on a heater (other, until staff make it
 *          HVAC in its details), a Plus 1PM nobody categorises
 *   Sala2: a Plus 1PM alone (everything there is "other")
 *
 *              10:00  10:01  10:02 | set HVAC | 10:03  10:04
 *   plug        base   +200   +200 |          |  +120     +0    520 Wh plug   13 c
 *   heater      base   +400     +0 |          |  +800   +200    400 other, 1000 HVAC (25 c)
 *   spare       base    +40    +40 |          |    +0    +40    120 other     → other 520 Wh, 13 c
 *
 * Before the change Sala1's "By category" reads Plug loads 400 Wh €0.10, Other 480 Wh €0.12, total
 * 880 Wh €0.22; after it HVAC 1.000 kWh €0.25, Plug loads 520 Wh €0.13, Other 520 Wh €0.13 (what
 * the heater counted before stays there), total 2.040 kWh €0.51. Sala2 (80 Wh, €0.02) says no
 * category is set. In Portuguese: Tomadas, AVAC, Outros, "0,13 €". Once
 * a manager PIN is set, the desk sees the category greyed with the reason, and the core refuses
 * it. No console errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CategoryBreakdown } from '../../src/shared/contract';
import { openConsole, poll, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { energyFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { api, sessionCookie, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const PLUG: FixtureDevice = { prefix: 'Categorias/HQ/Sala1/Chaleira', src: 'shellyplusplugs-c05700000c01' };
const HEATER: FixtureDevice = { prefix: 'Categorias/HQ/Sala1/Aquecedor', src: 'shellyplus1pm-c05700000c02' };
const SPARE: FixtureDevice = { prefix: 'Categorias/HQ/Sala1/Reserva', src: 'shellyplus1pm-c05700000c03' };
const LONE: FixtureDevice = { prefix: 'Categorias/HQ/Sala2/Bomba', src: 'shellyplus1pm-c05700000c04' };
const ROOM1 = 'room:Categorias/HQ/Sala1';
const ROOM2 = 'room:Categorias/HQ/Sala2';
const HEATER_NODE = `device:${HEATER.prefix}`;
const PIN = '61803';

const zone = noonZone();
const dayStartS = zone.dayStartMs(Date.now()) / 1000;
/** 10:00 this morning, local. */
const TEN_S = dayStartS + 10 * 3600;

const TARIFF_TOML = `[tariff]
currency = "EUR"

[[tariff.periods]]
from = "2020-01-01"
bands = [{ perKWh = "0.25" }]
`;

/** Each device's counter (Wh) at each of the minutes 10:00… (index = minutes after 10:00). */
const BEFORE: Array<[FixtureDevice, number[]]> = [
  [PLUG, [1000, 1200, 1400]],
  [HEATER, [5000, 5400, 5400]],
  [SPARE, [200, 240, 280]],
  [LONE, [700, 740, 780]],
];
const AFTER: Array<[FixtureDevice, number[]]> = [
  [PLUG, [1520, 1520]],
  [HEATER, [6200, 6400]],
  [SPARE, [280, 320]],
];

let mosquitto: Mosquitto;
let core: Headless;
let client: MqttClient;
let c: ConsolePage;
const dir = tempDir();

async function publishMinutes(stream: Array<[FixtureDevice, number[]]>, firstIndex: number): Promise<void> {
  for (const [device, totals] of stream)
    for (const [i, totalWh] of totals.entries())
      await publish(
        client,
        `${device.prefix}/events/rpc`,
        energyFrame(device, { minuteTsS: TEN_S + (firstIndex + i) * 60, totalWh }),
      );
}

async function coreBreakdown(node: string): Promise<CategoryBreakdown> {
  const { body } = await api(core.url, 'categories.breakdown', {
    node,
    from: new Date(dayStartS * 1000).toISOString(),
    to: new Date((dayStartS + 86_400) * 1000).toISOString(),
  });
  if (body.ok !== true) throw new Error(`categories.breakdown failed: ${JSON.stringify(body)}`);
  return body.value as CategoryBreakdown;
}

const spaced = (text: string | null) => (text ?? '').replace(/\s/g, ' ').trim();

/**
 * What the "By category" section of the selected place shows once loaded for today: each row as
 * [category, label, Wh, energy text, cost text], and the total row the same way.
 */
async function shownBreakdown(page: ConsolePage, node: string, fromS = dayStartS) {
  const section = page.page.locator(
    `[data-testid="category-breakdown"][data-node="${node}"][data-status="ready"]`,
  );
  await section.waitFor({ timeout: 20_000 });
  // The chart's range: the section is loaded for the same span once it says so.
  await page.page
    .locator(
      `[data-testid="category-breakdown"][data-node="${node}"][data-from="${new Date(fromS * 1000).toISOString()}"]`,
    )
    .waitFor({ timeout: 20_000 });
  const rows = await section
    .locator('tbody tr, tfoot tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-category') ?? 'total',
        tr.querySelector('th')?.textContent ?? '',
        Number(tr.getAttribute('data-wh')),
        tr.querySelector('[data-testid="category-energy"]')?.textContent ?? '',
        tr.querySelector('[data-testid="category-cost"]')?.textContent ?? null,
      ]),
    );
  const allOther = section.getByTestId('category-breakdown-all-other');
  return {
    rows: rows.map(([category, label, wh, energy, cost]) => [
      category,
      spaced(label as string),
      wh,
      spaced(energy as string),
      cost === null ? null : spaced(cost as string),
    ]),
    allOther: (await allOther.count()) === 0 ? null : spaced(await allOther.innerText()),
    title: spaced(await section.locator('h3').innerText()),
  };
}

/** Shows the place afresh (its section loads on mounting), via another node. */
async function showPlace(page: ConsolePage, node: string): Promise<void> {
  await selectNode(page.page, HEATER_NODE);
  await selectNode(page.page, node);
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const config = join(dir.path, 'kilowatch.toml');
  writeFileSync(config, TARIFF_TOML);
  core = await startHeadless(
    ['--broker', mosquitto.url, '--port', '0', '--db', join(dir.path, 'kw.db'), '--config', config],
    { TZ: zone.name },
  );
  client = await testClient(mosquitto.url);
  await poll(
    async () => (await api(core.url, 'settings.get', {})).body.ok,
    (ok) => ok === true,
    15_000,
    'the console answering',
  );
  await publishMinutes(BEFORE, 0);
  // The core's own figures before any category is set: the plug is one by its model.
  const before = await poll(
    () => coreBreakdown(ROOM1),
    (b) => b.total.energyWh === 880,
    30_000,
    'Sala1 counted before the change',
  );
  expect(before.categories.filter((x) => x.energyWh !== 0)).toEqual([
    { category: 'plug', energyWh: 400, costMinor: 10 },
    { category: 'other', energyWh: 480, costMinor: 12 },
  ]);
  c = await openConsole(core.url, { timezoneId: zone.name });
  await waitForRows(c.page, 'room:Categorias/', 2);
});

afterAll(async () => {
  await c?.browser.close();
  await client?.endAsync();
  await core?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('device categories in the console', () => {
  it('shows a device’s category, lets a manager change it, and a room’s energy and cost by category', async () => {
    // The plug is a plug by its model, the heater plain other.
    await selectNode(c.page, `device:${PLUG.prefix}`);
    const plugCategory = c.page.getByTestId('device-category');
    await expect(plugCategory.getAttribute('data-category')).resolves.toBe('plug');
    await expect(
      c.page.getByTestId('device-category-select').locator('option:checked').innerText(),
    ).resolves.toBe('As its model says (Plug loads)');

    await selectNode(c.page, ROOM1);
    expect(await shownBreakdown(c, ROOM1)).toEqual({
      title: 'By category',
      allOther: null,
      rows: [
        ['plug', 'Plug loads', 400, '400 Wh', '€0.10'],
        ['other', 'Other', 480, '480 Wh', '€0.12'],
        ['total', 'Total', 880, '880 Wh', '€0.22'],
      ],
    });

    // Staff make the heater HVAC in its details; the tree follows.
    await selectNode(c.page, HEATER_NODE);
    await expect(c.page.getByTestId('device-category').getAttribute('data-category')).resolves.toBe('other');
    await expect(c.page.getByTestId('device-category-save').isDisabled()).resolves.toBe(true);
    await c.page.getByTestId('device-category-select').selectOption('hvac');
    await c.page.getByTestId('device-category-save').click();
    await expect(c.page.getByTestId('device-category-message').innerText()).resolves.toContain(
      'applies from now on',
    );
    await poll(
      () => c.page.getByTestId('device-category').getAttribute('data-source'),
      (source) => source === 'console',
      10_000,
      'the tree to carry the heater’s category',
    );
    await expect(c.page.getByTestId('device-category').getAttribute('data-category')).resolves.toBe('hvac');

    await publishMinutes(AFTER, 3);
    await poll(
      () => coreBreakdown(ROOM1),
      (b) => b.total.energyWh === 2040,
      30_000,
      'Sala1 counted after the change',
    );
    await showPlace(c, ROOM1);
    expect(await shownBreakdown(c, ROOM1)).toEqual({
      title: 'By category',
      allOther: null,
      rows: [
        ['hvac', 'HVAC', 1000, '1.000 kWh', '€0.25'],
        ['plug', 'Plug loads', 520, '520 Wh', '€0.13'],
        ['other', 'Other', 520, '520 Wh', '€0.13'],
        ['total', 'Total', 2040, '2.040 kWh', '€0.51'],
      ],
    });

    // It follows the chart's range: 7 days hold the same (everything was today).
    await c.page.getByTestId('range-7d').click();
    expect((await shownBreakdown(c, ROOM1, dayStartS - 6 * 86_400)).rows.at(-1)).toEqual([
      'total',
      'Total',
      2040,
      '2.040 kWh',
      '€0.51',
    ]);
    await c.page.getByTestId('range-today').click();
    await shownBreakdown(c, ROOM1);

    // A room with nothing categorised says so in words.
    await selectNode(c.page, ROOM2);
    expect(await shownBreakdown(c, ROOM2)).toEqual({
      title: 'By category',
      allOther: 'No categories set yet: all energy is Other.',
      rows: [
        ['other', 'Other', 80, '80 Wh', '€0.02'],
        ['total', 'Total', 80, '80 Wh', '€0.02'],
      ],
    });
    expect(c.errors).toEqual([]);
  });

  it('says it all in Portuguese', async () => {
    const { body } = await api(core.url, 'settings.set', { language: 'pt-PT' });
    expect(body).toMatchObject({ ok: true });
    await c.page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-locale') === 'pt-PT',
    );
    await showPlace(c, ROOM1);
    expect(await shownBreakdown(c, ROOM1)).toEqual({
      title: 'Por categoria',
      allOther: null,
      rows: [
        ['hvac', 'AVAC', 1000, '1,000 kWh', '0,25 €'],
        ['plug', 'Tomadas', 520, '520 Wh', '0,13 €'],
        ['other', 'Outros', 520, '520 Wh', '0,13 €'],
        ['total', 'Total', 2040, '2,040 kWh', '0,51 €'],
      ],
    });
    await selectNode(c.page, ROOM2);
    expect((await shownBreakdown(c, ROOM2)).allOther).toBe('Ainda sem categorias: toda a energia é Outros.');
    await selectNode(c.page, HEATER_NODE);
    await expect(
      c.page.getByTestId('device-category-select').locator('option:checked').innerText(),
    ).resolves.toBe('AVAC');
    const back = await api(core.url, 'settings.set', { language: 'en-US' });
    expect(back.body).toMatchObject({ ok: true });
    expect(c.errors).toEqual([]);
  });

  it('keeps the desk from changing a category or a metering role: greyed with the reason, and refused by the core', async () => {
    const set = await api(core.url, 'access.setPin', { pin: PIN });
    expect(set.body).toMatchObject({ ok: true });
    // The page learns of the PIN when it asks again.
    await c.page.reload();
    await waitForRows(c.page, 'room:Categorias/', 2);
    await poll(
      () => c.page.getByTestId('access').getAttribute('data-role'),
      (role) => role === 'desk',
      5000,
      'the desk role',
    );
    await selectNode(c.page, HEATER_NODE);
    await expect(c.page.getByTestId('device-category-select').isDisabled()).resolves.toBe(true);
    await expect(c.page.getByTestId('device-category-save').isDisabled()).resolves.toBe(true);
    await expect(c.page.getByTestId('device-category-desk').innerText()).resolves.toMatch(
      /Only a manager may change these.*manager PIN/,
    );
    // The device's metering role beside it, likewise.
    await expect(c.page.getByTestId('meter-role-select').isDisabled()).resolves.toBe(true);
    await expect(c.page.getByTestId('meter-role-save').isDisabled()).resolves.toBe(true);
    await expect(c.page.getByTestId('meter-role-desk').innerText()).resolves.toMatch(/manager PIN/);
    // Another session, not unlocked, asks the core directly: refused, and nothing changes.
    const res = await fetch(`${core.url}/api/device.category`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await sessionCookie(core.url) },
      body: JSON.stringify({ device: HEATER_NODE, category: 'it' }),
    });
    const refused = (await res.json()) as { ok: boolean; error?: { message: string } };
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toMatch(/Only a manager may do this/);
    await expect(c.page.getByTestId('device-category').getAttribute('data-category')).resolves.toBe('hvac');
    // The figures are still there for the desk to read.
    await showPlace(c, ROOM1);
    expect((await shownBreakdown(c, ROOM1)).rows.at(-1)).toEqual([
      'total',
      'Total',
      2040,
      '2.040 kWh',
      '€0.51',
    ]);
    expect(c.errors).toEqual([]);
  });
});
