/**
 * The desktop app: one hardened window and the IPC adapter. Everything else is the core.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, shell } from 'electron';
import { loadConfig, defaultConfig } from '../core/config';
import type { KilowatchConsole } from '../core/console';
import { openConsole } from '../core/open-console';
import { ProfileStore } from '../core/broker/profile-store';
import { profileFromConfig } from '../core/profile-from-config';
import { startDemo } from '../demo';
import { bindIpc, EVENT_CHANNEL } from './ipc';
import { pickPem } from './pem-dialog';
import { SafeStorageSecretStore } from './safe-storage-secrets';

const log = (message: string, error?: unknown) => console.error(`kilowatch: ${message}`, error ?? '');

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const isTrustedUrl = (url: string): boolean =>
  rendererUrl ? url.startsWith(rendererUrl) : url.startsWith('file://') && url.includes('/renderer/');

function createWindow(core: KilowatchConsole): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  win.on('ready-to-show', () => win.show());
  // No navigation away from our page and no new windows; links open in the browser.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const unsubscribe = core.on((message) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, message);
  });
  win.on('closed', unsubscribe);
  if (rendererUrl) void win.loadURL(rendererUrl);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  const configPath = process.env.KILOWATCH_CONFIG;
  const loaded = configPath ? loadConfig(configPath) : { ok: true as const, value: defaultConfig() };
  if (!loaded.ok) throw new Error(loaded.error.message);
  const config = loaded.value;
  const profile = profileFromConfig(config, { subscribe: [] }, process.env);
  if (!profile.ok) throw new Error(profile.error.message);
  // Profiles from the connection wizard; their passwords encrypted with safeStorage.
  const userData = app.getPath('userData');
  const profiles = ProfileStore.open(userData, new SafeStorageSecretStore(userData, safeStorage));
  if (!profiles.ok) throw new Error(profiles.error.message);
  let configured = profile.value;
  if (configured === null) {
    const active = await profiles.value.activeProfile();
    if (!active.ok) throw new Error(active.error.message);
    configured = active.value;
  }
  const isDemo = configured === null;
  const opened = openConsole({
    dbPath:
      config.storage.path ?? join(app.getPath('userData'), isDemo ? 'kilowatch-demo.db' : 'kilowatch.db'),
    outPrefix: config.publish.prefix,
    publishIntervalS: config.publish.intervalS,
    isDemo,
    profiles: profiles.value,
    ...(config.site.timezone && { timeZone: config.site.timezone }),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  bindIpc(
    ipcMain,
    { ...core.handlers, 'connection.pickPem': ({ kind }) => pickPem(dialog, kind) },
    isTrustedUrl,
    log,
  );
  const demo = isDemo ? await startDemo() : null;
  void core.connect(
    configured ?? { name: 'demo', url: demo!.url, protocolVersion: 4, keepaliveS: 30, subscribe: ['#'] },
  );
  createWindow(core);
  app.on('window-all-closed', () => {
    void core.close().then(async () => {
      await demo?.stop();
      store.close();
      app.quit();
    });
  });
}

start().catch((e: unknown) => {
  log('could not start', e);
  app.exit(1);
});
