/// <reference lib="dom" />
/**
 * The connection wizard as the front desk uses it, in Debian's Chromium against the built
 * headless console: a TLS + password Mosquitto, a CA file chosen in the browser, a test that
 * fails for the reasons people really meet (no CA, wrong password) and then passes, Save &
 * connect, and the saved profile reconnecting after the console restarts. The password must
 * never show up in the console's output, its files (except the secret store), any event on the
 * WebSocket, or the page once saved.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchErrors } from '../support/browser';
import { startHeadless, type Headless } from '../support/headless';
import {
  makePki,
  passwordFile,
  startBroker,
  tlsLines,
  type Broker,
  type TestPki,
} from '../support/mosquitto-tls';
import { tempDir } from '../support/temp-dir';

const SCREENSHOTS = resolve(__dirname, '../../test-results/screenshots');
const USER = 'frontdesk';
const PASSWORD = 'E2e-Wizard-Pa55word';
const WRONG = 'Not-The-Pa55word';

let pki: TestPki;
let plain: Broker;
let site: Broker;
let headless: Headless;
let browser: Browser;
let page: Page;
let errors: string[];
const frames: string[] = [];
const outputs: string[] = [];
const dir = tempDir('kw-wizard-e2e-');

async function openPage(url: string): Promise<void> {
  page = await browser.newPage({
    viewport: { width: 1366, height: 900 },
    colorScheme: 'light',
    locale: 'en-US',
  });
  errors = watchErrors(page);
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => frames.push(String(f.payload)));
    ws.on('framesent', (f) => frames.push(String(f.payload)));
  });
  await page.goto(url);
}

beforeAll(async () => {
  pki = makePki();
  plain = await startBroker([]);
  site = await startBroker([
    'allow_anonymous false',
    `password_file ${passwordFile(pki.dir, { [USER]: PASSWORD })}`,
    ...tlsLines(pki),
  ]);
  // A Shelly's retained "online", so the test's last step sees a first message at once.
  const mqtt = await import('mqtt');
  const client = await mqtt.connectAsync(site.url('mqtts', 'localhost'), {
    ca: pki.ca.pem,
    username: USER,
    password: PASSWORD,
    reconnectPeriod: 0,
  });
  await client.publishAsync('Coreflux/Porto/Lobby/Light/online', 'true', { qos: 1, retain: true });
  await client.endAsync();

  headless = await startHeadless(['--broker', plain.url(), '--db', join(dir.path, 'kw.db'), '--port', '0']);
  browser = await launchChromium();
  await openPage(headless.url);
});

afterAll(async () => {
  await browser?.close();
  if (headless) outputs.push(headless.output());
  await headless?.stop();
  await site?.stop();
  await plain?.stop();
  pki?.remove();
  dir.remove();
});

const wizard = () => page.getByTestId('connection-wizard');
const field = (name: string) => page.getByTestId(`wizard-field-${name}`);
const check = (step: string) => page.getByTestId(`wizard-step-${step}`);

/** Presses Test and waits for that run's report (not an earlier one still on screen). */
async function runTest(): Promise<void> {
  const runs = Number(await page.getByTestId('wizard-checklist').getAttribute('data-runs'));
  await page.getByTestId('wizard-test').click();
  await page.waitForFunction(
    (before) =>
      Number(document.querySelector('[data-testid="wizard-checklist"]')?.getAttribute('data-runs')) > before,
    runs,
    { timeout: 30_000 },
  );
}

describe('the connection wizard', () => {
  it('opens from the header', async () => {
    await page.getByTestId('open-wizard').click();
    await expect(wizard().isVisible()).resolves.toBe(true);
    await expect(wizard().getAttribute('data-step')).resolves.toBe('broker');
  });

  it('checks the broker fields inline, then moves on', async () => {
    await page.getByTestId('wizard-preset-mosquitto').click();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('wizard-error-host').textContent()).resolves.toMatch(/host name or IP/);
    await expect(wizard().getAttribute('data-step')).resolves.toBe('broker');

    await field('name').fill('Hotel Porto');
    await field('host').fill('mqtts://localhost');
    await field('host').blur();
    await expect(page.getByTestId('wizard-error-host').textContent()).resolves.toMatch(/without mqtt:\/\//);
    await field('host').fill('localhost');
    await field('port').fill(String(site.port));
    await expect(page.getByTestId('wizard-url').textContent()).resolves.toBe(
      `mqtts://localhost:${site.port}`,
    );
    await page.getByTestId('wizard-next').click();
    await expect(wizard().getAttribute('data-step')).resolves.toBe('security');
  });

  it('warns for as long as certificate verification is off', async () => {
    await field('username').fill(USER);
    await field('password').fill(WRONG);
    await field('verifyServer').uncheck();
    await expect(page.getByTestId('wizard-tls-warning').isVisible()).resolves.toBe(true);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-verify-off.png') });
    await page.getByTestId('wizard-next').click();
    // Still there on the next step: the warning is permanent while verification is off.
    await expect(page.getByTestId('wizard-tls-warning').isVisible()).resolves.toBe(true);
    await page.getByTestId('wizard-back').click();
    await field('verifyServer').check();
    await expect(page.getByTestId('wizard-tls-warning').count()).resolves.toBe(0);
    await page.getByTestId('wizard-next').click();
  });

  it('takes the topic filters, checked inline', async () => {
    await expect(wizard().getAttribute('data-step')).resolves.toBe('topics');
    await field('subscribe').fill('Coreflux/#/status');
    await field('subscribe').blur();
    await expect(page.getByTestId('wizard-error-subscribe').textContent()).resolves.toMatch(/# must be/);
    await field('subscribe').fill('Coreflux/#');
    await page.getByTestId('wizard-next').click();
    await expect(wizard().getAttribute('data-step')).resolves.toBe('test');
  });

  it('without the site CA, the test stops at TLS and names the certificate', async () => {
    await runTest();
    await expect(page.getByTestId('wizard-verdict').getAttribute('data-passed')).resolves.toBe('false');
    await expect(check('resolve').getAttribute('data-ok')).resolves.toBe('true');
    await expect(check('tcp').getAttribute('data-ok')).resolves.toBe('true');
    await expect(check('tls').getAttribute('data-ok')).resolves.toBe('false');
    await expect(check('connack').getAttribute('data-state')).resolves.toBe('skipped');
    const failure = await page.getByTestId('wizard-failure').textContent();
    expect(failure).toMatch(
      /certificate is not trusted: CN=localhost, issued by CN=Kilowatch Test CA, valid until/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-test-untrusted.png') });
  });

  it('with the CA file chosen in the browser but a wrong password, it stops at CONNACK', async () => {
    await page.getByText(/Change it in Security/).click();
    await expect(wizard().getAttribute('data-step')).resolves.toBe('security');
    await page.getByTestId('wizard-file-ca').setInputFiles(pki.ca.path);
    // FileReader answers asynchronously.
    await expect.poll(() => field('ca').inputValue()).toContain('-----BEGIN CERTIFICATE-----');
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-security.png') });
    await page.getByTestId('wizard-tab-test').click();
    await runTest();
    await expect(check('tls').getAttribute('data-ok')).resolves.toBe('true');
    await expect(check('connack').getAttribute('data-ok')).resolves.toBe('false');
    await expect(page.getByTestId('wizard-failure').getAttribute('data-code')).resolves.toBe('auth-rejected');
    await expect(page.getByTestId('wizard-failure').textContent()).resolves.toMatch(
      /rejected the user name "frontdesk" or its password/,
    );
  });

  it('after a failed test, saving leaves the live connection alone unless asked, and asks first', async () => {
    // Console started with --broker: its live profile is "site", on the plain broker.
    await page.getByTestId('wizard-tab-save').click();
    await expect(wizard().getAttribute('data-step')).resolves.toBe('save');
    await expect(page.getByTestId('wizard-activate').isChecked()).resolves.toBe(false);
    await expect(page.getByTestId('wizard-save').textContent()).resolves.toBe('Save');
    await page.getByTestId('wizard-activate').check();
    await expect(page.getByTestId('wizard-save').textContent()).resolves.toBe('Save & connect anyway');
    await page.getByTestId('wizard-save').click();
    const question = page.getByTestId('wizard-replace');
    await question.waitFor();
    await expect(question.textContent()).resolves.toMatch(
      new RegExp(
        `connected with “site” \\(mqtt://127\\.0\\.0\\.1:${plain.port}\\)\\. Making “Hotel Porto” the active connection disconnects “site”`,
      ),
    );
    await expect(page.getByTestId('wizard-replace-yes').textContent()).resolves.toBe(
      'Replace “site” with “Hotel Porto”',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-replace-question.png') });
    await page.getByTestId('wizard-replace-no').click();
    await page.getByTestId('wizard-saved').waitFor();
    await expect(page.getByTestId('wizard-saved').textContent()).resolves.toBe('Saved “Hotel Porto”. ');
    // Still on the plain broker.
    await expect(page.getByTestId('connection-status').getAttribute('data-status')).resolves.toBe(
      'connected',
    );
    await expect(page.getByTestId('connection-status').textContent()).resolves.toContain(
      `127.0.0.1:${plain.port}`,
    );
  });

  it('with the right password, every step passes and the first message is seen', async () => {
    await page.getByTestId('wizard-tab-security').click();
    await field('password').fill(PASSWORD);
    await page.getByTestId('wizard-tab-test').click();
    await runTest();
    await expect(page.getByTestId('wizard-verdict').getAttribute('data-passed')).resolves.toBe('true');
    for (const step of ['resolve', 'tcp', 'tls', 'connack', 'subscribe', 'first-message'])
      await expect(check(step).getAttribute('data-ok')).resolves.toBe('true');
    await expect(check('first-message').textContent()).resolves.toMatch(
      /Coreflux\/Porto\/Lobby\/Light\/online/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-test-passed.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-test-passed-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('saves and connects; the header shows the new broker', async () => {
    await page.getByTestId('wizard-next').click();
    await expect(wizard().getAttribute('data-step')).resolves.toBe('save');
    // Passed: active by default, and replacing the live connection is still asked about.
    await expect(page.getByTestId('wizard-activate').isChecked()).resolves.toBe(true);
    await page.getByTestId('wizard-save').click();
    await page.getByTestId('wizard-replace-yes').click();
    await page.getByTestId('wizard-saved').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('wizard-saved').getAttribute('data-status')).resolves.toBe('connected');
    await page.getByTestId('wizard-done').click();
    await expect(wizard().count()).resolves.toBe(0);
    await page.waitForFunction(
      (url) =>
        document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-status') ===
          'connected' &&
        (document.querySelector('[data-testid="connection-status"]')?.textContent ?? '').includes(url),
      `mqtts://localhost:${site.port}`,
      { timeout: 15_000 },
    );
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it('reconnects to the saved broker when the console starts again', async () => {
    outputs.push(headless.output());
    expect(await headless.stop()).toBe(0);
    headless = await startHeadless(['--db', join(dir.path, 'kw.db'), '--port', '0']);
    // No --broker this time: the profile saved as active is the one it connects to.
    for (let i = 0; i < 100 && !headless.output().includes('broker:'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(headless.output()).toContain(`broker: mqtts://localhost:${site.port}`);
    await page.close();
    await openPage(headless.url);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-status') ===
        'connected',
      undefined,
      { timeout: 15_000 },
    );
  });

  it('never lets the password out: not in output, files, events, or the page', async () => {
    outputs.push(headless.output());
    expect(outputs.join('\n')).not.toContain(PASSWORD);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.join('\n')).not.toContain(PASSWORD);
    expect(frames.join('\n')).not.toContain(WRONG);
    const files = readdirSync(dir.path, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('secrets') && !e.name.startsWith('kw.db'))
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.join('\n')).not.toContain(PASSWORD);
    const db = readdirSync(dir.path).filter((n) => n.startsWith('kw.db'));
    for (const name of db) expect(readFileSync(join(dir.path, name)).includes(PASSWORD)).toBe(false);
    expect(errors).toEqual([]);
  });
});
