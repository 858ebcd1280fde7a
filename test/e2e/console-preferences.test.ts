/// <reference lib="dom" />
/**
 * Issue #16, the console's own settings as a person sees them, against the headless demo with its
 * history: each field says where its value comes from (a prefix kilowatch.toml sets is read-only
 * and names the file), a save sends the changes and every open page writes numbers and dates the
 * new way at once, a time-zone change shows the history being rebuilt, "Rebuild history" asks
 * first and says what it did, the values outlive a restart, and at the desk nothing can be
 * changed. No console errors allowed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/shared/contract';
import { openConsole, poll, waitForRows, type ConsolePage } from '../support/e2e-console';
import { api, sessionCookie, startHeadless, type Headless } from '../support/headless';
import { tempDir } from '../support/temp-dir';

const dir = tempDir();
const configPath = join(dir.path, 'kilowatch.toml');
const args = ['--demo', '--port', '0', '--db', join(dir.path, 'prefs.db'), '--config', configPath];
// The demo's history stays on: the rebuilds then have five weeks of minutes to read.
const env = { KILOWATCH_DEMO_HISTORY: 'on' };

let headless: Headless;
let c: ConsolePage;
/** A second page, open before the change: it must follow without being reloaded. */
let other: ConsolePage;

async function settingsOf(url: string): Promise<Settings> {
  const { body } = await api(url, 'settings.get', {});
  if (body.ok !== true) throw new Error(`settings.get failed: ${JSON.stringify(body)}`);
  return body.value as Settings;
}

const appDisplay = (page: ConsolePage) =>
  page.page.$eval('.app', (el) => ({
    locale: el.getAttribute('data-locale'),
    timeZone: el.getAttribute('data-time-zone'),
  }));

async function openSettings(page: ConsolePage): Promise<void> {
  await page.page.getByTestId('open-settings').click();
  await page.page.getByTestId('settings-console').waitFor();
  await page.page.getByTestId('setting-publishIntervalS').waitFor();
}

/** The first company's energy today as the header writes it ("1,234.567 kWh"). */
const companyEnergy = (page: ConsolePage) => page.page.getByTestId('company-energy').first().textContent();

beforeAll(async () => {
  writeFileSync(configPath, '[publish]\nprefix = "from-file"\n');
  headless = await startHeadless(args, env);
  await poll(
    async () => headless.output(),
    (out) => /demo history: backfilled/.test(out),
    60_000,
    'the demo history backfill',
  );
  [c, other] = await Promise.all([openConsole(headless.url), openConsole(headless.url)]);
  await Promise.all([waitForRows(c.page, 'room:', 3), waitForRows(other.page, 'room:', 3)]);
  await openSettings(c);
});

afterAll(async () => {
  await c?.browser.close();
  await other?.browser.close();
  await headless?.stop();
  dir.remove();
});

describe('console settings', () => {
  it('says where each value comes from: the prefix the file sets is read-only and named, the interval is the default', async () => {
    const pinned = c.page.getByTestId('setting-pinned-publishPrefix');
    await expect(pinned.textContent()).resolves.toBe(`Set in ${configPath} [publish] prefix`);
    const prefix = c.page.getByTestId('setting-publishPrefix');
    await expect(prefix.inputValue()).resolves.toBe('from-file');
    await expect(prefix.isEditable()).resolves.toBe(false);

    await expect(c.page.getByTestId('setting-source-publishIntervalS').textContent()).resolves.toBe(
      'default',
    );
    const interval = c.page.getByTestId('setting-publishIntervalS');
    await expect(interval.inputValue()).resolves.toBe('15');
    await expect(interval.isEditable()).resolves.toBe(true);
    await expect(c.page.getByTestId('setting-pinned-publishIntervalS').count()).resolves.toBe(0);
    // Before any change the page writes as the browser does (Playwright's en-US).
    expect((await appDisplay(c)).locale).toBe('en-US');
  });

  it('saves interval, language and zone as the console’s, and every open page writes German in Tokyo time at once', async () => {
    await poll(
      () => companyEnergy(c),
      (t) => /^[\d,]+\.\d{3}\u00a0kWh$/.test(t ?? ''),
      30_000,
      'kWh in English',
    );
    await c.page.getByTestId('setting-publishIntervalS').fill('5');
    await c.page.getByTestId('setting-language').selectOption('de-DE');
    await c.page.getByTestId('setting-timeZone').selectOption('Asia/Tokyo');
    await c.page.getByTestId('setting-profile-coreflux-python').check();
    await c.page.getByTestId('settings-save').click();
    // The zone change rebuilds the history first: the reply (and the confirmation) come after it.
    await c.page.getByTestId('settings-saved').waitFor({ timeout: 60_000 });
    await expect(c.page.getByTestId('settings-error').count()).resolves.toBe(0);

    const settings = await settingsOf(headless.url);
    expect(settings.values).toMatchObject({
      publishIntervalS: 5,
      language: 'de-DE',
      timeZone: 'Asia/Tokyo',
      publishProfiles: ['kilowatch', 'coreflux-python'],
    });
    expect(settings.sources).toEqual({
      publishPrefix: 'file',
      publishIntervalS: 'console',
      minuteDays: 'default',
      timeZone: 'console',
      language: 'console',
      publishProfiles: 'console',
    });

    for (const page of [c, other])
      await poll(
        () => appDisplay(page),
        (d) => d.locale === 'de-DE' && d.timeZone === 'Asia/Tokyo',
        10_000,
        'the page to write German in Tokyo time',
      );
    // German: a decimal comma, thousands with dots ("1.234,567 kWh").
    for (const page of [c, other])
      await poll(
        () => companyEnergy(page),
        (t) => /^\d{1,3}(\.\d{3})*,\d{3}\u00a0kWh$/.test(t ?? ''),
        10_000,
        'kWh in German',
      );
    // The dialog that made the change stays open, showing the values as saved.
    await expect(c.page.getByTestId('settings-dialog').isVisible()).resolves.toBe(true);
    await expect(c.page.getByTestId('setting-source-language').textContent()).resolves.toBe('changed here');
    await expect(c.page.getByTestId('setting-publishIntervalS').inputValue()).resolves.toBe('5');
    await expect(c.page.getByTestId('setting-timeZone').inputValue()).resolves.toBe('Asia/Tokyo');
  });

  it('showed the history being rebuilt for the new zone, to the end', async () => {
    const progress = c.page.getByTestId('settings-rebuild-progress');
    await expect(progress.getAttribute('data-phase')).resolves.toBe('done');
    await expect(progress.evaluate((el) => (el as HTMLProgressElement).value)).resolves.toBe(1);
  });

  it('rebuilds history on request: asks first, then says what it did in numbers', async () => {
    await c.page.getByTestId('settings-rebuild').click();
    const confirm = c.page.getByTestId('settings-rebuild-confirm');
    await confirm.waitFor();
    await expect(
      c.page.getByText(/^Rebuild history\? Hour, day, week and month figures/).count(),
    ).resolves.toBe(1);
    await confirm.click();
    const result = c.page.getByTestId('settings-rebuild-result');
    await result.waitFor({ timeout: 60_000 });
    const text = (await result.textContent()) ?? '';
    // German digits: thousands separated by dots.
    const m =
      /^Rebuilt ([\d.]+) buckets from ([\d.]+) minutes; (none differed|[\d.]+ differed and (was|were) rewritten)\.$/.exec(
        text,
      );
    expect(m, text).not.toBeNull();
    const count = (s: string) => Number(s.replace(/\./g, ''));
    expect(count(m?.[1] ?? '0')).toBeGreaterThan(1000);
    expect(count(m?.[2] ?? '0')).toBeGreaterThan(10_000);
    await expect(c.page.getByTestId('settings-rebuild-progress').getAttribute('data-phase')).resolves.toBe(
      'done',
    );
    expect(c.errors).toEqual([]);
    expect(other.errors).toEqual([]);
  });

  it('keeps the values across a restart on the same database', async () => {
    // Pages left open would log the lost event stream as errors.
    await c.browser.close();
    await other.browser.close();
    expect(await headless.stop()).toBe(0);
    headless = await startHeadless(args, env);
    const settings = await settingsOf(headless.url);
    expect(settings.values).toMatchObject({ publishIntervalS: 5, language: 'de-DE', timeZone: 'Asia/Tokyo' });
    expect(settings.sources).toMatchObject({
      publishIntervalS: 'console',
      language: 'console',
      timeZone: 'console',
    });
    c = await openConsole(headless.url);
    await poll(
      () => appDisplay(c),
      (d) => d.locale === 'de-DE' && d.timeZone === 'Asia/Tokyo',
      15_000,
      'the page to start in German and Tokyo time',
    );
    expect(c.errors).toEqual([]);
  });

  it('at the desk shows the settings greyed out with why, and the core refuses a change', async () => {
    expect((await api(headless.url, 'access.setPin', { pin: '2468' })).body).toMatchObject({ ok: true });
    await c.page.reload();
    await c.page.getByTestId('access-role').waitFor();
    await openSettings(c);
    await c.page.getByTestId('settings-console-desk').waitFor();
    for (const key of ['publishIntervalS', 'minuteDays', 'timeZone', 'language'])
      await expect(c.page.getByTestId(`setting-${key}`).isDisabled(), key).resolves.toBe(true);
    await expect(c.page.getByTestId('settings-save').isDisabled()).resolves.toBe(true);
    await expect(c.page.getByTestId('settings-rebuild').isDisabled()).resolves.toBe(true);
    await c.page.getByTestId('settings-rebuild-desk').waitFor();

    // A fresh sign-in is at the desk too: what the page does not offer, the core refuses.
    const cookie = await sessionCookie(headless.url);
    const res = await fetch(`${headless.url}/api/settings.set`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ publishIntervalS: 30 }),
    });
    expect(((await res.json()) as { error?: { code: string } }).error?.code).toBe('forbidden');
    expect(c.errors).toEqual([]);
  });
});
