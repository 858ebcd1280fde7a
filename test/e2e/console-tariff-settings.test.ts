/// <reference lib="dom" />
/**
 * Issue #18: the tariff in the settings dialog, against real headless consoles, a private
 * Mosquitto and Chromium. A manager types a time-of-use tariff with a gap (weekday 07:00–08:00 has
 * no price): the core refuses it in its own words, shown in the dialog with the form kept as
 * typed. Fixed (0.20 €/kWh from 08:00 to 10:30, 0.30 €/kWh from 10:30 to 08:00, since 2020) and
 * saved, it is in force: a heater's readings published afterwards (as in console-cost.test.ts, in
 * a zone where it is about noon) cost, worked by hand,
 *
 *   yesterday 23:57→23:59  100 + 50 Wh at 0.30                        = 4.5 c
 *   today 10:28→10:32     1000 + 600 Wh at 0.20, 400 + 50 Wh at 0.30 = 45.5 c → €0.46
 *   the 7 days: 4.5 + 45.5 = 50 c                                               → €0.50
 *
 * and the energy chart says so. A change made in another window shows at once, unless a change is
 * being typed here: that stays, with a word that the tariff changed meanwhile. The section speaks
 * Portuguese when the console does; at the desk
 * it is shown but cannot be changed; once unlocked, "Remove tariff" asks first and then leaves no
 * tariff. A second console whose kilowatch.toml has a [tariff] shows that one, read-only, as the
 * file's. No console errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TariffSetting } from '../../src/shared/contract';
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

const HEATER: FixtureDevice = { prefix: 'Tarifa/HQ/Q1/Aquecedor', src: 'shellyplus1pm-c05700000018' };
const ROOM = 'room:Tarifa/HQ/Q1';
const PIN = '24680';

const zone = noonZone();
const dayStartS = zone.dayStartMs(Date.now()) / 1000;

const FILE_TARIFF = `[tariff]
currency = "EUR"
holidays = ["2026-12-25"]

[[tariff.periods]]
from = "2024-01-01"
standingPerDay = "0.35"
feedInPerKWh = "0.05"
bands = [
  { days = ["weekday"], from = "08:00", to = "22:00", perKWh = "0.25" },
  { perKWh = "0.12" },
]
`;

let mosquitto: Mosquitto;
let headless: Headless;
let fromFile: Headless;
let client: MqttClient;
let c: ConsolePage;
let f: ConsolePage;
const dir = tempDir();

async function tariffOf(url: string): Promise<TariffSetting> {
  const { body } = await api(url, 'tariff.get', {});
  if (body.ok !== true) throw new Error(`tariff.get failed: ${JSON.stringify(body)}`);
  return body.value as TariffSetting;
}

const spaced = (text: string | null) => (text ?? '').replace(/\s/g, ' ').trim();

async function openSettings(page: ConsolePage): Promise<void> {
  await page.page.getByTestId('open-settings').click();
  await page.page.getByTestId('tariff-source').waitFor();
}

async function closeSettings(page: ConsolePage): Promise<void> {
  await page.page.keyboard.press('Escape');
  await page.page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
}

const section = (page: ConsolePage) => page.page.getByTestId('settings-tariff');
const period = (page: ConsolePage, index: number) => section(page).getByTestId('tariff-period').nth(index);
const band = (page: ConsolePage, p: number, b: number) => period(page, p).getByTestId('tariff-band').nth(b);

/** One band row as the form shows it. */
async function bandValues(page: ConsolePage, p: number, b: number) {
  const row = band(page, p, b);
  return {
    weekday: await row.getByTestId('tariff-band-weekday').isChecked(),
    weekend: await row.getByTestId('tariff-band-weekend').isChecked(),
    holiday: await row.getByTestId('tariff-band-holiday').isChecked(),
    from: await row.getByTestId('tariff-band-from').inputValue(),
    to: await row.getByTestId('tariff-band-to').inputValue(),
    price: await row.getByTestId('tariff-band-price').inputValue(),
  };
}

async function fillBand(page: ConsolePage, b: number, from: string, to: string, price: string) {
  const row = band(page, 0, b);
  await row.getByTestId('tariff-band-from').fill(from);
  await row.getByTestId('tariff-band-to').fill(to);
  await row.getByTestId('tariff-band-price').fill(price);
}

/** Picks a preset range and waits until the chart of the room shows it, loaded. */
async function showRange(kind: 'today' | '7d') {
  await c.page.getByTestId(`range-${kind}`).click();
  const days = kind === 'today' ? 1 : 7;
  const fromIso = new Date((dayStartS - (days - 1) * 86_400) * 1000).toISOString();
  return poll(
    () => chartData(c.page, ROOM),
    (d) => d.from === fromIso && d.historyTotalWh !== undefined && Number(d.historyTotalWh) > 0,
    20_000,
    `the ${kind} chart of ${ROOM}`,
  );
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const config = join(dir.path, 'kilowatch.toml');
  writeFileSync(config, FILE_TARIFF);
  [headless, fromFile] = await Promise.all([
    startHeadless(['--broker', mosquitto.url, '--port', '0', '--db', join(dir.path, 'here.db')], {
      TZ: zone.name,
    }),
    startHeadless(['--port', '0', '--db', join(dir.path, 'file.db'), '--config', config], {
      TZ: zone.name,
    }),
  ]);
  client = await testClient(mosquitto.url);
  c = await openConsole(headless.url, { timezoneId: zone.name });
  await openSettings(c);
});

afterAll(async () => {
  await c?.browser.close();
  await f?.browser.close();
  await client?.endAsync();
  await headless?.stop();
  await fromFile?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('the tariff typed in the settings dialog', () => {
  it('starts with none, and shows the core’s words for a tariff with a gap, keeping the form as typed', async () => {
    await expect(section(c).getAttribute('data-source')).resolves.toBe('none');
    await expect(c.page.getByTestId('tariff-source').textContent()).resolves.toBe('None: no cost is kept.');
    await expect(section(c).getByTestId('tariff-save').count()).resolves.toBe(0);

    await c.page.getByTestId('tariff-start').click();
    await c.page.getByTestId('tariff-currency').fill('eur');
    await period(c, 0).getByTestId('tariff-period-from').fill('2020-01-01');
    await period(c, 0).getByTestId('tariff-period-feedin').fill('0.05');
    await fillBand(c, 0, '08:00', '10:30', '0.20');
    await period(c, 0).getByTestId('tariff-band-add').click();
    await fillBand(c, 1, '10:30', '07:00', '0.30');
    // Labels on every input: the rows are named for screen readers, not only by column.
    await expect(band(c, 0, 1).getByLabel('Row 2 to (hh:mm)').count()).resolves.toBe(1);
    await c.page.getByTestId('tariff-save').click();

    const error = c.page.getByTestId('tariff-error');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toMatch(/^The tariff is not valid: /);
    expect(text).toContain('periods.0.bands: no band prices weekday 07:00–08:00');
    await expect(error.getAttribute('role')).resolves.toBe('alert');
    // Kept as typed, and nothing was saved.
    await expect(c.page.getByTestId('tariff-currency').inputValue()).resolves.toBe('eur');
    await expect(bandValues(c, 0, 1)).resolves.toEqual({
      weekday: true,
      weekend: true,
      holiday: true,
      from: '10:30',
      to: '07:00',
      price: '0.30',
    });
    await expect(tariffOf(headless.url)).resolves.toEqual({ tariff: null, source: 'none' });
  });

  it('saves the fixed two-band tariff, which the core then holds as set here', async () => {
    await band(c, 0, 1).getByTestId('tariff-band-to').fill('08:00');
    await c.page.getByTestId('tariff-save').click();
    await c.page.getByTestId('tariff-saved').waitFor();
    await expect(c.page.getByTestId('tariff-error').count()).resolves.toBe(0);
    await expect(section(c).getAttribute('data-source')).resolves.toBe('console');
    await expect(c.page.getByTestId('tariff-source').textContent()).resolves.toBe('Set here.');
    expect(await tariffOf(headless.url)).toEqual({
      source: 'console',
      tariff: {
        currency: 'EUR',
        holidays: [],
        periods: [
          {
            from: '2020-01-01',
            standingPerDay: '0',
            feedInPerKWh: '0.05',
            bands: [
              { from: '08:00', to: '10:30', perKWh: '0.20' },
              { from: '10:30', to: '08:00', perKWh: '0.30' },
            ],
          },
        ],
      },
    });
    // The form now shows what the core holds: the currency as saved.
    await expect(c.page.getByTestId('tariff-currency').inputValue()).resolves.toBe('EUR');
    await expect(c.page.getByTestId('tariff-save').isDisabled()).resolves.toBe(true);
    expect(c.errors).toEqual([]);
  });

  it('follows a change made in another window, and keeps a change being typed here, saying so', async () => {
    const saved = (await tariffOf(headless.url)).tariff;
    if (!saved) throw new Error('no tariff saved');
    const [first] = saved.periods;
    const [morning, rest] = first?.bands ?? [];
    if (!first || !morning || !rest) throw new Error('not the two-band tariff');
    /** Another window (another browser, here the bridge) sets the second band's price. */
    const setElsewhere = async (perKWh: string) => {
      const tariff = { ...saved, periods: [{ ...first, bands: [morning, { ...rest, perKWh }] }] };
      const { body } = await api(headless.url, 'tariff.set', { tariff });
      expect(body.ok).toBe(true);
    };

    // Untouched here: the form shows the new price at once.
    await setElsewhere('0.31');
    await poll(
      () => bandValues(c, 0, 1),
      (b) => b.price === '0.31',
      10_000,
      'the price set elsewhere',
    );
    await expect(c.page.getByTestId('tariff-changed-elsewhere').count()).resolves.toBe(0);

    // Being changed here: what is typed stays, and the console says the tariff changed meanwhile.
    await period(c, 0).getByTestId('tariff-period-feedin').fill('0.06');
    await setElsewhere('0.30');
    const notice = c.page.getByTestId('tariff-changed-elsewhere');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/changed in another window/);
    await expect(period(c, 0).getByTestId('tariff-period-feedin').inputValue()).resolves.toBe('0.06');
    await expect(bandValues(c, 0, 1)).resolves.toMatchObject({ price: '0.31' });

    // Undo shows the one now in force.
    await c.page.getByTestId('tariff-undo').click();
    await expect(bandValues(c, 0, 1)).resolves.toMatchObject({ price: '0.30' });
    await expect(period(c, 0).getByTestId('tariff-period-feedin').inputValue()).resolves.toBe('0.05');
    await expect(notice.count()).resolves.toBe(0);
    expect(c.errors).toEqual([]);
  });

  it('prices what is counted afterwards: the energy chart shows the hand-worked euros', async () => {
    await closeSettings(c);
    await publishCostStream(client, HEATER, dayStartS);
    await waitForRows(c.page, 'room:Tarifa/', 1);
    await selectNode(c.page, ROOM);
    // Until all five minutes of today are counted the total is short: wait for 2050 Wh.
    const today = await poll(
      () => showRange('today'),
      (d) => d.historyTotalWh === '2050',
      30_000,
      'today’s 2050 Wh',
    );
    expect(today).toMatchObject({ currency: 'EUR', costMinor: '46' });
    await expect(c.page.getByTestId('chart-cost').innerText().then(spaced)).resolves.toBe('€0.46');
    const week = await poll(
      () => showRange('7d'),
      (d) => d.historyTotalWh === '2200',
      30_000,
      'the week’s 2200 Wh',
    );
    expect(week).toMatchObject({ currency: 'EUR', costMinor: '50' });
    await expect(c.page.getByTestId('chart-cost').innerText().then(spaced)).resolves.toBe('€0.50');
    expect(c.errors).toEqual([]);
  });

  it('speaks Portuguese when the console does', async () => {
    expect((await api(headless.url, 'settings.set', { language: 'pt-PT' })).body).toMatchObject({ ok: true });
    await c.page.waitForFunction(
      () => document.querySelector('.app')?.getAttribute('data-locale') === 'pt-PT',
    );
    await openSettings(c);
    await expect(c.page.getByTestId('tariff-source').textContent()).resolves.toBe('Definido aqui.');
    await expect(section(c).getByLabel('Moeda').inputValue()).resolves.toBe('EUR');
    await expect(c.page.getByTestId('tariff-save').textContent()).resolves.toBe('Guardar tarifário');
    await closeSettings(c);
    expect(c.errors).toEqual([]);
  });

  it('at the desk shows the tariff but nothing can be changed', async () => {
    expect((await api(headless.url, 'access.setPin', { pin: PIN })).body).toMatchObject({ ok: true });
    await c.page.reload();
    await c.page.getByTestId('access-role').waitFor();
    await poll(
      () => c.page.getByTestId('access').getAttribute('data-role'),
      (role) => role === 'desk',
      5000,
      'the desk role',
    );
    await openSettings(c);
    await c.page.getByTestId('tariff-desk').waitFor();
    await expect(bandValues(c, 0, 0)).resolves.toMatchObject({ from: '08:00', to: '10:30', price: '0.20' });
    for (const id of [
      'tariff-currency',
      'tariff-holidays',
      'tariff-period-from',
      'tariff-band-price',
      'tariff-band-add',
    ])
      await expect(section(c).getByTestId(id).first().isDisabled(), id).resolves.toBe(true);
    for (const id of ['tariff-save', 'tariff-remove'])
      await expect(section(c).getByTestId(id).count(), id).resolves.toBe(0);
    await closeSettings(c);
    expect(c.errors).toEqual([]);
  });

  it('once unlocked, removes the tariff only after asking', async () => {
    await c.page.getByTestId('unlock').click();
    await c.page.getByTestId('pin-input').fill(PIN);
    await c.page.getByTestId('unlock-submit').click();
    await poll(
      () => c.page.getByTestId('access').getAttribute('data-role'),
      (role) => role === 'manager',
      5000,
      'the unlock',
    );
    await openSettings(c);
    const asked: string[] = [];
    c.page.once('dialog', (d) => void (asked.push(d.message()), d.dismiss()));
    await c.page.getByTestId('tariff-remove').click();
    await poll(
      async () => asked.length,
      (n) => n === 1,
      5000,
      'the question',
    );
    expect(asked[0]).toMatch(/^Remover o tarifário\?/);
    expect((await tariffOf(headless.url)).source).toBe('console');

    c.page.once('dialog', (d) => void d.accept());
    await c.page.getByTestId('tariff-remove').click();
    await c.page.getByTestId('tariff-saved').waitFor();
    await expect(section(c).getAttribute('data-source')).resolves.toBe('none');
    await expect(tariffOf(headless.url)).resolves.toEqual({ tariff: null, source: 'none' });
    await expect(section(c).getByTestId('tariff-period').count()).resolves.toBe(0);
    expect(c.errors).toEqual([]);
  });
});

describe('a tariff kilowatch.toml sets', () => {
  it('is shown read-only as the file’s, and the core refuses a change', async () => {
    f = await openConsole(fromFile.url, { timezoneId: zone.name });
    await openSettings(f);
    await expect(section(f).getAttribute('data-source')).resolves.toBe('file');
    await expect(f.page.getByTestId('tariff-source').textContent()).resolves.toBe(
      'From kilowatch.toml [tariff]. Change it there.',
    );
    const held = await tariffOf(fromFile.url);
    expect(held.source).toBe('file');
    await expect(f.page.getByTestId('tariff-currency').inputValue()).resolves.toBe('EUR');
    await expect(f.page.getByTestId('tariff-holidays').inputValue()).resolves.toBe('2026-12-25');
    await expect(period(f, 0).getByTestId('tariff-period-from').inputValue()).resolves.toBe('2024-01-01');
    const standing = await period(f, 0).getByTestId('tariff-period-standing').inputValue();
    expect(Number(standing)).toBe(0.35);
    const first = await bandValues(f, 0, 0);
    expect(first).toMatchObject({
      weekday: true,
      weekend: false,
      holiday: false,
      from: '08:00',
      to: '22:00',
    });
    expect(Number(first.price)).toBe(0.25);
    const rest = await bandValues(f, 0, 1);
    expect(rest).toMatchObject({ weekday: true, weekend: true, holiday: true, from: '', to: '' });
    expect(Number(rest.price)).toBe(0.12);

    for (const id of [
      'tariff-currency',
      'tariff-period-standing',
      'tariff-band-weekend',
      'tariff-band-price',
    ])
      await expect(section(f).getByTestId(id).first().isEditable(), id).resolves.toBe(false);
    for (const id of ['tariff-save', 'tariff-remove', 'tariff-start'])
      await expect(section(f).getByTestId(id).count(), id).resolves.toBe(0);
    // No desk here (no PIN): read-only because the file wins, and the core says so too.
    await expect(f.page.getByTestId('tariff-desk').count()).resolves.toBe(0);
    const { body } = await api(fromFile.url, 'tariff.set', { tariff: null });
    expect(body).toMatchObject({
      ok: false,
      error: { code: 'invalid-params', message: expect.stringContaining('set by kilowatch.toml [tariff]') },
    });
    expect(f.errors).toEqual([]);
  });
});
