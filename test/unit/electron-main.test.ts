/**
 * The desktop entry itself (src/main/electron/index.ts), started against a stand-in `electron`
 * module (no Electron binary here) with a real config file and SQLite store: it denies
 * permissions on every session, hardens every webContents, loads the exact page it trusts, binds
 * IPC with that same trust check, and shows a startup failure in a dialog before exiting.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { ConnectionState, EventMessage, KilowatchApi, KilowatchBridge } from '../../src/shared/contract';

type Handler = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  const newSession = () => {
    const set: Record<string, Handler> = {};
    return {
      set,
      setPermissionRequestHandler: (h: Handler) => void (set.request = h),
      setPermissionCheckHandler: (h: Handler) => void (set.check = h),
      setDevicePermissionHandler: (h: Handler) => void (set.device = h),
    };
  };
  const fresh = (userData: string, isPackaged: boolean) => {
    const events: string[] = [];
    const appListeners = new Map<string, Handler>();
    const ipcHandlers = new Map<string, Handler>();
    const windows: { options: Record<string, unknown>; loaded: string[] }[] = [];
    /** What the main process sent to the window, and the page's side of that IPC (the preload's). */
    const sent: { channel: string; args: unknown[] }[] = [];
    const pageListeners = new Map<string, Set<Handler>>();
    const exposed: Record<string, unknown> = {};
    const sendToWindow = (channel: string, ...args: unknown[]) => {
      sent.push({ channel, args });
      pageListeners.get(channel)?.forEach((listener) => listener({}, ...args));
    };
    const app = {
      isPackaged,
      on: (event: string, listener: Handler) => void appListeners.set(event, listener),
      whenReady: async () => undefined,
      getPath: (name: string) => (name === 'userData' ? userData : `/nonexistent/${name}`),
      setPath: () => undefined,
      requestSingleInstanceLock: () => true,
      exit: (code: number) => void events.push(`exit ${code}`),
      quit: () => void events.push('quit'),
    };
    class BrowserWindow {
      webContents = {
        send: sendToWindow,
        on: () => undefined,
        setWindowOpenHandler: () => undefined,
      };
      constructor(options: Record<string, unknown>) {
        windows.push({ options, loaded: this.loaded });
      }
      loaded: string[] = [];
      on() {}
      isDestroyed = () => false;
      show() {}
      loadURL = async (url: string) => void this.loaded.push(url);
      loadFile = async (path: string) => void this.loaded.push(`loadFile ${path}`);
    }
    return {
      events,
      appListeners,
      ipcHandlers,
      windows,
      sent,
      sendToWindow,
      exposed,
      defaultSession: newSession(),
      module: {
        contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
        // The page's end, for the preload: what the window was sent reaches its listeners, and an
        // invoke reaches ipcMain's handler as from the trusted page.
        ipcRenderer: {
          on: (channel: string, listener: Handler) => {
            if (!pageListeners.has(channel)) pageListeners.set(channel, new Set());
            pageListeners.get(channel)?.add(listener);
          },
          removeListener: (channel: string, listener: Handler) =>
            void pageListeners.get(channel)?.delete(listener),
          invoke: async (channel: string, params: unknown) =>
            ipcHandlers.get(channel)?.(
              { senderFrame: { url: windows[0]?.loaded[0] }, sender: { id: 1 } },
              params,
            ),
        },
        app,
        BrowserWindow,
        session: { defaultSession: undefined as unknown },
        ipcMain: {
          handle: (channel: string, listener: Handler) => void ipcHandlers.set(channel, listener),
          removeHandler: (channel: string) => void ipcHandlers.delete(channel),
        },
        dialog: {
          showErrorBox: (title: string, content: string) => void events.push(`dialog ${title}: ${content}`),
          showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
        },
        safeStorage: {
          isAsyncEncryptionAvailable: async () => false,
          getSelectedStorageBackend: () => 'basic_text',
          encryptStringAsync: async () => Buffer.alloc(0),
          decryptStringAsync: async () => ({ shouldReEncrypt: false, result: '' }),
        },
        shell: { openExternal: async (url: string) => void events.push(`openExternal ${url}`) },
      },
    };
  };
  const state = { current: undefined as ReturnType<typeof fresh> | undefined, fresh, newSession };
  return state;
});

vi.mock('electron', () => {
  const current = () => {
    if (!electron.current) throw new Error('electron stand-in not set up');
    return electron.current.module;
  };
  return {
    get app() {
      return current().app;
    },
    get BrowserWindow() {
      return current().BrowserWindow;
    },
    get session() {
      return current().session;
    },
    get ipcMain() {
      return current().ipcMain;
    },
    get dialog() {
      return current().dialog;
    },
    get safeStorage() {
      return current().safeStorage;
    },
    get shell() {
      return current().shell;
    },
    get contextBridge() {
      return current().contextBridge;
    },
    get ipcRenderer() {
      return current().ipcRenderer;
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'kw-electron-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENTRY = '../../src/main/electron/index';
/** The renderer's IPC transport, seen from Node (it belongs to the web TypeScript project). */
const IPC_TRANSPORT = resolve(__dirname, '../../src/renderer/src/api/ipc.ts');
interface IpcTransportModule {
  createIpcApi(bridge: KilowatchBridge): KilowatchApi & {
    onNotice(listener: (notice: { kind: string; reason?: string }) => void): () => void;
  };
}
// Under vitest the entry's __dirname is src/main/electron, so its page is src/main/renderer/index.html.
const PAGE = pathToFileURL(resolve(__dirname, '../../src/main/renderer/index.html')).href;

const savedEnv = { ...process.env };
// The entry logs refusals and failures to stderr; kept here so the tests can read them.
let errors: MockInstance<typeof console.error>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  // Run from source there is no built worker file beside the entry; the core's thread is
  // tested on the built entry (integration/worker-restart, core-host), the window's rules here.
  process.env.KILOWATCH_CORE = 'main-thread';
});
afterEach(() => {
  errors.mockRestore();
  process.env = { ...savedEnv };
});
const logged = () => errors.mock.calls.map((call) => String(call[0]));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts the entry with a config that names an unreachable broker and a SQLite file in `dir`. */
async function startEntry(name: string, isPackaged: boolean, devServerUrl?: string) {
  const userData = mkdtempSync(join(dir, `${name}-`));
  const config = join(userData, 'kilowatch.toml');
  writeFileSync(
    config,
    `[storage]\npath = ${JSON.stringify(join(userData, 'k.db'))}\n\n[[broker]]\nurl = "mqtt://127.0.0.1:1"\n`,
  );
  process.env.KILOWATCH_CONFIG = config;
  if (devServerUrl) process.env.ELECTRON_RENDERER_URL = devServerUrl;
  else delete process.env.ELECTRON_RENDERER_URL;
  const fake = electron.fresh(userData, isPackaged);
  fake.module.session.defaultSession = fake.defaultSession;
  electron.current = fake;
  vi.resetModules();
  await import(ENTRY);
  const win = await until('the window', () => fake.windows[0]);
  const invoke = async (url: string) => {
    const handler = fake.ipcHandlers.get('kw:connection.status');
    if (!handler) throw new Error('kw:connection.status is not bound');
    return handler({ senderFrame: { url }, sender: { id: 1 } }, {});
  };
  const stop = async () => {
    const closeAll = fake.appListeners.get('window-all-closed');
    if (!closeAll) return;
    closeAll();
    await until('quit', () => (fake.events.includes('quit') ? true : undefined));
  };
  /** What the app wrote to its log files (the packaged app logs there only). */
  const logFile = () =>
    readdirSync(join(userData, 'logs'))
      .map((f) => readFileSync(join(userData, 'logs', f), 'utf8'))
      .join('');
  return { fake, win, invoke, stop, logFile };
}

const REFUSED = {
  ok: false,
  error: { code: 'invalid-params', message: 'This command is only accepted from the Kilowatch window.' },
};

describe('the desktop entry (index.ts)', () => {
  it('loads the exact index.html and accepts IPC only from it, ignoring a dev URL when packaged', async () => {
    const { win, invoke, stop, logFile } = await startEntry('packaged', true, 'http://localhost:5173');
    try {
      expect(win.loaded).toEqual([PAGE]);
      expect(await invoke(PAGE)).toMatchObject({ ok: true });
      expect(await invoke(`${PAGE}#/devices`)).toMatchObject({ ok: true });
      for (const url of [
        'file:///elsewhere/renderer/index.html',
        PAGE.replace('index.html', 'other.html'),
        `${PAGE}?x=1`,
        'http://localhost:5173/',
      ])
        expect({ url, reply: await invoke(url) }).toEqual({ url, reply: REFUSED });
      // Packaged, there is no terminal: the refusal is in the log file, as a JSON line.
      expect(logFile()).toContain(
        '"msg":"refused connection.status from untrusted frame file:///elsewhere/renderer/index.html"',
      );
    } finally {
      await stop();
    }
  });

  it('trusts the dev server by exact origin only when not packaged', async () => {
    const { win, invoke, stop } = await startEntry('dev', false, 'http://localhost:5173');
    try {
      expect(win.loaded).toEqual(['http://localhost:5173/']);
      expect(await invoke('http://localhost:5173/')).toMatchObject({ ok: true });
      expect(await invoke('http://localhost:5173.evil.example/')).toEqual(REFUSED);
      expect(await invoke(PAGE)).toEqual(REFUSED);
    } finally {
      await stop();
    }
  });

  it('denies permissions on the default session and on every session created later', async () => {
    const { fake, stop } = await startEntry('permissions', true);
    try {
      const later = electron.newSession();
      fake.appListeners.get('session-created')?.(later);
      for (const session of [fake.defaultSession, later]) {
        const granted: boolean[] = [];
        session.set.request?.(null, 'media', (g: boolean) => granted.push(g), {});
        session.set.request?.(null, 'notifications', (g: boolean) => granted.push(g), {});
        expect(granted).toEqual([false, false]);
        expect(session.set.check?.(null, 'clipboard-read', 'file://', {})).toBe(false);
        expect(session.set.device?.({})).toBe(false);
      }
    } finally {
      await stop();
    }
  });

  it('hardens every webContents: no navigation, redirect, webview or window; https links go out', async () => {
    const { fake, win, stop } = await startEntry('contents', true);
    try {
      expect(win.options.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
        disableBlinkFeatures: 'Auxclick',
      });
      const listeners = new Map<string, Handler>();
      let openHandler: Handler | undefined;
      const contents = {
        on: (event: string, listener: Handler) => void listeners.set(event, listener),
        setWindowOpenHandler: (h: Handler) => void (openHandler = h),
      };
      fake.appListeners.get('web-contents-created')?.({}, contents);
      const prevented: string[] = [];
      for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview'])
        listeners.get(event)?.({ preventDefault: () => prevented.push(event) });
      expect(prevented).toEqual(['will-navigate', 'will-redirect', 'will-attach-webview']);
      expect(openHandler?.({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
      expect(openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
      expect(fake.events.filter((e) => e.startsWith('openExternal'))).toEqual([
        'openExternal https://example.com/docs',
      ]);
    } finally {
      await stop();
    }
  });

  it('relays events as the frames the core encoded; the preload passes their text on and the renderer checks it', async () => {
    const { fake, stop } = await startEntry('events', true);
    try {
      // The real preload, against the page's end of the stand-in, then the renderer's transport on it.
      await import('../../src/preload/index');
      const { createIpcApi } = (await import(/* @vite-ignore */ IPC_TRANSPORT)) as IpcTransportModule;
      const api = createIpcApi(fake.exposed.kilowatch as KilowatchBridge);
      const states: ConnectionState[] = [];
      const rejected: string[] = [];
      api.onNotice((notice) => void (notice.kind === 'rejected' && rejected.push(notice.reason ?? '')));
      api.on('connection.state', (state) => void states.push(state));
      // A second listener gets the same checked payloads, and a bad frame is refused once, not per listener.
      const alsoSeen: ConnectionState[] = [];
      api.on('connection.state', (state) => void alsoSeen.push(state));
      const reply = await api.invoke('connection.disconnect', {});
      expect(reply).toMatchObject({ ok: true, value: { status: 'disconnected' } });
      await until('the disconnected state pushed', () =>
        states.some((state) => state.status === 'disconnected') ? true : undefined,
      );
      // The main thread sent the bytes it was handed, never an object it had parsed.
      const frames = fake.sent.filter((m) => m.channel === 'kw:event').map((m) => m.args);
      expect(frames.length).toBeGreaterThan(0);
      for (const args of frames) {
        expect(args).toHaveLength(1);
        expect(args[0]).toBeInstanceOf(Uint8Array);
      }
      const last = JSON.parse(new TextDecoder().decode(frames.at(-1)?.[0] as Uint8Array)) as EventMessage;
      expect(last).toEqual({ event: 'connection.state', payload: states.at(-1) });
      expect(rejected).toEqual([]);
      // What the contract does not describe reaches no listener, and the renderer says why.
      const count = states.length;
      const bogus = { event: 'connection.state', payload: { status: 'sideways' } };
      fake.sendToWindow('kw:event', new TextEncoder().encode(JSON.stringify(bogus)));
      fake.sendToWindow('kw:event', new TextEncoder().encode('{"event":"connection.st'));
      fake.sendToWindow('kw:event', { event: 'connection.state', payload: states.at(-1) });
      expect(states).toHaveLength(count);
      expect(alsoSeen).toEqual(states);
      expect(rejected).toEqual([
        expect.stringMatching(/^event connection\.state: status/),
        'event frame is not JSON',
        'event frame is not text',
      ]);
    } finally {
      await stop();
    }
  });

  it('shows a startup failure in a dialog, with what to do, and then exits with 1', async () => {
    const missing = join(dir, 'missing.toml');
    process.env.KILOWATCH_CONFIG = missing;
    const fake = electron.fresh(join(dir, 'unused'), true);
    fake.module.session.defaultSession = fake.defaultSession;
    electron.current = fake;
    vi.resetModules();
    await import(ENTRY);
    await until('exit', () => (fake.events.some((e) => e.startsWith('exit')) ? true : undefined));
    expect(fake.events).toEqual([
      `dialog Kilowatch could not start: Cannot read the config file ${missing} (ENOENT).\n\n` +
        `Correct ${missing}, or start Kilowatch without KILOWATCH_CONFIG to use the defaults.`,
      'exit 1',
    ]);
    expect(fake.windows).toEqual([]);
    expect(logged()).toEqual(['kilowatch: could not start']);
  });
});
