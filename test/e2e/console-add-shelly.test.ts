/// <reference lib="dom" />
/**
 * "Add a Shelly" in the console (issue #17, commissioning), against the headless console, a real
 * Mosquitto and a simulated Plus Plug S answering Shelly's local HTTP RPC on loopback behind a
 * password: found by a scan, refused with a wrong password in plain words (the form kept), read
 * with the right one, placed in a room and a broker, confirmed; the plug restarts, joins the
 * Mosquitto by itself, and the console shows it in that room. In Portuguese the dialog has no
 * English of its own left; at the desk it cannot be opened and the core refuses it anyway. No
 * console errors allowed.
 */
import { join } from 'node:path';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteNode } from '../../src/shared/contract';
import { startHttpPlug, type HttpPlug } from '../../src/main/demo/http-devices';
import {
  openConsole,
  poll,
  row,
  scrollToRow,
  selectNode,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { energyFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { api, sessionCookie, startHeadless, type Headless } from '../support/headless';
import { watchErrors } from '../support/browser';
import { freePort, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const PASSWORD = 'Kettle Key 42';
const ROOM = 'room:Aurora/Lisbon/Kitchen';
/** Already in the kitchen, so the room is one to pick rather than a new one. */
const TOASTER: FixtureDevice = { prefix: 'Aurora/Lisbon/Kitchen/Toaster', src: 'shellyplus1pm-0a0b0c0d0e01' };
const KETTLE = 'device:Aurora/Lisbon/Kitchen/Kettle';

type Catalog = Record<string, string | Record<string, string>>;

const dir = tempDir();
let mosquitto: Mosquitto;
let headless: Headless;
let plug: HttpPlug;
let publisher: MqttClient;
let c: ConsolePage;
const plugErrors: Error[] = [];

const dialog = () => c.page.getByTestId('add-shelly-dialog');
const plugAddress = () => new URL(plug.url).host;

function findNode(nodes: SiteNode[], id: string): SiteNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const inner = findNode(n.children, id);
    if (inner) return inner;
  }
  return undefined;
}

async function setLanguage(language: string): Promise<void> {
  const { body } = await api(headless.url, 'settings.set', { language });
  expect(body).toMatchObject({ ok: true });
  await c.page.waitForFunction(
    (want) => document.querySelector('.app')?.getAttribute('data-locale') === want,
    language,
  );
}

async function coreNode(id: string): Promise<SiteNode | undefined> {
  const { body } = await api(headless.url, 'site.tree', {});
  return findNode((body.value as { nodes: SiteNode[] }).nodes, id);
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    '--port',
    '0',
    '--db',
    join(dir.path, 'add.db'),
  ]);
  plug = await startHttpPlug({
    generation: 2,
    name: 'Kettle',
    password: PASSWORD,
    tickMs: 500,
    onError: (e) => plugErrors.push(e),
  });
  publisher = await testClient(mosquitto.url, 'add-shelly-fixture');
  await publish(
    publisher,
    `${TOASTER.prefix}/events/rpc`,
    energyFrame(TOASTER, { minuteTsS: Math.floor(Date.now() / 60_000) * 60 - 60, totalWh: 10 }),
  );
  c = await openConsole(headless.url);
  await waitForRows(c.page, ROOM);
});

afterAll(async () => {
  await c?.browser.close();
  await publisher?.endAsync();
  await plug?.stop();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('adding a Shelly from the console', () => {
  it('speaks Portuguese in the dialog, with no English of its own left', async () => {
    const I18N = resolve(__dirname, '../../src/renderer/src/i18n/messages/commission.ts');
    const { en } = (await import(/* @vite-ignore */ I18N)) as { en: Catalog };
    const english = new Set(
      Object.values(en).flatMap((m) => (typeof m === 'string' ? [m] : Object.values(m))),
    );
    const leftovers = async (): Promise<string[]> => {
      const texts = await c.page.evaluate(() => {
        const out: string[] = [];
        const within = document.querySelector('[data-testid="add-shelly-dialog"]');
        for (const el of within?.querySelectorAll('button, h2, label, legend, li, p, dt, option') ?? []) {
          const text = (el as HTMLElement).innerText?.trim() || el.textContent?.trim();
          if (text) out.push(text);
        }
        for (const el of within?.querySelectorAll('[aria-label], [title]') ?? [])
          out.push(el.getAttribute('aria-label') ?? el.getAttribute('title') ?? '');
        return out;
      });
      // Names and codes read the same in both languages.
      return texts.filter((text) => english.has(text) && !/^(Gen|MAC|Firmware|Unassigned)\b/.test(text));
    };
    await selectNode(c.page, ROOM);
    await setLanguage('pt-PT');
    const open = c.page.getByTestId('open-add-shelly');
    await expect(open.textContent()).resolves.toBe('Adicionar Shelly…');
    await open.click();
    const d = dialog();
    await d.waitFor();
    await expect(d.getByRole('heading', { name: 'Adicionar um Shelly' }).count()).resolves.toBe(1);
    await expect(leftovers()).resolves.toEqual([]);
    // Nothing on the device changes before the last step: each step is read, then left.
    await d.getByTestId('commission-address').fill(plugAddress());
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-login').waitFor();
    await expect(leftovers()).resolves.toEqual([]);
    await d.getByTestId('commission-password').fill(PASSWORD);
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-login').waitFor({ state: 'detached' });
    await expect(d.getByTestId('commission-current-mqtt').textContent()).resolves.toBe('Desligado.');
    await expect(leftovers()).resolves.toEqual([]);
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-name').waitFor();
    await expect(leftovers()).resolves.toEqual([]);
    await d.getByTestId('commission-server').fill('');
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-server-problem').waitFor();
    await expect(leftovers()).resolves.toEqual([]);
    await d.getByTestId('commission-server').fill(`127.0.0.1:${mosquitto.port}`);
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-summary').waitFor();
    await expect(leftovers()).resolves.toEqual([]);
    await c.page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await setLanguage('en-GB');
    expect(plug.mqtt.enabled).toBe(false);
    expect(c.errors).toEqual([]);
  });

  it('finds the plug by a scan, protected and not yet known', async () => {
    const { page } = c;
    // Staff are in the kitchen when they add it (selected above): the dialog offers that room.
    await expect(row(page, ROOM).getAttribute('aria-selected')).resolves.toBe('true');
    await page.getByTestId('open-add-shelly').click();
    await dialog().waitFor();
    await expect(
      page.getByTestId('commission-address').evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await dialog().getByTestId('commission-network').fill('127.0.0.1/32');
    await dialog()
      .getByTestId('commission-scan-port')
      .fill(String(new URL(plug.url).port));
    await dialog().getByTestId('commission-scan').click();
    const result = dialog().locator(
      `[data-testid="commission-scan-result"][data-address="${plugAddress()}"]`,
    );
    await result.waitFor({ timeout: 20_000 });
    await expect(result.textContent()).resolves.toContain('password protected');
    await expect(result.textContent()).resolves.toContain(plug.id);
    await expect(result.textContent()).resolves.not.toContain('already on this console');
    await result.click();
    await dialog().getByTestId('commission-login').waitFor();
    await expect(dialog().getByTestId('commission-device-id').textContent()).resolves.toBe(plug.id);
    await expect(dialog().getByTestId('commission-current-mqtt').textContent()).resolves.toMatch(
      /without the device’s password/,
    );
    // Back to step 1, where the address is then typed (as pasted from a browser's address bar).
    await dialog().getByTestId('commission-back').click();
    await dialog().getByTestId('commission-address').fill(`http://${plugAddress()}/`);
    await dialog().getByTestId('commission-next').click();
    await dialog().getByTestId('commission-login').waitFor();
    expect(c.errors).toEqual([]);
  });

  it('says in words that a password is wrong, keeps it to correct, and reads the plug with the right one', async () => {
    const d = dialog();
    const focused = () => c.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    // By keyboard alone: the password field has the focus, Enter reads.
    await expect(focused()).resolves.toBe('commission-password');
    await c.page.keyboard.type('kettle key 42');
    await c.page.keyboard.press('Enter');
    const refused = d.getByTestId('commission-identify-error');
    await refused.waitFor();
    await expect(refused.getAttribute('role')).resolves.toBe('alert');
    await expect(refused.textContent()).resolves.toMatch(/refused the password .*case-sensitive/);
    await expect(d.getByTestId('commission-password').inputValue()).resolves.toBe('kettle key 42');
    await expect(focused()).resolves.toBe('commission-password');
    expect(plug.mqtt.enabled).toBe(false);

    await d.getByTestId('commission-password').fill(PASSWORD);
    await c.page.keyboard.press('Enter');
    await d.getByTestId('commission-login').waitFor({ state: 'detached' });
    await expect(focused()).resolves.toBe('commission-next');
    await expect(d.getByTestId('commission-identify-error').count()).resolves.toBe(0);
    await expect(d.getByTestId('commission-model').textContent()).resolves.toMatch(/^SNPL-/);
    await expect(d.getByTestId('commission-current-mqtt').textContent()).resolves.toBe('Off.');
    expect(c.errors).toEqual([]);
  });

  it('places it in the kitchen on the Mosquitto, naming what is wrong before sending', async () => {
    const d = dialog();
    await d.getByTestId('commission-next').click();
    // Offered from where staff were in the tree; the console's own broker, loopback, is offered
    // because the plug is on this computer too (a device on the LAN would get an empty field).
    await expect(d.getByTestId('commission-company').inputValue()).resolves.toBe('Aurora');
    await expect(d.getByTestId('commission-office').inputValue()).resolves.toBe('Lisbon');
    await expect(d.getByTestId('commission-room').inputValue()).resolves.toBe('Kitchen');
    await expect(d.getByTestId('commission-server').inputValue()).resolves.toBe(
      `127.0.0.1:${mosquitto.port}`,
    );
    await expect(d.getByTestId('commission-new-room').count()).resolves.toBe(0);
    await d.getByTestId('commission-name').fill('Kettle');
    await expect(d.getByTestId('commission-prefix').textContent()).resolves.toBe(
      'Aurora/Lisbon/Kitchen/Kettle',
    );

    await d.getByTestId('commission-server').fill('');
    await d.getByTestId('commission-next').click();
    await expect(d.getByTestId('commission-server-problem').textContent()).resolves.toMatch(
      /broker’s address/,
    );
    // The first field to fix has the focus.
    await c.page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'commission-server',
    );
    await c.page.keyboard.type(`127.0.0.1:${mosquitto.port}`);
    await d.getByTestId('commission-next').click();

    const summary = d.getByTestId('commission-summary');
    await summary.waitFor();
    const said = (await summary.textContent()) ?? '';
    expect(said).toContain(`127.0.0.1:${mosquitto.port}`);
    expect(said).toContain('Aurora/Lisbon/Kitchen/Kettle');
    expect(said).toMatch(/restart it/);
    await expect(d.getByTestId('commission-next').textContent()).resolves.toBe('Set up and restart');
    expect(plug.mqtt.enabled).toBe(false);
    await d.getByTestId('commission-next').click();

    await d
      .getByTestId('commission-waiting')
      .waitFor({ timeout: 15_000 })
      .catch(() => undefined);
    const arrived = d.getByTestId('commission-arrived');
    await arrived.waitFor({ timeout: 45_000 });
    await expect(arrived.textContent()).resolves.toBe('Kettle is in Aurora › Lisbon › Kitchen.');
    await expect(arrived.getAttribute('data-node-id')).resolves.toBe(KETTLE);
    expect(plug.mqtt).toMatchObject({
      enabled: true,
      server: `127.0.0.1:${mosquitto.port}`,
      topicPrefix: 'Aurora/Lisbon/Kitchen/Kettle',
      connected: true,
    });
    expect(plugErrors).toEqual([]);
    expect(c.errors).toEqual([]);
  });

  it('shows it selected in the tree, under the kitchen', async () => {
    const { page } = c;
    await dialog().getByTestId('commission-next').click();
    await dialog().waitFor({ state: 'detached' });
    expect(await scrollToRow(page, KETTLE)).toBe(true);
    await expect(row(page, KETTLE).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(row(page, KETTLE).getAttribute('aria-level')).resolves.toBe('4');
    // The rows are flat (virtualised): its room is the nearest row above it one level up.
    const roomAbove = await page.$eval(
      '[role="tree"]',
      (tree, id) => {
        const rows = [...tree.querySelectorAll('[role="treeitem"]')].sort(
          (a, b) =>
            Number(/translateY\((-?[\d.]+)px\)/.exec((a as HTMLElement).style.transform)?.[1] ?? 0) -
            Number(/translateY\((-?[\d.]+)px\)/.exec((b as HTMLElement).style.transform)?.[1] ?? 0),
        );
        const at = rows.findIndex((r) => r.getAttribute('data-node-id') === id);
        const above = rows
          .slice(0, at)
          .reverse()
          .find((r) => r.getAttribute('aria-level') === '3');
        return above?.getAttribute('data-node-id') ?? null;
      },
      KETTLE,
    );
    expect(roomAbove).toBe(ROOM);
    expect((await coreNode(ROOM))?.children.map((n) => n.id).sort()).toEqual(
      [KETTLE, `device:${TOASTER.prefix}`].sort(),
    );
    expect(c.errors).toEqual([]);
  });

  it('says what to check when the device is not heard from within a minute', async () => {
    // A second window whose clock the test moves: the minute passes at once.
    const page = await c.browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    const errors = watchErrors(page);
    await page.clock.install();
    await page.goto(headless.url);
    await waitForRows(page, ROOM);
    const deadPort = await freePort();
    await page.getByTestId('open-add-shelly').click();
    const d = page.getByTestId('add-shelly-dialog');
    await d.getByTestId('commission-address').fill(plugAddress());
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-password').fill(PASSWORD);
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-login').waitFor({ state: 'detached' });
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-company').fill('Aurora');
    await d.getByTestId('commission-office').fill('Lisbon');
    await d.getByTestId('commission-room').fill('Pantry');
    await expect(d.getByTestId('commission-new-room').count()).resolves.toBe(1);
    await d.getByTestId('commission-name').fill('Kettle2');
    await d.getByTestId('commission-server').fill(`127.0.0.1:${deadPort}`);
    await d.getByTestId('commission-next').click();
    await d.getByTestId('commission-next').click();
    const waiting = d.getByTestId('commission-waiting');
    await waiting.waitFor();
    await expect(waiting.textContent()).resolves.toContain('Waiting for Kettle2 to appear in Pantry…');
    await page.clock.fastForward(61_000);
    const late = d.getByTestId('commission-late');
    await late.waitFor();
    await expect(late.getAttribute('role')).resolves.toBe('alert');
    const said = (await late.textContent()) ?? '';
    expect(said).toContain('Kettle2 has not been heard from in 60 s');
    expect(said).toContain(`127.0.0.1:${deadPort}`);
    await expect(waiting.count()).resolves.toBe(0);
    expect(plug.mqtt).toMatchObject({ server: `127.0.0.1:${deadPort}`, connected: false });
    await page.close();
    expect(errors).toEqual([]);
  });

  it('is not offered at the desk, and the core refuses the desk anyway', async () => {
    // This helper's session sets the PIN (and stays the manager); the page, reloaded, is the desk.
    expect((await api(headless.url, 'access.setPin', { pin: '80516' })).body).toMatchObject({ ok: true });
    await c.page.reload();
    await waitForRows(c.page, ROOM);
    await poll(
      () => c.page.getByTestId('access').getAttribute('data-role'),
      (role) => role === 'desk',
      5000,
      'the desk role',
    );
    const button = c.page.getByTestId('open-add-shelly');
    await expect(button.isDisabled()).resolves.toBe(true);
    await expect(button.getAttribute('title')).resolves.toMatch(/^Only a manager may add a device\. Unlock/);

    const desk = await sessionCookie(headless.url);
    const res = await fetch(`${headless.url}/api/device.commission`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: desk },
      body: JSON.stringify({
        address: plugAddress(),
        login: { password: PASSWORD },
        path: ['Aurora', 'Lisbon', 'Kitchen'],
        name: 'Kettle2',
        mqtt: { server: `127.0.0.1:${mosquitto.port}`, tls: 'none' },
      }),
    });
    await expect(res.json()).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(c.errors).toEqual([]);
  });
});
