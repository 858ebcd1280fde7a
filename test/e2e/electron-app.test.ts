/// <reference lib="dom" />
/**
 * The desktop app itself: the real Electron binary started on this checkout (package.json "main",
 * the built out/main/index.js) by Playwright's _electron, in demo mode with a fresh app-data
 * folder. The demo tree fills, a relay switches and the device confirms it, the data lands in
 * <app data>/Kilowatch, and a second launch exits at once instead of opening a second window.
 *
 * Electron's binary is downloaded by the electron package's install script (`npm start` runs it),
 * from GitHub; where it is absent (on the machine this was written on) the test is skipped and
 * its title says why.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchErrors } from '../support/browser';
import { poll, row, selectNode, waitForRows } from '../support/e2e-console';
import { tempDir } from '../support/temp-dir';

const REPO = resolve(__dirname, '../..');
const ELECTRON_DIR = join(REPO, 'node_modules/electron');
const DEVICE = 'device:Aurora/Lisbon/Reception/Light1';
const CHANNEL = 'channel:Aurora/Lisbon/Reception/Light1|switch:0';

/** The Electron executable, or why this machine cannot run the test. */
function electronBinary(): { path: string } | { skip: string } {
  const pathFile = join(ELECTRON_DIR, 'path.txt');
  const path = existsSync(pathFile) ? join(ELECTRON_DIR, 'dist', readFileSync(pathFile, 'utf8')) : null;
  if (!path || !existsSync(path))
    return {
      skip:
        'no Electron binary: node_modules/electron/dist is missing (it is downloaded from GitHub by ' +
        "the electron package's install script, which `npm start` runs; Node 22.12+)",
    };
  if (!existsSync(join(REPO, 'out/main/index.js')))
    return { skip: 'out/main/index.js is missing: run `npm run build`' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { skip: 'no display (DISPLAY or WAYLAND_DISPLAY) for the Electron window; run it under xvfb-run' };
  // appData is not an environment variable on macOS: the test would use the real Kilowatch folder.
  if (process.platform === 'darwin') return { skip: 'on macOS the app-data folder cannot be redirected' };
  return { path };
}

const binary = electronBinary();
// The default reporter names skipped files but not why: say it once.
if ('skip' in binary) console.log(`electron-app.test.ts is skipped: ${binary.skip}`);
// Chromium refuses to run as root with its sandbox (CI runs as root).
const args = [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), REPO];

/** This environment, with Electron's appData ($XDG_CONFIG_HOME on Linux, %APPDATA% on Windows) in `appData`. */
function appEnv(appData: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && name !== 'KILOWATCH_CONFIG' && name !== 'ELECTRON_RUN_AS_NODE')
      env[name] = value;
  return { ...env, XDG_CONFIG_HOME: appData, APPDATA: appData };
}

describe.skipIf('skip' in binary)(
  'skip' in binary ? `the desktop app (skipped: ${binary.skip})` : 'the desktop app',
  () => {
    let app: ElectronApplication;
    let page: Page;
    let errors: string[];
    let dir: ReturnType<typeof tempDir>;
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = tempDir('kw-electron-app-');
      env = appEnv(dir.path);
      app = await _electron.launch({ executablePath: (binary as { path: string }).path, args, env });
      page = await app.firstWindow();
      errors = watchErrors(page);
    });
    afterAll(async () => {
      await app?.close();
      dir?.remove();
    });

    it('shows the demo tree', async () => {
      await waitForRows(page, 'room:', 3, 60_000);
      await expect(row(page, 'office:Aurora/Lisbon').count()).resolves.toBe(1);
    });

    it('switches a demo relay and shows the state the device confirmed', async () => {
      await selectNode(page, DEVICE);
      const toggle = page.locator(
        `[data-testid="node-details"] [role="switch"][data-channel-id="${CHANNEL}"]`,
      );
      const before = await poll(
        () => toggle.getAttribute('data-state'),
        (state) => state === 'on' || state === 'off',
        15_000,
        'the relay state',
      );
      await toggle.click();
      const after = await poll(
        () => toggle.getAttribute('data-state'),
        (state) => state !== 'pending' && state !== before,
        15_000,
        'the relay to switch',
      );
      expect(after).toBe(before === 'on' ? 'off' : 'on');
      expect(errors).toEqual([]);
    });

    it('keeps its data in <app data>/Kilowatch', async () => {
      const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
      expect(userData).toBe(join(dir.path, 'Kilowatch'));
      expect(existsSync(join(dir.path, 'Kilowatch', 'kilowatch-demo.db'))).toBe(true);
    });

    it('exits at once when launched a second time', async () => {
      const second = spawn((binary as { path: string }).path, args, { env, stdio: 'ignore' });
      const code = await new Promise<number | null>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error('the second launch is still running after 15 s')),
          15_000,
        );
        second.once('exit', (exitCode) => {
          clearTimeout(timer);
          done(exitCode);
        });
      });
      expect(code).toBe(0);
      expect(app.windows()).toHaveLength(1);
    });
  },
);
