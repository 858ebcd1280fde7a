/// <reference lib="dom" />
/**
 * Settings in the console, against the headless console and a real Mosquitto: the saved
 * connections are listed without secrets, each can be tested as stored, connected to (which makes
 * it the one used at start) and deleted; the data folder is shown with its size. No console
 * errors allowed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, poll, type ConsolePage } from '../support/e2e-console';
import { api, startHeadless, type Headless } from '../support/headless';
import { freePort, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

const dir = tempDir();
let mosquitto: Mosquitto;
let headless: Headless;
let c: ConsolePage;

const entry = (name: string) => c.page.locator(`[data-testid="settings-connection"][data-name="${name}"]`);

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless(['--db', join(dir.path, 'settings.db'), '--port', '0']);
  const save = async (name: string, url: string) =>
    expect(
      (
        await api(headless.url, 'connection.save', {
          profile: { name, url, subscribe: ['site/#'] },
          activate: false,
        })
      ).body,
    ).toMatchObject({ ok: true });
  await save('Site broker', mosquitto.url);
  await save('Old broker', `mqtt://127.0.0.1:${await freePort()}`);
  c = await openConsole(headless.url);
  await c.page.getByTestId('open-settings').click();
  await entry('Old broker').waitFor();
});

afterAll(async () => {
  await c?.browser.close();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('settings', () => {
  it('lists the saved connections and shows the data folder with its size', async () => {
    const names = await c.page.$$eval('[data-testid="settings-connection"]', (els) =>
      els.map((el) => el.getAttribute('data-name')),
    );
    expect(names).toEqual(['Site broker', 'Old broker']);
    await expect(c.page.getByTestId('settings-folder').textContent()).resolves.toBe(dir.path);
    const bytes = Number(await c.page.getByTestId('settings-size').getAttribute('data-bytes'));
    expect(bytes).toBeGreaterThan(4096);
  });

  it('tests a saved connection as stored: the live one passes, the gone one says why', async () => {
    await entry('Site broker').getByTestId('settings-test').click();
    const passed = entry('Site broker').getByTestId('settings-outcome');
    await passed.waitFor({ timeout: 15_000 });
    await expect(passed.textContent()).resolves.toMatch(/^Test passed/);
    await entry('Old broker').getByTestId('settings-test').click();
    const failed = entry('Old broker').getByTestId('settings-outcome');
    await failed.waitFor({ timeout: 15_000 });
    await expect(failed.getAttribute('role')).resolves.toBe('alert');
    await expect(failed.textContent()).resolves.toMatch(/refused|not reachable|could not/i);
  });

  it('connects to one, which makes it the one used at start, and deletes the other', async () => {
    await entry('Site broker').getByTestId('settings-connect').click();
    await poll(
      () => entry('Site broker').getAttribute('data-active'),
      (v) => v === 'true',
      15_000,
      'Site broker to be used at start',
    );
    const status = await api(headless.url, 'connection.status', {});
    expect(status.body).toMatchObject({ ok: true, value: { status: 'connected' } });

    c.page.once('dialog', (d) => void d.accept());
    await entry('Old broker').getByTestId('settings-delete').click();
    await poll(
      () => entry('Old broker').count(),
      (n) => n === 0,
      5000,
      'Old broker to go',
    );
    const list = await api(headless.url, 'connection.list', {});
    expect((list.body.value as { profiles: Array<{ name: string; isActive: boolean }> }).profiles).toEqual([
      expect.objectContaining({ name: 'Site broker', isActive: true }),
    ]);
    expect(c.errors).toEqual([]);
  });
});
