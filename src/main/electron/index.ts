/**
 * The desktop app: one hardened window and the IPC adapter. Everything else is the core.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell } from 'electron';
import { commands, describeIssues, type AccessStatus } from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';
import { loadConfig, defaultConfig } from '../core/config';
import { inProcessConsole, type ConsoleApi } from '../core/console-api';
import { openConsole } from '../core/open-console';
import { ProfileStore } from '../core/broker/profile-store';
import { profileFromConfig } from '../core/profile-from-config';
import { startDemo } from '../demo';
import { startDemoHttpDevices } from '../demo/http-devices';
import { pollTargets } from '../core/polling/poll-targets';
import { backfillDemoHistory, describeBackfill, type BackfillReport } from '../demo/backfill';
import { DEMO_ROLES } from '../demo/demo-roles';
import { DEMO_TARIFF } from '../demo/demo-tariff';
import { CoreHost, WORKER_ENTRY } from '../worker/core-host';
import type { WorkerOpenOptions } from '../worker/protocol';
import { describeThresholdPin, pinMallocMmapThreshold } from '../worker/malloc-threshold';
import { releaseMainYoungGeneration } from '../worker/young-generation';
import type { Logger } from '../core/dispatch';
import { logDirOf } from '../core/diagnostics/log-files';
import { logConsoleEvents } from '../log/console-events';
import { resolveLogLevel } from '../log/log-level';
import { openLog, type AppLog } from '../log/open-log';
import { claimSingleInstance, useAppDataFolder } from './app-instance';
import {
  denyAllPermissions,
  hardenWebContents,
  isTrustedUrl,
  trustedRendererUrl,
  type TrustedRenderer,
} from './hardening';
import { bindIpc, EVENT_CHANNEL } from './ipc';
import { pickPem } from './pem-dialog';
import { SafeStorageSecretStore } from './safe-storage-secrets';
import { reportStartupFailure, StartupError } from './startup-failure';

/** The log file once it is open (start()); before that, and if it cannot be, the terminal. */
let appLog: AppLog | null = null;
const log: Logger = (message, error) =>
  appLog ? appLog.log(message, error) : console.error(`kilowatch: ${message}`, error ?? '');

// Links from our own page (window.open, target=_blank) go to the system browser, never into the
// app; hardening.ts lets only https URLs through, so no file: or custom-protocol handler is reached.
const openInBrowser = (url: string): void => void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK

// Registered before the app is ready, so no session or webContents exists without these rules.
app.on('session-created', (created) => denyAllPermissions(created));
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openInBrowser));

// Before the single-instance lock, which Electron takes on this folder.
useAppDataFolder(app);
let mainWindow: BrowserWindow | null = null;

function createWindow(core: ConsoleApi, trusted: TrustedRenderer): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      // Our own preload, in a sandboxed, context-isolated page: it exposes only the typed
      // contract (never ipcRenderer), and every command it forwards is checked again in ipc.ts.
      preload: join(__dirname, '../preload/index.js'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      // A middle click is another way to open a window; the window-open handler refuses those
      // anyway, but the page has no use for it either.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.on('ready-to-show', () => win.show());
  // The frames as the core's worker encoded them: this thread never parses a push.
  const unsubscribe = core.onEncoded((frame) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, frame);
  });
  win.on('closed', unsubscribe);
  // The very URL the IPC check trusts, so the two cannot disagree.
  void win.loadURL(trusted.url);
  return win;
}

/** The file dialog is the window's, so this one command is answered on this thread. */
async function pickPemHere(params: unknown): Promise<Result<unknown, ApiError>> {
  const parsed = commands['connection.pickPem'].params.safeParse(params ?? {});
  if (!parsed.success) return err('invalid-params', describeIssues(parsed.error));
  return pickPem(dialog, parsed.data.kind);
}

function rendererToTrust(): TrustedRenderer {
  const indexFile = pathToFileURL(join(__dirname, '../renderer/index.html')).href;
  try {
    return trustedRendererUrl(indexFile, app.isPackaged, process.env.ELECTRON_RENDERER_URL);
  } catch (e) {
    throw new StartupError(
      `Cannot use the dev server address: ${(e as Error).message}`,
      'Unset ELECTRON_RENDERER_URL, or start the app with `npm run dev`, which sets it.',
    );
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  denyAllPermissions(session.defaultSession);
  const trusted = rendererToTrust();
  const configPath = process.env.KILOWATCH_CONFIG;
  const fixConfig = `Correct ${configPath ?? 'the config file'}, or start Kilowatch without KILOWATCH_CONFIG to use the defaults.`;
  const loaded = configPath
    ? loadConfig(configPath)
    : { ok: true as const, value: { config: defaultConfig(), pinned: {} } };
  if (!loaded.ok) throw new StartupError(loaded.error.message, fixConfig);
  const { config, pinned } = loaded.value;
  const profile = profileFromConfig(config, { subscribe: [] }, process.env);
  if (!profile.ok) throw new StartupError(profile.error.message, fixConfig);
  const polled = pollTargets(config.poll);
  if (!polled.ok) throw new StartupError(polled.error.message, fixConfig);
  // Profiles from the connection wizard; their passwords encrypted with safeStorage.
  const userData = app.getPath('userData');
  const fixUserData = `Check that ${userData} exists and that you can write to it, then start Kilowatch again.`;
  const level = resolveLogLevel(config.logging.level, process.env);
  if (!level.ok) throw new StartupError(level.error.message, fixConfig);
  // The installed app has no terminal to echo to; a development start keeps its readable lines.
  const logs = await openLog({
    dir: logDirOf(userData),
    level: level.value,
    echo: app.isPackaged ? null : process.stderr,
  });
  if (!logs.ok) throw new StartupError(logs.error.message, fixUserData);
  appLog = logs.value;
  // Before the core's threads start (worker/malloc-threshold.ts).
  const pinFailure = describeThresholdPin(pinMallocMmapThreshold());
  if (pinFailure) log(pinFailure);
  const secrets = new SafeStorageSecretStore(userData, safeStorage);
  const profiles = ProfileStore.open(userData, secrets);
  if (!profiles.ok) throw new StartupError(profiles.error.message, fixUserData);
  let configured = profile.value;
  if (configured === null) {
    const active = await profiles.value.activeProfile();
    if (!active.ok) throw new StartupError(active.error.message, fixUserData);
    configured = active.value;
  }
  const isDemo = configured === null;
  const dbPath =
    config.storage.path ?? join(app.getPath('userData'), isDemo ? 'kilowatch-demo.db' : 'kilowatch.db');
  // The demo's plugs not on MQTT answer HTTP on loopback before the console starts polling them.
  const demoPlugs = isDemo ? await startDemoHttpDevices() : null;
  const openOptions = {
    dbPath,
    outPrefix: config.publish.prefix,
    publishIntervalS: config.publish.intervalS,
    publishProfiles: config.publish.profiles,
    homeAssistant: config.homeassistant,
    headOfficeSites: config.headoffice.sites,
    night: { fromHour: config.insight.nightFrom, toHour: config.insight.nightTo },
    ...(config.tariff && { tariff: config.tariff }),
    minuteDays: config.storage.retention.minuteDays,
    isDemo,
    meterRoles: config.meter,
    poll: [...polled.value, ...(demoPlugs?.targets ?? [])],
    ...(demoPlugs && { alsoScan: demoPlugs.scanAddresses }),
    ...(isDemo && { seedRoles: DEMO_ROLES, seedTariff: DEMO_TARIFF }),
    ...(config.site.timezone && { timeZone: config.site.timezone }),
    ...(config.site.language && { language: config.site.language }),
    pinned,
    dataDir: userData,
    diagnostics: { logDir: appLog.dir, config },
  };
  const started = await startCoreHere(openOptions, userData, secrets, profiles.value);
  if (!started.ok)
    throw new StartupError(
      started.error.message,
      `Check that you can write to ${dbPath} (or set [storage] path in the config file), then start Kilowatch again.`,
    );
  const core = started.value;
  logConsoleEvents(core, appLog.fileLogger);
  bindIpc(
    ipcMain,
    async (name, params, caller) => {
      if (name !== 'connection.pickPem') return core.invoke(name, params, caller);
      // The file dialog lives here, not in the core: ask the core whether this window may open it.
      const access = await core.invoke('access.status', {}, caller);
      if (access.ok && (access.value as AccessStatus).role !== 'manager')
        return err(
          'forbidden',
          'Only a manager may change the connection. Unlock with the manager PIN first.',
        );
      return pickPemHere(params);
    },
    (url) => isTrustedUrl(url, trusted),
    log,
  );
  const demo = isDemo ? await startDemo() : null;
  // Registers the fleet before it is heard; the months of history follow while the window loads.
  if (demo)
    void core.backfillDemo(demo.seed).then(
      (report) => log(describeBackfill(report)),
      (error: unknown) => log('the demo history could not be written', error),
    );
  void core.connect(
    configured ?? { name: 'demo', url: demo!.url, protocolVersion: 4, keepaliveS: 30, subscribe: ['#'] },
  );
  mainWindow = createWindow(core, trusted);
  app.on('window-all-closed', () => {
    void core.close().then(async () => {
      await demo?.stop();
      await demoPlugs?.stop();
      app.quit();
    });
  });
}

/**
 * The core counts on its worker thread, so a burst of readings never freezes the window; the
 * secrets stay here, where safeStorage is. KILOWATCH_CORE=main-thread runs it on this thread
 * instead (comparisons, and tests of this entry run from source, where no worker file is built).
 */
async function startCoreHere(
  open: Omit<WorkerOpenOptions, 'profiles'>,
  userData: string,
  secrets: SafeStorageSecretStore,
  profiles: ProfileStore,
): Promise<Result<ConsoleApi & { backfillDemo(seed: number): Promise<BackfillReport> }, ApiError>> {
  if (process.env.KILOWATCH_CORE === 'main-thread') {
    releaseMainYoungGeneration();
    const opened = openConsole({ ...open, profiles });
    if (!opened.ok) return opened;
    const { console: core, store } = opened.value;
    const api = inProcessConsole(core, log, () => store.close());
    return {
      ok: true,
      value: Object.assign(api, {
        backfillDemo: (seed: number) => backfillDemoHistory(core, store, { seed }),
      }),
    };
  }
  return CoreHost.start({
    open: { ...open, profiles: { dir: userData, secrets: 'main-thread', passwordFromEnv: false } },
    secrets,
    log,
    workerPath: join(__dirname, WORKER_ENTRY),
  });
}

// A second launch only raises the first one's window (app-instance.ts), and ends here.
if (claimSingleInstance(app, () => mainWindow))
  start().catch((e: unknown) => {
    log('could not start', e);
    reportStartupFailure(dialog, e, (code) => app.exit(code));
  });
else app.quit();
