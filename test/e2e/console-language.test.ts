/// <reference lib="dom" />
/**
 * Issue #16, the language: a console switched to Portuguese speaks Portuguese at once in every
 * open window (header, tree, details, alerts, dialogs, the wizard), writes numbers the Portuguese
 * way, and leaves no English word of its own on the buttons, headings and labels a person reads;
 * switched back, it is English again. Data (the site's names) and units are not translated.
 * Against the headless demo in Chromium; no console errors allowed.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { api, startHeadless, type Headless } from '../support/headless';
import { tempDir } from '../support/temp-dir';

type Catalog = Record<string, string | Record<string, string>>;
let pt: Catalog;
let en: Catalog;

const dir = tempDir();
let headless: Headless;
let c: ConsolePage;

/** The Portuguese words of `key`, as the catalog has them. */
const said = (key: string): string => {
  const m = pt[key];
  if (typeof m !== 'string') throw new Error(`${key} is not a plain entry`);
  return m;
};

/**
 * English words of the console's own that must not be left on its controls: words the English
 * catalog uses on buttons and headings. The demo's place and device names are data and are not
 * looked at (the tree's rows and the details' name are left out).
 */
const ENGLISH =
  /\b(Settings|Connect|Search|Today|This week|This month|Export|Alerts|Unlock|Lock|Rename|Assign|Close|Cancel|Save|Power now|Energy|Details|Switch (on|off)|Collapse all|Print report|Show the values|Insight|Base load|Top consumers|Top movers|Rooms by night)\b/;

/** The text a person reads on the console's controls: buttons, headings, labels, aria-labels. */
const controlTexts = (page: ConsolePage) =>
  page.page.evaluate(() => {
    const out: string[] = [];
    const skip = (el: Element) =>
      el.closest('[role="treeitem"]') !== null || el.closest('[data-testid="detail-name"]') !== null;
    for (const el of document.querySelectorAll('button, h1, h2, h3, h4, label, th, legend, [role="tab"]')) {
      if (skip(el)) continue;
      const text = (el as HTMLElement).innerText?.trim();
      if (text) out.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (skip(el)) continue;
      for (const name of ['aria-label', 'placeholder']) {
        const v = el.getAttribute(name);
        if (v) out.push(v);
      }
    }
    return out;
  });

beforeAll(async () => {
  const I18N = resolve(__dirname, '../../src/renderer/src/i18n/messages/index.ts');
  const { MESSAGES } = (await import(/* @vite-ignore */ I18N)) as { MESSAGES: Record<string, Catalog> };
  pt = MESSAGES.pt as Catalog;
  en = MESSAGES.en as Catalog;
  headless = await startHeadless(['--demo', '--port', '0', '--db', join(dir.path, 'lang.db')], {
    KILOWATCH_DEMO_HISTORY: 'off',
  });
  c = await openConsole(headless.url);
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  await headless?.stop();
  dir.remove();
});

async function setLanguage(language: string): Promise<void> {
  const { body } = await api(headless.url, 'settings.set', { language });
  expect(body).toMatchObject({ ok: true });
  await c.page.waitForFunction(
    (want) => document.querySelector('.app')?.getAttribute('data-locale') === want,
    language,
  );
}

describe('the console in Portuguese', () => {
  it('starts in English (the browser is en-US) with no Portuguese on its controls', async () => {
    await expect(c.page.getByTestId('open-settings').textContent()).resolves.toBe(en['app.header.settings']);
    const texts = await controlTexts(c);
    expect(texts.some((text) => ENGLISH.test(text))).toBe(true);
  });

  it('switches every region to Portuguese at once, with no reload', async () => {
    await setLanguage('pt-PT');
    await expect(c.page.getByTestId('open-settings').textContent()).resolves.toBe(
      said('app.header.settings'),
    );
    await expect(c.page.getByTestId('open-wizard').textContent()).resolves.toBe(said('app.header.connect'));
    await expect(c.page.getByTestId('collapse-all').textContent()).resolves.toBe(said('site.collapseAll'));
    await expect(c.page.getByRole('tree').getAttribute('aria-label')).resolves.toBe(said('site.tree.label'));
    await expect(c.page.getByRole('heading', { name: said('alerts.title') })).toBeTruthy();

    const room = await c.page
      .locator('[role="treeitem"][data-node-id^="room:"]')
      .first()
      .getAttribute('data-node-id');
    await selectNode(c.page, room as string);
    await c.page.getByTestId('range-7d').waitFor();
    await expect(c.page.getByTestId('range-7d').textContent()).resolves.toBe(said('details.range.7d'));
    await expect(
      c.page.getByText(said('details.tile.power'), { exact: true }).count(),
    ).resolves.toBeGreaterThan(0);

    const leftovers = (await controlTexts(c)).filter((text) => ENGLISH.test(text));
    expect(leftovers).toEqual([]);
  });

  it('writes numbers the Portuguese way', async () => {
    const energy = await c.page.getByTestId('company-energy').first().textContent();
    // "1 234,567 kWh" or "12,3 Wh": a decimal comma, never a decimal point.
    expect(energy).toMatch(/^\d[\d\s\u00a0\u202f.]*(,\d+)?\s?k?Wh$/);
    expect(energy).not.toMatch(/\d\.\d{1,3}\s?k?Wh$/);
  });

  it('speaks Portuguese in the dialogs and the connection wizard', async () => {
    await c.page.getByTestId('open-settings').click();
    const settings = c.page.getByTestId('settings-dialog');
    await settings.waitFor();
    await expect(
      settings.getByRole('heading', { name: said('dialogs.settings.title') }).count(),
    ).resolves.toBe(1);
    await expect(c.page.getByTestId('settings-save').textContent()).resolves.toBe(said('settings.save'));
    const inDialog = (await controlTexts(c)).filter((text) => ENGLISH.test(text));
    expect(inDialog).toEqual([]);
    await c.page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });

    await c.page.getByTestId('open-wizard').click();
    const wizard = c.page.getByTestId('connection-wizard');
    await wizard.waitFor();
    await expect(wizard.getByRole('heading', { name: said('wizard.title') }).count()).resolves.toBe(1);
    await expect(c.page.getByTestId('wizard-next').textContent()).resolves.toBe(said('wizard.next'));
    const inWizard = (await controlTexts(c)).filter((text) => ENGLISH.test(text));
    expect(inWizard).toEqual([]);
    await c.page.keyboard.press('Escape');
    await wizard.waitFor({ state: 'detached' });
  });

  it('switches with a device’s live power chart on screen, without an error', async () => {
    // The workspace is remounted in the new language: the chart's pending redraw must not touch
    // a canvas already taken off the page.
    const device = await c.page
      .locator('[role="treeitem"][data-node-id^="device:"]')
      .first()
      .getAttribute('data-node-id');
    await selectNode(c.page, device as string);
    await c.page.getByTestId('power-chart').waitFor();
    for (const language of ['en-GB', 'pt-PT', 'en-GB', 'pt-PT']) await setLanguage(language);
    await c.page.getByTestId('power-chart').waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.errors).toEqual([]);
  });

  it('is English again when switched back', async () => {
    await setLanguage('en-GB');
    await expect(c.page.getByTestId('open-settings').textContent()).resolves.toBe(en['app.header.settings']);
    await expect(c.page.getByTestId('collapse-all').textContent()).resolves.toBe(en['site.collapseAll']);
    expect(c.errors).toEqual([]);
  });
});
