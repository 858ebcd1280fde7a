/** Debian's Chromium driven by playwright-core (never a downloaded browser). */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Collects console errors and uncaught exceptions: a test fails on any of them. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** "1.234 kWh", "812.4 Wh", "—" → Wh. */
export function parseEnergyWh(text: string): number {
  const m = /(-?[\d.,\s\u00a0\u202f]+)\s*(kWh|Wh|MWh)/.exec(text);
  if (!m) return Number.NaN;
  const value = Number((m[1] as string).replace(/[\s\u00a0\u202f,]/g, ''));
  // 16.06 × 1000 is 16059.999999999998 in binary floating point: the screen shows at most a few
  // decimals, so the product is rounded back to what the text said (to the µWh).
  const wh = value * { Wh: 1, kWh: 1000, MWh: 1_000_000 }[m[2] as 'Wh' | 'kWh' | 'MWh'];
  return Math.round(wh * 1e6) / 1e6;
}
