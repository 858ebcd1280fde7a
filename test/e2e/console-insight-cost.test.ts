/// <reference lib="dom" />
/**
 * Issue #18 item 3, cost: the Insight panel shows the cost beside the energy. A real headless
 * console with a time-of-use tariff in its kilowatch.toml (0.20 €/kWh from 08:00 to 10:30, 0.30
 * €/kWh the rest of the day, in force since 2020) listens to a private Mosquitto; we publish a
 * heater's readings ourselves (a reading's rise belongs to the minute before its minute_ts), in
 * the local time of a zone where it is about noon:
 *
 *   today 10:28     +0 (baseline)
 *   today 10:29 +1000 Wh in 10:28 × 0.20 = 20 c
 *   today 10:30  +600 Wh in 10:29 × 0.20 = 12 c
 *   today 10:31  +400 Wh in 10:30 × 0.30 = 12 c
 *   today 10:32   +50 Wh in 10:31 × 0.30 = 1.5 c     today: 2050 Wh, 45.5 c → 46 c
 *
 * so "Today so far" reads 2.050 kWh beside €0.46 (0,46 € in Portuguese), the heater is this
 * month's top consumer at the same €0.46, and the same weekday last week (nothing used, at a
 * price) is €0.00. No console errors.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insight } from '../../src/shared/contract';
import { openConsole, poll, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { energyFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { noonZone } from '../support/pinned-zone';
import { tempDir } from '../support/temp-dir';

const HEATER: FixtureDevice = { prefix: 'InsCusto/HQ/Q1/Aquecedor', src: 'shellyplus1pm-c05710000001' };
const ROOM = 'room:InsCusto/HQ/Q1';
const DEVICE = `device:${HEATER.prefix}`;

const MINUTE_S = 60;
const HOUR_S = 3600;
const zone = noonZone();
const dayStartS = zone.dayStartMs(Date.now()) / 1000;

/** [seconds from today's local midnight, the heater's counter in Wh]. */
const STREAM: Array<[number, number]> = [
  [10 * HOUR_S + 28 * MINUTE_S, 1000],
  [10 * HOUR_S + 29 * MINUTE_S, 2000],
  [10 * HOUR_S + 30 * MINUTE_S, 2600],
  [10 * HOUR_S + 31 * MINUTE_S, 3000],
  [10 * HOUR_S + 32 * MINUTE_S, 3050],
];

const TARIFF_TOML = `[tariff]
currency = "EUR"

[[tariff.periods]]
from = "2020-01-01"
bands = [
  { from = "08:00", to = "10:30", perKWh = "0.20" },
  { from = "10:30", to = "08:00", perKWh = "0.30" },
]
`;

type Catalog = Record<string, string | Record<string, string>>;
let en: Catalog;
let pt: Catalog;
let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
let c: ConsolePage;
const dir = tempDir();

async function insightOf(node: string): Promise<Insight> {
  const { body } = await api(headless.url, 'insight.get', { node });
  if (body.ok !== true) throw new Error(`insight.get failed: ${JSON.stringify(body)}`);
  return body.value as Insight;
}

const panel = () => c.page.getByTestId('insight');
const spaced = (text: string) => text.replace(/\s/g, ' ').trim();
const textOf = async (testId: string) => spaced(await panel().getByTestId(testId).innerText());

async function readyPanel(node: string): Promise<void> {
  await c.page
    .locator(`[data-testid="insight"][data-node="${node}"][data-status="ready"]`)
    .waitFor({ timeout: 20_000 });
}

/** The cost beside the first consumer's energy. */
const consumerCost = async () =>
  spaced(
    await panel()
      .locator(`[data-testid="insight-consumers"] li[data-node-id="${DEVICE}"]`)
      .getByTestId('insight-item-energy-cost')
      .innerText(),
  );

beforeAll(async () => {
  const RENDERER = resolve(__dirname, '../../src/renderer/src');
  const { MESSAGES } = (await import(/* @vite-ignore */ `${RENDERER}/i18n/messages/index.ts`)) as {
    MESSAGES: Record<string, Catalog>;
  };
  en = MESSAGES.en as Catalog;
  pt = MESSAGES.pt as Catalog;

  mosquitto = await startMosquitto();
  const config = join(dir.path, 'kilowatch.toml');
  writeFileSync(config, TARIFF_TOML);
  headless = await startHeadless(
    ['--broker', mosquitto.url, '--port', '0', '--db', join(dir.path, 'insight-cost.db'), '--config', config],
    { TZ: zone.name },
  );
  client = await testClient(mosquitto.url);
  await poll(
    async () => (await api(headless.url, 'settings.get', {})).body.ok,
    (ok) => ok === true,
    15_000,
    'the console answering',
  );
  for (const [offsetS, totalWh] of STREAM)
    await publish(
      client,
      `${HEATER.prefix}/events/rpc`,
      energyFrame(HEATER, { minuteTsS: dayStartS + offsetS, totalWh }),
    );
  // The core's own figures for what was published: the panel must show these, written.
  const insight = await poll(
    () => insightOf(ROOM).catch((e: unknown) => String(e)),
    (i) => typeof i !== 'string' && i.today.energyWh === 2050,
    30_000,
    'the room’s insight in the core',
  );
  if (typeof insight === 'string') throw new Error(insight);
  expect(insight.currency).toBe('EUR');
  expect(insight.today).toMatchObject({
    costMinor: 46,
    previousWh: 0,
    previousCostMinor: 0,
    changeCostMinor: 46,
  });
  expect(insight.topConsumers.map((r) => [r.node, r.energyWh, r.costMinor])).toEqual([[DEVICE, 2050, 46]]);

  c = await openConsole(headless.url, { timezoneId: zone.name });
  await waitForRows(c.page, 'room:InsCusto/', 1);
});

afterAll(async () => {
  await c?.browser.close();
  await client?.endAsync();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('the cost in the Insight panel', () => {
  it('shows today’s cost beside its energy, and the top consumer’s, in English', async () => {
    await selectNode(c.page, ROOM);
    await readyPanel(ROOM);
    await panel().scrollIntoViewIfNeeded();
    expect(await textOf('insight-today-energy')).toBe('2.050 kWh');
    expect(await textOf('insight-today-energy-cost')).toBe('€0.46');
    expect(await textOf('insight-today-cost-change')).toContain('+€0.46');
    expect(await textOf('insight-today-previous')).toMatch(/: 0 Wh, €0\.00$/);
    expect(await consumerCost()).toBe('€0.46');
    expect(c.errors).toEqual([]);
  });

  it('writes it the Portuguese way in Portuguese, with no English word of its own', async () => {
    const { body } = await api(headless.url, 'settings.set', { language: 'pt-PT' });
    expect(body).toMatchObject({ ok: true });
    await c.page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-locale') === 'pt-PT',
    );
    await selectNode(c.page, ROOM);
    await readyPanel(ROOM);
    await panel().scrollIntoViewIfNeeded();
    expect(await textOf('insight-today-energy-cost')).toBe('0,46 €');
    expect(await consumerCost()).toBe('0,46 €');
    expect(await textOf('insight-today-previous')).toMatch(/: 0 Wh, 0,00 €$/);
    await expect(panel().getByTestId('insight-nights').locator('h4').innerText()).resolves.toBe(
      pt['insight.nights.titleCost'],
    );
    const shown = await panel().evaluate((el) =>
      [
        (el as HTMLElement).innerText,
        ...[...el.querySelectorAll('[title]')].map((e) => e.getAttribute('title') ?? ''),
      ].join('\n'),
    );
    const words = (m: string | Record<string, string>) =>
      (typeof m === 'string' ? m : Object.values(m).join(' ')).split(/[^\p{L}]+/u);
    const portuguese = new Set(
      Object.entries(pt)
        .filter(([key]) => key.startsWith('insight.'))
        .flatMap(([, m]) => words(m)),
    );
    const englishOnly = new Set(
      Object.entries(en)
        .filter(([key]) => key.startsWith('insight.'))
        .flatMap(([, m]) => words(m))
        .filter((w) => w.length > 1 && !portuguese.has(w)),
    );
    expect(shown.split(/[^\p{L}]+/u).filter((w) => englishOnly.has(w))).toEqual([]);
    expect(c.errors).toEqual([]);
  });
});
