/// <reference lib="dom" />
/**
 * Issue #18: the energy chart shows the cost beside the kWh. Two real headless consoles listen to
 * the same private Mosquitto: one with a time-of-use tariff in its kilowatch.toml (0.20 €/kWh from
 * 08:00 to 10:30, 0.30 €/kWh the rest of the day, in force since 2020), one without. We publish a
 * heater's readings ourselves (a reading's rise belongs to the minute before its minute_ts), in
 * local time of a zone where it is about noon:
 *
 *   yesterday 23:57  baseline (counts nothing)
 *   yesterday 23:58  +100 Wh in 23:57 × 0.30 = 3 c
 *   yesterday 23:59   +50 Wh in 23:58 × 0.30 = 1.5 c           yesterday: 150 Wh, 4.5 c → 5 c
 *   today     10:28     +0 (back after the night)
 *   today     10:29 +1000 Wh in 10:28 × 0.20 = 20 c
 *   today     10:30  +600 Wh in 10:29 × 0.20 = 12 c
 *   today     10:31  +400 Wh in 10:30 × 0.30 = 12 c
 *   today     10:32   +50 Wh in 10:31 × 0.30 = 1.5 c          today: 2050 Wh, 45.5 c → 46 c
 *
 * so "Today" reads "2.050 kWh · €0.46", and "7 days" 2200 Wh and 4.5 + 45.5 = 50 c rounded once:
 * €0.50 (the rounded days added up would say 5 + 46 = 51 c; the core adds, the console only
 * writes). In Portuguese: "0,46 €" and "0,50 €". Without a tariff
 * the chart shows the kWh and no cost at all (not €0.00). No console errors.
 *
 * The Today, This week and This month tiles show the same core totals under their kWh: today
 * €0.46; the week and the month €0.50 when yesterday belongs to them, else €0.46 (on a Monday,
 * and on the 1st). Without a tariff the tiles show no cost line at all.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryResult } from '../../src/shared/contract';
import {
  chartData,
  openConsole,
  poll,
  selectNode,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { publishCostStream } from '../support/cost-stream';
import type { FixtureDevice } from '../support/e2e-fixtures';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const HEATER: FixtureDevice = { prefix: 'Custo/HQ/Q1/Aquecedor', src: 'shellyplus1pm-c05700000001' };
const ROOM = 'room:Custo/HQ/Q1';

const zone = noonZone();
const dayStartS = zone.dayStartMs(Date.now()) / 1000;

const TARIFF_TOML = `[tariff]
currency = "EUR"

[[tariff.periods]]
from = "2020-01-01"
feedInPerKWh = "0.05"
bands = [
  { from = "08:00", to = "10:30", perKWh = "0.20" },
  { from = "10:30", to = "08:00", perKWh = "0.30" },
]
`;

let mosquitto: Mosquitto;
let priced: Headless;
let plain: Headless;
let client: MqttClient;
let c: ConsolePage;
let p: ConsolePage;
const dir = tempDir();

/**
 * The room's history, or null while the core has no such room: it learns the room from the
 * heater's first reading, which may still be on its way when the publisher's last one is acked.
 */
async function historyOf(url: string, from: number, to: number): Promise<HistoryResult | null> {
  const { body } = await api(url, 'history.query', {
    node: ROOM,
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    resolution: 'day',
  });
  if (body.ok === true) return body.value as HistoryResult;
  if ((body as { error?: { code?: string } }).error?.code === 'not-found') return null;
  throw new Error(`history.query failed: ${JSON.stringify(body)}`);
}

/** Picks a preset range and waits until the chart of the room shows it, loaded. */
async function showRange(
  page: ConsolePage,
  kind: 'today' | '7d',
): Promise<Record<string, string | undefined>> {
  await page.page.getByTestId(`range-${kind}`).click();
  const days = kind === 'today' ? 1 : 7;
  const fromIso = new Date((dayStartS - (days - 1) * 86_400) * 1000).toISOString();
  return poll(
    () => chartData(page.page, ROOM),
    (d) => d.from === fromIso && d.historyTotalWh !== undefined && Number(d.historyTotalWh) > 0,
    20_000,
    `the ${kind} chart of ${ROOM}`,
  );
}

const spaced = (text: string | null) => (text ?? '').replace(/\s/g, ' ').trim();

/** Each tile's cost in minor units: yesterday's 4.5 c only when the period holds yesterday. */
function expectedTileCosts(): { today: number; week: number; month: number } {
  const nowMs = Date.now();
  const yesterdayMs = (dayStartS - 86_400) * 1000;
  const withYesterday = (startMs: number) => (yesterdayMs >= startMs ? 50 : 46);
  return {
    today: 46,
    week: withYesterday(zone.weekStartMs(nowMs)),
    month: withYesterday(zone.monthStartMs(nowMs)),
  };
}

const TILES = ['today', 'week', 'month'] as const;

/** The three period tiles' cost lines (text, minor units, title); null for a tile without one. */
async function tileCosts(page: ConsolePage) {
  const details = page.page.getByTestId('node-details');
  const out: Record<string, { text: string; minor: number; title: string } | null> = {};
  for (const tile of TILES) {
    const cost = details.getByTestId(`detail-${tile}-cost`);
    out[tile] =
      (await cost.count()) === 0
        ? null
        : {
            text: spaced(await cost.innerText()),
            minor: Number(await cost.getAttribute('data-cost-minor')),
            title: (await cost.getAttribute('title')) ?? '',
          };
  }
  return out as Record<(typeof TILES)[number], { text: string; minor: number; title: string } | null>;
}

/** Selects the room and waits for its week and month tiles to hold the core's figures. */
async function showTiles(page: ConsolePage, expectCost: boolean) {
  await selectNode(page.page, ROOM);
  const details = page.page.getByTestId('node-details');
  // Week, month and their costs arrive together (loadPeriods): once the kWh are in, so is any cost.
  await poll(
    async () => [await details.getByTestId('detail-week').innerText(), (await tileCosts(page)).month],
    ([week, month]) => /Wh$/.test(spaced(week as string)) && (month !== null) === expectCost,
    20_000,
    'the room’s week tile',
  );
  return tileCosts(page);
}

/** The chart's cost beside the total, as a person reads it; null when there is none. */
async function chartCost(page: ConsolePage): Promise<string | null> {
  const cost = page.page.getByTestId('chart-cost');
  return (await cost.count()) === 0 ? null : spaced(await cost.innerText());
}

/** The table's rows that have energy, as [Wh, cost text]; the header and the total's cost. */
async function tableCosts(page: ConsolePage) {
  const toggle = page.page.getByTestId('chart-table-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const table = page.page.getByTestId('chart-table');
  await table.waitFor();
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        Number(tr.querySelector('td[data-wh]')?.getAttribute('data-wh') ?? 0),
        tr.querySelector('[data-testid="chart-table-cost"]')?.textContent ?? null,
      ]),
    );
  const head = table.getByTestId('chart-table-cost-head');
  const total = table.getByTestId('chart-table-total-cost');
  const out = {
    rows: rows
      .filter(([wh]) => (wh as number) > 0)
      .map(([wh, text]) => [wh, text === null ? null : spaced(text as string)]),
    head: (await head.count()) === 0 ? null : spaced(await head.innerText()),
    total: (await total.count()) === 0 ? null : spaced(await total.innerText()),
  };
  await toggle.click();
  return out;
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const config = join(dir.path, 'kilowatch.toml');
  writeFileSync(config, TARIFF_TOML);
  [priced, plain] = await Promise.all([
    startHeadless(
      ['--broker', mosquitto.url, '--port', '0', '--db', join(dir.path, 'priced.db'), '--config', config],
      { TZ: zone.name },
    ),
    // No kilowatch.toml at all: no [tariff]. Its own prefix, so the two never share aggregates.
    startHeadless(
      [
        '--broker',
        mosquitto.url,
        '--port',
        '0',
        '--db',
        join(dir.path, 'plain.db'),
        '--out-prefix',
        'kilowatch-plain',
      ],
      { TZ: zone.name },
    ),
  ]);
  client = await testClient(mosquitto.url);
  // Both consoles must be listening before the first reading (the baseline) goes out.
  for (const headless of [priced, plain])
    await poll(
      async () => (await api(headless.url, 'settings.get', {})).body.ok,
      (ok) => ok === true,
      15_000,
      'a console answering',
    );
  await publishCostStream(client, HEATER, dayStartS);
  // The core's own figures for what was published (the chart must show these, written).
  const week = await poll(
    () => historyOf(priced.url, dayStartS - 6 * 86_400, dayStartS + 86_400),
    (h) => h?.total.energyWh === 2200,
    30_000,
    'the week in the priced core',
  ).then((h) => h as HistoryResult);
  expect(week.currency).toBe('EUR');
  expect(week.total.costMinor).toBe(50);
  expect(week.points.map((pt) => [pt.energyWh, pt.costMinor])).toEqual([
    [150, 5],
    [2050, 46],
  ]);
  const plainWeek = await poll(
    () => historyOf(plain.url, dayStartS - 6 * 86_400, dayStartS + 86_400),
    (h) => h?.total.energyWh === 2200,
    30_000,
    'the week in the console without a tariff',
  ).then((h) => h as HistoryResult);
  expect(plainWeek.currency).toBeUndefined();
  expect(plainWeek.total.costMinor).toBeUndefined();

  [c, p] = await Promise.all([
    openConsole(priced.url, { timezoneId: zone.name }),
    openConsole(plain.url, { timezoneId: zone.name }),
  ]);
  await Promise.all([waitForRows(c.page, 'room:Custo/', 1), waitForRows(p.page, 'room:Custo/', 1)]);
});

afterAll(async () => {
  await c?.browser.close();
  await p?.browser.close();
  await client?.endAsync();
  await priced?.stop();
  await plain?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('the cost beside the kWh in the energy chart', () => {
  it('shows the period’s cost from the core’s history in English, total and per slot', async () => {
    await selectNode(c.page, ROOM);

    const today = await showRange(c, 'today');
    expect(today).toMatchObject({ currency: 'EUR', costMinor: '46' });
    await expect(c.page.getByTestId('chart-total').innerText().then(spaced)).resolves.toBe('2.050 kWh');
    expect(await chartCost(c)).toBe('€0.46');
    expect(await tableCosts(c)).toEqual({ rows: [[2050, '€0.46']], head: 'Cost', total: '€0.46' });

    const week = await showRange(c, '7d');
    expect(week).toMatchObject({ currency: 'EUR', costMinor: '50' });
    await expect(c.page.getByTestId('chart-total').innerText().then(spaced)).resolves.toBe('2.200 kWh');
    expect(await chartCost(c)).toBe('€0.50');
    expect(await tableCosts(c)).toEqual({
      rows: [
        [150, '€0.05'],
        [2050, '€0.46'],
      ],
      head: 'Cost',
      total: '€0.50',
    });
    expect(c.errors).toEqual([]);
  });

  it('writes the cost the Portuguese way in Portuguese', async () => {
    const { body } = await api(priced.url, 'settings.set', { language: 'pt-PT' });
    expect(body).toMatchObject({ ok: true });
    await c.page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-locale') === 'pt-PT',
    );
    await selectNode(c.page, ROOM);
    await showRange(c, 'today');
    expect(await chartCost(c)).toBe('0,46 €');
    await showRange(c, '7d');
    expect(await chartCost(c)).toBe('0,50 €');
    expect(await tableCosts(c)).toEqual({
      rows: [
        [150, '0,05 €'],
        [2050, '0,46 €'],
      ],
      head: 'Custo',
      total: '0,50 €',
    });
    expect(c.errors).toEqual([]);
  });

  it('shows no cost at all without a tariff (not €0.00)', async () => {
    await selectNode(p.page, ROOM);
    for (const kind of ['today', '7d'] as const) {
      const data = await showRange(p, kind);
      // The total is there; the cost beside it is not.
      await expect(p.page.getByTestId('chart-total').count()).resolves.toBe(1);
      expect(await chartCost(p)).toBeNull();
      expect(data.currency).toBeUndefined();
      expect(data.costMinor).toBeUndefined();
      const table = await tableCosts(p);
      expect(table.head).toBeNull();
      expect(table.total).toBeNull();
      expect(table.rows.every(([, text]) => text === null)).toBe(true);
    }
    expect(p.errors).toEqual([]);
  });
});

describe('the cost under the Today, This week and This month tiles', () => {
  // The previous block left the priced console in Portuguese.
  it('writes each period’s cost from the core under its kWh, in Portuguese', async () => {
    const want = expectedTileCosts();
    const tiles = await showTiles(c, true);
    const euros = (minor: number) => (minor === 50 ? '0,50 €' : '0,46 €');
    for (const tile of TILES) {
      expect(tiles[tile]).toMatchObject({ text: euros(want[tile]), minor: want[tile] });
      // It lags the live kWh until the next refresh, and says so.
      expect(tiles[tile]?.title).toMatch(/^Custo às \d\d:\d\d, .*próxima atualização$/);
    }
    expect(c.errors).toEqual([]);
  });

  it('writes them the English way in English', async () => {
    const { body } = await api(priced.url, 'settings.set', { language: 'en-US' });
    expect(body).toMatchObject({ ok: true });
    await c.page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-locale') === 'en-US',
    );
    const want = expectedTileCosts();
    const tiles = await showTiles(c, true);
    const euros = (minor: number) => (minor === 50 ? '€0.50' : '€0.46');
    expect(spaced(await c.page.getByTestId('detail-today').innerText())).toBe('2.050 kWh');
    for (const tile of TILES) {
      expect(tiles[tile]).toMatchObject({ text: euros(want[tile]), minor: want[tile] });
      expect(tiles[tile]?.title).toMatch(/^Cost as of \d{1,2}:\d\d\s[AP]M, .*next refresh$/);
    }
    expect(c.errors).toEqual([]);
  });

  it('shows no cost under the tiles without a tariff (not €0.00)', async () => {
    const tiles = await showTiles(p, false);
    expect(spaced(await p.page.getByTestId('detail-today').innerText())).toBe('2.050 kWh');
    expect(tiles).toEqual({ today: null, week: null, month: null });
    expect(p.errors).toEqual([]);
  });
});
