/**
 * The desktop window's security rules (src/main/electron/hardening.ts), with stand-ins for
 * Electron's webContents and session (no Electron binary here): only our exact page is trusted
 * for IPC, navigation, redirects, webviews and new windows are refused, and every permission a
 * page can ask for is denied.
 */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import {
  denyAllPermissions,
  hardenWebContents,
  isTrustedUrl,
  trustedRendererUrl,
  type HardenableContents,
  type PermissionSession,
} from '../../src/main/electron/hardening';

const INDEX = pathToFileURL('/opt/Kilowatch/resources/app/out/renderer/index.html').href;
const packaged = trustedRendererUrl(INDEX, true, 'http://localhost:5173');
const dev = trustedRendererUrl(INDEX, false, 'http://localhost:5173');

describe('the trusted renderer', () => {
  it('is the exact index.html when packaged, whatever ELECTRON_RENDERER_URL says', () => {
    expect(packaged).toEqual({
      kind: 'file',
      url: 'file:///opt/Kilowatch/resources/app/out/renderer/index.html',
    });
    expect(trustedRendererUrl(INDEX, false, undefined)).toEqual(packaged);
  });

  it('is the dev server, by origin, only when not packaged', () => {
    expect(dev).toEqual({
      kind: 'dev-server',
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    });
  });

  it('refuses a dev server address that is not http(s), whose origin would be "null"', () => {
    expect(() => trustedRendererUrl(INDEX, false, 'file:///tmp/index.html')).toThrow(
      'ELECTRON_RENDERER_URL must be an http(s) URL, not file:///tmp/index.html.',
    );
    expect(() => trustedRendererUrl(INDEX, false, 'localhost:5173')).toThrow(/must be an http\(s\) URL/);
    expect(() => trustedRendererUrl(INDEX, false, 'not a url')).toThrow(TypeError);
  });
});

describe('isTrustedUrl', () => {
  it.each([
    ['the exact page', INDEX],
    ['the page with a hash', `${INDEX}#/site`],
    [
      'the page reached through dot segments, which parse to the same file',
      INDEX.replace('/renderer/', '/renderer/../renderer/'),
    ],
  ])('accepts %s', (_what, url) => {
    expect(isTrustedUrl(url, packaged)).toBe(true);
  });

  it.each([
    ['another renderer/index.html', 'file:///elsewhere/renderer/index.html'],
    ['a file beside the renderer folder', INDEX.replace('/renderer/index.html', '/renderer/../x.html')],
    ['a sibling file', INDEX.replace('index.html', 'other.html')],
    ['the renderer folder', INDEX.replace('index.html', '')],
    ['a query string', `${INDEX}?evil=1`],
    ['an empty query string', `${INDEX}?`],
    ['a file URL on another host', INDEX.replace('file:///', 'file://evil.example/')],
    ['the dev server, when packaged', 'http://localhost:5173/'],
    ['a data URL', 'data:text/html,<p>hi</p>'],
    ['no URL at all', ''],
    ['a relative path', 'renderer/index.html'],
  ])('refuses %s', (_what, url) => {
    expect(isTrustedUrl(url, packaged)).toBe(false);
  });

  it('accepts any page of the dev server origin, and nothing else', () => {
    expect(isTrustedUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedUrl('http://localhost:5173/src/main.tsx?t=1#x', dev)).toBe(true);
    for (const url of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'http://user@localhost:5174/',
      'blob:http://localhost:5173/6a1c7bd8-1f5a-4b4e-9b32-3d6f0e1e7c11',
      INDEX,
    ])
      expect({ url, trusted: isTrustedUrl(url, dev) }).toEqual({ url, trusted: false });
  });
});

type Listener = (event: { preventDefault(): void }) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: HardenableContents = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler) => void (openHandler = handler),
  };
  /** Emits an event the way Electron does; says whether a listener prevented it. */
  const emit = (event: string): boolean => {
    let prevented = false;
    listeners.get(event)?.({ preventDefault: () => void (prevented = true) });
    return prevented;
  };
  const open = (url: string) => {
    if (!openHandler) throw new Error('no window-open handler');
    return openHandler({ url });
  };
  return { contents, listeners, emit, open };
}

describe('hardenWebContents', () => {
  it('prevents navigation, redirects and webviews', () => {
    const fake = fakeContents();
    hardenWebContents(fake.contents, () => undefined);
    expect([...fake.listeners.keys()].sort()).toEqual([
      'will-attach-webview',
      'will-navigate',
      'will-redirect',
    ]);
    expect(fake.emit('will-navigate')).toBe(true);
    expect(fake.emit('will-redirect')).toBe(true);
    expect(fake.emit('will-attach-webview')).toBe(true);
  });

  it('denies every new window, handing only https links to the system browser', () => {
    const fake = fakeContents();
    const opened: string[] = [];
    hardenWebContents(fake.contents, (url) => void opened.push(url));
    for (const url of [
      'https://shelly-api-docs.shelly.cloud/gen2/',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://evil.example/share',
      'ms-msdt:/id PCWDiagnostic',
      'not a url',
    ])
      expect(fake.open(url)).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://shelly-api-docs.shelly.cloud/gen2/']);
  });
});

// Every permission name Electron 45 can ask about (typed against Electron's declarations).
type Permission = Parameters<Parameters<Session['setPermissionCheckHandler']>[0] & object>[1];
const PERMISSIONS: Permission[] = [
  'ar', 'automatic-fullscreen', 'background-fetch', 'background-sync', 'captured-surface-control',
  'clipboard-read', 'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture',
  'fileSystem', 'fullscreen', 'geolocation', 'geolocation-approximate', 'hand-tracking', 'hid',
  'idle-detection', 'keyboardLock', 'local-fonts', 'local-network', 'local-network-access',
  'loopback-network', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'nfc', 'notifications',
  'openExternal', 'payment-handler', 'periodic-background-sync', 'persistent-storage', 'pointerLock',
  'screen-wake-lock', 'sensors', 'serial', 'smart-card', 'speaker-selection', 'storage-access',
  'system-wake-lock', 'top-level-storage-access', 'usb', 'vr', 'web-app-installation', 'web-printing',
  'window-management', 'unknown',
]; // prettier-ignore

/** A stand-in session that keeps the handlers, so the test can ask them as Chromium would. */
function fakeSession() {
  const handlers: {
    request?: (permission: string, callback: (granted: boolean) => void) => void;
    check?: (permission: string) => boolean;
    device?: () => boolean;
  } = {};
  const session: PermissionSession = {
    setPermissionRequestHandler: (handler) => {
      handlers.request = (permission, callback) =>
        handler?.(null as never, permission as never, callback, {} as never);
    },
    setPermissionCheckHandler: (handler) => {
      handlers.check = (permission) => handler?.(null, permission as never, 'file://', {} as never) ?? true;
    },
    setDevicePermissionHandler: (handler) => {
      handlers.device = () => handler?.({} as never) ?? true;
    },
  };
  return { session, handlers };
}

describe('denyAllPermissions', () => {
  it('answers every permission request with no, and every permission check with false', () => {
    const { session, handlers } = fakeSession();
    denyAllPermissions(session);
    const answers = new Map<string, boolean>();
    for (const permission of PERMISSIONS)
      handlers.request?.(permission, (granted) => answers.set(permission, granted));
    expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(PERMISSIONS.map((p) => [p, false])));
    expect(PERMISSIONS.filter((p) => handlers.check?.(p) !== false)).toEqual([]);
    expect(handlers.device?.()).toBe(false);
  });
});
