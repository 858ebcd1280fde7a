/// <reference lib="dom" />
/**
 * "Export diagnostics" in Debian's Chromium on the demo console: the header's button says it is
 * busy, the browser saves a zip holding versions.json and the logs, and the console names the file.
 * When the archive cannot be made (the logs folder has become a file) it says why, and the button
 * works again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, waitForRows, type ConsolePage } from '../support/e2e-console';
import { startDemoConsole } from '../support/e2e-demo';
import { tempDir } from '../support/temp-dir';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;
const downloads = tempDir();

beforeAll(async () => {
  demo = await startDemoConsole();
  c = await openConsole(demo.headless.url);
  await waitForRows(c.page, 'room:', 1);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
  downloads.remove();
});

/** The button's labels as they change, recorded in the page. */
async function watchButtonLabels(): Promise<void> {
  await c.page.getByTestId('export-diagnostics').evaluate((button) => {
    const seen: string[] = [];
    (window as unknown as { __labels: string[] }).__labels = seen;
    new MutationObserver(() => seen.push(button.textContent ?? '')).observe(button, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
}
const buttonLabels = () => c.page.evaluate(() => (window as unknown as { __labels: string[] }).__labels);

describe('Export diagnostics', () => {
  it('downloads a zip with versions.json and the logs, and names it', async () => {
    const button = c.page.getByTestId('export-diagnostics');
    expect(await button.textContent()).toBe('Export diagnostics');
    await watchButtonLabels();
    const [file] = await Promise.all([c.page.waitForEvent('download'), button.click()]);
    expect(file.suggestedFilename()).toMatch(/^kilowatch-diagnostics-\d{8}-\d{6}\.zip$/);
    const path = join(downloads.path, file.suggestedFilename());
    await file.saveAs(path);
    const entries = unzipSync(new Uint8Array(readFileSync(path)));
    const versions = JSON.parse(strFromU8(entries['versions.json'] as Uint8Array)) as Record<string, unknown>;
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(versions).toMatchObject({ kilowatch: pkg.version, node: expect.any(String) });
    expect(Object.keys(entries)).toContain('logs/kilowatch.1.log');

    await expect
      .poll(() => c.page.getByTestId('tree-notice').textContent())
      .toContain(
        `Saved “${file.suggestedFilename()}” to your downloads: logs and settings, without passwords.`,
      );
    await expect.poll(() => button.textContent()).toBe('Export diagnostics');
    expect(await button.isEnabled()).toBe(true);
    expect(await buttonLabels()).toContain('Exporting…');
    expect(c.errors).toEqual([]);
    expect(c.failedRequests).toEqual([]);
  });

  it('says why when the archive cannot be made, and can be pressed again', async () => {
    const database = /database: (\S+\.db)/.exec(demo.headless.output())?.[1];
    if (!database) throw new Error(`no database in the output:\n${demo.headless.output()}`);
    const logs = join(dirname(database), 'logs');
    // The log folder's place taken by a file: what the core reads is gone, the log writes on.
    renameSync(logs, `${logs}.moved`);
    writeFileSync(logs, 'not a folder');
    const button = c.page.getByTestId('export-diagnostics');
    await button.click();
    const notice = c.page.getByTestId('tree-notice');
    await expect
      .poll(() => notice.textContent())
      .toMatch(/^Could not export diagnostics: Could not read what the diagnostics need: ENOTDIR/);
    expect(await notice.getAttribute('role')).toBe('alert');
    await expect.poll(() => button.isEnabled()).toBe(true);

    // Put back, it works again.
    renameSync(logs, `${logs}.file`);
    renameSync(`${logs}.moved`, logs);
    mkdirSync(logs, { recursive: true });
    const [file] = await Promise.all([c.page.waitForEvent('download'), button.click()]);
    expect(file.suggestedFilename()).toMatch(/\.zip$/);
    expect(c.errors).toEqual([]);
  });
});
