/// <reference lib="dom" />
/**
 * The Insight panel (#18 item 3, energy): for an office with two rooms whose energy we publish
 * ourselves (device timestamps up to ten days back, last night minute by minute), the panel shows
 * exactly what `insight.get` answers, written with the console's formatters: today and this month
 * against before, the base load (or why there is none), top consumers and movers in the core's
 * order, the rooms' night; a consumer's name selects it in the tree; in Portuguese no English word
 * of the panel is left.
 * Console and browser pinned to a zone where it is about noon; private Mosquitto; no console errors.
 */
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

const HEATER: FixtureDevice = { prefix: 'Ins/HQ/Q101/Aquecedor', src: 'shellyplus1pm-1a0000000001' };
const KETTLE: FixtureDevice = { prefix: 'Ins/HQ/Q102/Chaleira', src: 'shellyplus1pm-1b0000000002' };
/** Used only this morning: no night to find a base load in. */
const LAMP: FixtureDevice = { prefix: 'Ins/Anexo/Q201/Candeeiro', src: 'shellyplus1pm-1c0000000003' };
const OFFICE = 'office:Ins/HQ';
const ANNEX = 'office:Ins/Anexo';
const ROOM_101 = 'room:Ins/HQ/Q101';
const ROOM_102 = 'room:Ins/HQ/Q102';

const MINUTE_S = 60;
const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
const zone = noonZone();
const dayStartS = zone.dayStartMs(Date.now()) / 1000;

/** The renderer's own formatters, seen from Node (they belong to the web TypeScript project). */
interface Format {
  applyDisplay(display: { locale: string | undefined; timeZone: string | undefined }): unknown;
  formatEnergy(wh: number): string;
  formatEnergyDelta(wh: number): string;
  formatPctDelta(pct: number): string;
  formatPercent(pct: number): string;
  formatPower(w: number): string;
}
type Catalog = Record<string, string | Record<string, string>>;
let f: Format;
let en: Catalog;
let pt: Catalog;

let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
let c: ConsolePage;
const dir = tempDir();

/**
 * One device's readings, oldest first: a baseline, then for each day a reading at 10:00 that
 * rises nothing (across the gap) and one at 10:01 that books `wh` into 10:00–10:01; last night
 * every minute from 01:00 to 05:00 rising `nightWhPerMinute`.
 */
async function publishHistory(
  device: FixtureDevice,
  days: Array<{ daysAgo: number; wh: number }>,
  nightWhPerMinute: number | null,
): Promise<void> {
  let totalWh = 1000;
  const at = async (tS: number, riseWh: number) => {
    totalWh += riseWh;
    await publish(client, `${device.prefix}/events/rpc`, energyFrame(device, { minuteTsS: tS, totalWh }));
  };
  const tenOn = (daysAgo: number) => dayStartS - daysAgo * DAY_S + 10 * HOUR_S;
  const past = days.filter((d) => d.daysAgo > 0);
  const today = days.filter((d) => d.daysAgo === 0);
  for (const d of past) {
    await at(tenOn(d.daysAgo), 0);
    await at(tenOn(d.daysAgo) + MINUTE_S, d.wh);
  }
  if (nightWhPerMinute !== null) {
    await at(dayStartS + HOUR_S, 0);
    for (let t = dayStartS + HOUR_S + MINUTE_S; t <= dayStartS + 5 * HOUR_S; t += MINUTE_S)
      await at(t, nightWhPerMinute);
  }
  for (const d of today) {
    await at(tenOn(0), 0);
    await at(tenOn(0) + MINUTE_S, d.wh);
  }
}

async function insightOf(node: string): Promise<Insight> {
  const { body } = await api(headless.url, 'insight.get', { node });
  if (body.ok !== true) throw new Error(`insight.get failed: ${JSON.stringify(body)}`);
  return body.value as Insight;
}

const panel = () => c.page.getByTestId('insight');

async function readyPanel(node: string): Promise<void> {
  try {
    await c.page.locator(`[data-testid="insight"][data-node="${node}"][data-status="ready"]`).waitFor({
      timeout: 20_000,
    });
  } catch (e) {
    const text = await panel()
      .innerText()
      .catch(() => '(no panel)');
    throw new Error(`${String(e)}\nthe panel showed:\n${text}\nerrors: ${c.errors.join('\n')}`);
  }
}

const texts = (selector: string) =>
  panel()
    .locator(selector)
    .evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.trim()));
const nodeIds = (list: string) =>
  panel()
    .locator(`[data-testid="${list}"] li`)
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-node-id')));

beforeAll(async () => {
  const RENDERER = resolve(__dirname, '../../src/renderer/src');
  f = (await import(/* @vite-ignore */ `${RENDERER}/format.ts`)) as Format;
  f.applyDisplay({ locale: 'en-US', timeZone: zone.name });
  const { MESSAGES } = (await import(/* @vite-ignore */ `${RENDERER}/i18n/messages/index.ts`)) as {
    MESSAGES: Record<string, Catalog>;
  };
  en = MESSAGES.en as Catalog;
  pt = MESSAGES.pt as Catalog;

  mosquitto = await startMosquitto();
  headless = await startHeadless(
    ['--broker', mosquitto.url, '--port', '0', '--db', join(dir.path, 'insight.db')],
    { TZ: zone.name },
  );
  client = await testClient(mosquitto.url);
  // The heater's use grew over the fortnight, the kettle's fell; both ran all last night.
  await publishHistory(
    HEATER,
    [
      { daysAgo: 10, wh: 100 },
      { daysAgo: 7, wh: 40 },
      { daysAgo: 3, wh: 300 },
      { daysAgo: 1, wh: 30 },
      { daysAgo: 0, wh: 50 },
    ],
    1,
  );
  await publishHistory(
    KETTLE,
    [
      { daysAgo: 10, wh: 400 },
      { daysAgo: 7, wh: 10 },
      { daysAgo: 3, wh: 100 },
      { daysAgo: 1, wh: 30 },
      { daysAgo: 0, wh: 20 },
    ],
    0.5,
  );
  await publishHistory(LAMP, [{ daysAgo: 0, wh: 5 }], null);
  // 50 + 20 today from 10:00, and 4 h of 60 W + 30 W last night.
  await poll(
    () => insightOf(OFFICE).catch((e: unknown) => String(e)),
    (i) => typeof i !== 'string' && Math.abs(i.today.energyWh - 430) < 1e-6,
    30_000,
    'the office’s insight in the core',
  );
  c = await openConsole(headless.url, { timezoneId: zone.name });
  await waitForRows(c.page, 'room:Ins/HQ/', 2);
});

afterAll(async () => {
  await c?.browser.close();
  await client?.endAsync();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('the Insight panel', () => {
  it('shows what insight.get answers for the office, in the core’s order', async () => {
    await selectNode(c.page, OFFICE);
    await readyPanel(OFFICE);
    await panel().scrollIntoViewIfNeeded();
    const insight = await insightOf(OFFICE);

    // The core's figures for what was published (the panel must show these, not its own sums).
    expect(insight.today).toMatchObject({ energyWh: 430, previousWh: 50, changeWh: 380 });
    expect(insight.baseLoad?.watts).toBeCloseTo(90, 6);
    // Q101 370 Wh against 100 Wh before, Q102 140 against 400.
    expect(insight.topMovers.map((m) => [m.node, m.changeWh]).sort()).toEqual([
      [ROOM_101, 270],
      [ROOM_102, -260],
    ]);

    const p = panel();
    await expect(p.getByRole('heading', { name: en['insight.title'] as string }).count()).resolves.toBe(1);
    for (const [id, comparison] of [
      ['insight-today', insight.today],
      ['insight-month', insight.month],
    ] as const) {
      await expect(p.getByTestId(`${id}-energy`).innerText()).resolves.toBe(
        f.formatEnergy(comparison.energyWh),
      );
      const change = await p.getByTestId(`${id}-change`).innerText();
      const direction = comparison.changeWh > 0 ? 'up' : comparison.changeWh < 0 ? 'down' : 'same';
      expect(change).toContain(en[`insight.change.${direction}`] as string);
      if (direction !== 'same') expect(change).toContain(f.formatEnergyDelta(comparison.changeWh));
      if (comparison.changePct !== null) expect(change).toContain(f.formatPctDelta(comparison.changePct));
      await expect(p.getByTestId(`${id}-previous`).innerText()).resolves.toContain(
        f.formatEnergy(comparison.previousWh),
      );
      await expect(p.getByTestId(`${id}-to-the-hour`).count()).resolves.toBe(comparison.isToTheHour ? 1 : 0);
    }
    // "Sunday, Nov 29 until 12:03": the same weekday a week ago, to the same time.
    const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: zone.name }).format(
      new Date(insight.today.previousFrom),
    );
    await expect(p.getByTestId('insight-today-previous').innerText()).resolves.toContain(`${weekday}, `);
    await expect(p.getByTestId('insight-today-change').getAttribute('data-direction')).resolves.toBe('up');

    const base = insight.baseLoad;
    if (!base) throw new Error('no base load in the core’s answer');
    await expect(p.getByTestId('insight-base-watts').innerText()).resolves.toBe(f.formatPower(base.watts));
    await expect(p.getByTestId('insight-base-per-day').innerText()).resolves.toBe(
      base.shareOfDay === null
        ? `= ${f.formatEnergy(base.perDayWh)} a day`
        : `= ${f.formatEnergy(base.perDayWh)} a day, ${f.formatPercent(base.shareOfDay * 100)} of yesterday`,
    );
    const clock = new Intl.DateTimeFormat('en-US', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone.name,
    });
    const spaced = (text: string) => text.replace(/\s/g, ' ');
    await expect(p.getByTestId('insight-base-window').innerText().then(spaced)).resolves.toBe(
      spaced(`Lowest from ${clock.format(new Date(base.from))} to ${clock.format(new Date(base.to))}`),
    );

    expect(insight.topConsumers.length).toBe(2);
    await expect(nodeIds('insight-consumers')).resolves.toEqual(insight.topConsumers.map((r) => r.node));
    await expect(
      texts('[data-testid="insight-consumers"] [data-testid="insight-item-energy"]'),
    ).resolves.toEqual(insight.topConsumers.map((r) => f.formatEnergy(r.energyWh)));
    await expect(
      texts('[data-testid="insight-consumers"] [data-testid="insight-item-share"]'),
    ).resolves.toEqual(
      insight.topConsumers.map((r) => (r.share === null ? '—' : f.formatPercent(r.share * 100))),
    );
    await expect(nodeIds('insight-movers')).resolves.toEqual(insight.topMovers.map((m) => m.node));
    const moves = await texts('[data-testid="insight-movers"] [data-testid="insight-item-change"]');
    expect(moves).toHaveLength(insight.topMovers.length);
    for (const [i, m] of insight.topMovers.entries()) {
      expect(moves[i]).toContain(f.formatEnergyDelta(m.changeWh));
      if (m.changePct !== null) expect(moves[i]).toContain(f.formatPctDelta(m.changePct));
    }
    expect(insight.nights.rooms.map((r) => r.energyWh)).toEqual([240, 120]);
    await expect(nodeIds('insight-nights')).resolves.toEqual(insight.nights.rooms.map((r) => r.node));
    await expect(
      texts('[data-testid="insight-nights"] [data-testid="insight-item-energy"]'),
    ).resolves.toEqual(insight.nights.rooms.map((r) => f.formatEnergy(r.energyWh)));
    expect(c.errors).toEqual([]);
  });

  it('says in words why there is no base load, and what is missing', async () => {
    const insight = await poll(
      () => insightOf(ANNEX),
      (i) => i.today.energyWh === 5,
      15_000,
      'the annex’s insight',
    );
    expect(insight.baseLoad).toBeNull();
    await selectNode(c.page, ANNEX);
    await readyPanel(ANNEX);
    const p = panel();
    const moment = new Intl.DateTimeFormat('en-US', {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zone.name,
    });
    const spaced = (text: string) => text.replace(/\s/g, ' ');
    await expect(p.getByTestId('insight-base-none').innerText().then(spaced)).resolves.toBe(
      spaced(
        `No base load: last night (${moment.format(new Date(insight.nights.from))} to ` +
          `${moment.format(new Date(insight.nights.to))}) has no 15 minutes with every minute read.`,
      ),
    );
    await expect(p.getByTestId('insight-base-watts').count()).resolves.toBe(0);
    await expect(nodeIds('insight-consumers')).resolves.toEqual(insight.topConsumers.map((r) => r.node));
    if (insight.topMovers.length === 0)
      await expect(p.getByTestId('insight-movers').innerText()).resolves.toContain(
        en['insight.movers.none'] as string,
      );
    if (insight.nights.rooms.length === 0)
      await expect(p.getByTestId('insight-nights').innerText()).resolves.toContain(
        en['insight.nights.none'] as string,
      );
    expect(c.errors).toEqual([]);
  });

  it('selects a consumer in the tree when its name is clicked', async () => {
    await selectNode(c.page, OFFICE);
    await readyPanel(OFFICE);
    const insight = await insightOf(OFFICE);
    const first = insight.topConsumers[0];
    if (!first) throw new Error('no consumer');
    await panel()
      .locator(`[data-testid="insight-consumers"] li[data-node-id="${first.node}"]`)
      .getByRole('button', { name: first.name })
      .click();
    await c.page.locator(`[data-testid="node-details"][data-node-id="${first.node}"]`).waitFor();
    await expect(
      c.page.locator(`[role="treeitem"][data-node-id="${first.node}"]`).getAttribute('aria-selected'),
    ).resolves.toBe('true');
    // The room's own insight follows the selection.
    await readyPanel(first.node);
    expect(c.errors).toEqual([]);
  });

  it('leaves no English word of its own in Portuguese', async () => {
    const { body } = await api(headless.url, 'settings.set', { language: 'pt-PT' });
    expect(body).toMatchObject({ ok: true });
    await c.page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-locale') === 'pt-PT',
    );
    await selectNode(c.page, OFFICE);
    await readyPanel(OFFICE);
    await expect(
      panel()
        .getByRole('heading', { name: pt['insight.title'] as string })
        .count(),
    ).resolves.toBe(1);
    const headings = await texts('h3, h4');
    const englishHeadings = Object.entries(en)
      .filter(([key]) => /^insight\.(\w+\.)?title$/.test(key))
      .map(([, m]) => m);
    expect(headings.filter((h) => englishHeadings.includes(h))).toEqual([]);
    const shown = await panel().evaluate((el) =>
      [
        (el as HTMLElement).innerText,
        ...[...el.querySelectorAll('[title], [aria-label]')].map(
          (e) => `${e.getAttribute('title') ?? ''} ${e.getAttribute('aria-label') ?? ''}`,
        ),
      ].join('\n'),
    );
    // Every word of the English catalog's panel entries that Portuguese does not also use.
    const portuguese = new Set(
      Object.entries(pt)
        .filter(([key]) => key.startsWith('insight.'))
        .flatMap(([, m]) => (typeof m === 'string' ? m : Object.values(m)).toString().split(/[^\p{L}]+/u)),
    );
    const englishWords = new Set(
      Object.entries(en)
        .filter(([key]) => key.startsWith('insight.'))
        .flatMap(([, m]) => (typeof m === 'string' ? m : Object.values(m)).toString().split(/[^\p{L}]+/u))
        .filter((w) => w.length > 1 && !portuguese.has(w)),
    );
    const left = shown.split(/[^\p{L}]+/u).filter((w) => englishWords.has(w));
    expect(left).toEqual([]);
    // And the dates are Portuguese too: no English weekday or month.
    expect(shown).not.toMatch(/\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Nov|Dec)\b/);
    expect(c.errors).toEqual([]);
  });
});
