/**
 * The desktop app's start (src/main/electron/index.ts, app-instance.ts, startup-failure.ts) against
 * a stand-in `electron` module (no Electron binary here): its data lives in the OS's app-data
 * folder under "Kilowatch", a second launch raises the first window and quits, and a database
 * engine built for another runtime ends in a dialog that names the fix, in the words Node's own
 * loader uses (read from this Node's binary, so a rewording here fails the test).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APP_DATA_FOLDER,
  claimSingleInstance,
  useAppDataFolder,
  type RaisableWindow,
} from '../../src/main/electron/app-instance';
import {
  describeStartupFailure,
  NATIVE_MODULE_FIX,
  StartupError,
  STARTUP_FAILURE_TITLE,
} from '../../src/main/electron/startup-failure';
import { tempDir } from '../support/temp-dir';

type Handler = (...args: unknown[]) => unknown;

const stand = vi.hoisted(() => {
  const fresh = (appData: string, hasLock: boolean) => {
    const events: string[] = [];
    const listeners = new Map<string, Handler>();
    const paths = new Map<string, string>([['appData', appData]]);
    const windows: Array<{ calls: string[]; minimized: boolean }> = [];
    const session = () => ({
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
      setDevicePermissionHandler: () => undefined,
    });
    class BrowserWindow {
      record = { calls: [] as string[], minimized: true };
      webContents = { send: () => undefined, on: () => undefined, setWindowOpenHandler: () => undefined };
      constructor() {
        windows.push(this.record);
      }
      on() {}
      isDestroyed = () => false;
      isMinimized = () => this.record.minimized;
      restore = () => void this.record.calls.push('restore');
      show = () => void this.record.calls.push('show');
      focus = () => void this.record.calls.push('focus');
      loadURL = async () => undefined;
    }
    const module = {
      app: {
        isPackaged: true,
        on: (event: string, listener: Handler) => void listeners.set(event, listener),
        whenReady: async () => undefined,
        getPath: (name: string) => paths.get(name) ?? `/nonexistent/${name}`,
        setPath: (name: string, path: string) => void paths.set(name, path),
        requestSingleInstanceLock: () => hasLock,
        exit: (code: number) => void events.push(`exit ${code}`),
        quit: () => void events.push('quit'),
      },
      BrowserWindow,
      session: { defaultSession: session() },
      ipcMain: { handle: () => undefined, removeHandler: () => undefined },
      dialog: {
        showErrorBox: (title: string, content: string) => void events.push(`dialog ${title}: ${content}`),
      },
      safeStorage: {
        isAsyncEncryptionAvailable: async () => false,
        getSelectedStorageBackend: () => 'basic_text',
      },
      shell: { openExternal: async () => undefined },
    };
    return { events, listeners, paths, windows, module };
  };
  return {
    current: undefined as ReturnType<typeof fresh> | undefined,
    fresh,
    loadError: null as Error | null,
  };
});

vi.mock('electron', () => {
  const current = () => {
    if (!stand.current) throw new Error('electron stand-in not set up');
    return stand.current.module;
  };
  const names = ['app', 'BrowserWindow', 'session', 'ipcMain', 'dialog', 'safeStorage', 'shell'] as const;
  const module = {};
  for (const name of names)
    Object.defineProperty(module, name, { get: () => current()[name], enumerable: true });
  return module;
});

// The database engine as Electron would load it: the real one, or one that fails to load.
vi.mock('better-sqlite3', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: new (...args: unknown[]) => unknown }).default;
  const Database = function (this: unknown, ...args: unknown[]) {
    if (stand.loadError) throw stand.loadError;
    return new real(...args);
  } as unknown as typeof real;
  return { default: Database };
});

/** Node's own wording of a NODE_MODULE_VERSION mismatch, taken from the running Node binary. */
function nodeMismatchMessage(file: string, built: number, wanted: number): string {
  const binary = readFileSync(process.execPath).toString('latin1');
  const start = binary.indexOf("The module '%s'\nwas compiled against a different Node.js version");
  expect(start).toBeGreaterThanOrEqual(0);
  const format = binary.slice(start, binary.indexOf('\0', start));
  let n = 0;
  return format.replace(/%[sd]/g, () => String([file, built, wanted][n++]));
}

const BINARY =
  '/opt/Kilowatch/resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node';

describe('a database engine built for another runtime', () => {
  const mismatch = nodeMismatchMessage(BINARY, 115, 150);

  it("names the versions and the fix, from Node's own message", () => {
    const error = Object.assign(new Error(mismatch), { code: 'ERR_DLOPEN_FAILED' });
    expect(describeStartupFailure(error)).toBe(
      'Its database engine (better-sqlite3) was built for another runtime: NODE_MODULE_VERSION 115, ' +
        `where this Electron needs 150.\n\n${NATIVE_MODULE_FIX}`,
    );
    expect(NATIVE_MODULE_FIX).toContain('npm start');
    expect(NATIVE_MODULE_FIX).toContain('install it again');
  });

  it("reads it as well from the core's worker, where only the text arrives", () => {
    const fromWorker = new StartupError(
      `The counting engine stopped while starting (exit code 1): ${mismatch}`,
      'Check that you can write to /x/kilowatch.db, then start Kilowatch again.',
    );
    expect(describeStartupFailure(fromWorker)).toMatch(
      /^Its database engine \(better-sqlite3\) was built for another runtime: NODE_MODULE_VERSION 115, where this Electron needs 150\.\n\nFrom a source checkout, run `npm start`/,
    );
  });

  it('names the fix for any other failure to load it', () => {
    const error = Object.assign(new Error(`${BINARY}: invalid ELF header`), { code: 'ERR_DLOPEN_FAILED' });
    expect(describeStartupFailure(error)).toBe(
      `Its database engine (better-sqlite3) could not be loaded: ${BINARY}: invalid ELF header\n\n${NATIVE_MODULE_FIX}`,
    );
  });

  it('leaves other failures as they were', () => {
    expect(describeStartupFailure(new StartupError('Cannot read x.toml (ENOENT).', 'Correct x.toml.'))).toBe(
      'Cannot read x.toml (ENOENT).\n\nCorrect x.toml.',
    );
  });
});

describe('one instance, raised by the next launch', () => {
  const window = (minimized: boolean, destroyed = false) => {
    const calls: string[] = [];
    const win: RaisableWindow = {
      isDestroyed: () => destroyed,
      isMinimized: () => minimized,
      restore: () => void calls.push('restore'),
      show: () => void calls.push('show'),
      focus: () => void calls.push('focus'),
    };
    return { win, calls };
  };
  const app = (hasLock: boolean) => {
    const listeners: Array<() => void> = [];
    return {
      listeners,
      requestSingleInstanceLock: () => hasLock,
      on: (_event: 'second-instance', listener: () => void) => void listeners.push(listener),
    };
  };

  it('the second launch gets no lock and listens for nothing', () => {
    const second = app(false);
    expect(claimSingleInstance(second, () => null)).toBe(false);
    expect(second.listeners).toEqual([]);
  });

  it('the first raises its window, restoring it when minimized', () => {
    const first = app(true);
    let current: RaisableWindow | null = null;
    expect(claimSingleInstance(first, () => current)).toBe(true);
    first.listeners.forEach((l) => l()); // no window yet: nothing to raise
    const minimized = window(true);
    current = minimized.win;
    first.listeners.forEach((l) => l());
    expect(minimized.calls).toEqual(['restore', 'show', 'focus']);
    const shown = window(false);
    current = shown.win;
    first.listeners.forEach((l) => l());
    expect(shown.calls).toEqual(['show', 'focus']);
    const closed = window(false, true);
    current = closed.win;
    first.listeners.forEach((l) => l());
    expect(closed.calls).toEqual([]);
  });

  it('keeps its data in the app-data folder, named Kilowatch', () => {
    const paths = new Map([['appData', '/home/ana/.config']]);
    const folder = useAppDataFolder({
      getPath: (name) => paths.get(name) ?? '',
      setPath: (name, path) => void paths.set(name, path),
    });
    expect(folder).toBe(join('/home/ana/.config', APP_DATA_FOLDER));
    expect(paths.get('userData')).toBe(join('/home/ana/.config', 'Kilowatch'));
  });
});

describe('the desktop entry (index.ts)', () => {
  const dir = tempDir('kw-electron-start-');
  afterAll(() => dir.remove());
  const savedEnv = { ...process.env };
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    process.env.KILOWATCH_CORE = 'main-thread';
    delete process.env.ELECTRON_RENDERER_URL;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...savedEnv };
    stand.loadError = null;
  });

  async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Starts the entry with a config naming an unreachable broker and no database path. */
  async function startEntry(name: string, hasLock = true) {
    const appData = join(dir.path, name);
    const config = join(dir.path, `${name}.toml`);
    writeFileSync(config, '[[broker]]\nurl = "mqtt://127.0.0.1:1"\n');
    process.env.KILOWATCH_CONFIG = config;
    const fake = stand.fresh(appData, hasLock);
    stand.current = fake;
    vi.resetModules();
    await import('../../src/main/electron/index');
    return { fake, appData };
  }

  const stop = async (fake: NonNullable<typeof stand.current>) => {
    fake.listeners.get('window-all-closed')?.();
    await until('quit', () => fake.events.includes('quit'));
  };

  it('opens its database in <app data>/Kilowatch, and raises its window for a second launch', async () => {
    const { fake, appData } = await startEntry('first');
    await until('the window', () => fake.windows.length === 1);
    try {
      expect(fake.paths.get('userData')).toBe(join(appData, 'Kilowatch'));
      expect(existsSync(join(appData, 'Kilowatch', 'kilowatch.db'))).toBe(true);
      fake.listeners.get('second-instance')?.({}, [], '/');
      expect(fake.windows[0]?.calls).toEqual(['restore', 'show', 'focus']);
    } finally {
      await stop(fake);
    }
  });

  it('quits at once as a second launch, opening nothing', async () => {
    const { fake, appData } = await startEntry('second', false);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.events).toEqual(['quit']);
    expect(fake.windows).toEqual([]);
    expect(fake.listeners.has('second-instance')).toBe(false);
    expect(existsSync(join(appData, 'Kilowatch', 'kilowatch.db'))).toBe(false);
  });

  it('shows a dialog naming the fix when the database engine was built for Node, then exits', async () => {
    stand.loadError = Object.assign(new Error(nodeMismatchMessage(BINARY, 115, 150)), {
      code: 'ERR_DLOPEN_FAILED',
    });
    const { fake } = await startEntry('mismatch');
    await until('exit', () => fake.events.some((e) => e.startsWith('exit')));
    expect(fake.events).toEqual([
      `dialog ${STARTUP_FAILURE_TITLE}: Its database engine (better-sqlite3) was built for another runtime: ` +
        `NODE_MODULE_VERSION 115, where this Electron needs 150.\n\n${NATIVE_MODULE_FIX}`,
      'exit 1',
    ]);
    expect(fake.windows).toEqual([]);
  });
});
