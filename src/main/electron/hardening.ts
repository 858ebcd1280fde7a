/**
 * The desktop window's security rules, kept apart from Electron's runtime so they can be tested
 * without its binary: which page counts as ours (the IPC sender check), what every webContents may
 * not do (navigate, be redirected, open windows, attach webviews) and which permissions a page gets
 * (none). The parameters are structural slices of Electron's types; index.ts passes the real ones.
 */
import type { Session } from 'electron';

/** The one page allowed to call the IPC commands, and the URL the window loads. */
export type TrustedRenderer =
  | { kind: 'file'; url: string }
  /** Development only: electron-vite's dev server, trusted by its exact origin. */
  | { kind: 'dev-server'; url: string; origin: string };

/**
 * The packaged page is the exact file URL of renderer/index.html. The dev server URL is used only
 * when the app is not packaged, so an environment variable cannot point a shipped app at a
 * foreign page; it must be an http(s) URL, since any other scheme has an opaque origin ("null")
 * that would match every other opaque origin.
 */
export function trustedRendererUrl(
  indexFileUrl: string,
  isPackaged: boolean,
  devServerUrl: string | undefined,
): TrustedRenderer {
  if (isPackaged || !devServerUrl) return { kind: 'file', url: new URL(indexFileUrl).href };
  const dev = new URL(devServerUrl);
  if (dev.protocol !== 'http:' && dev.protocol !== 'https:')
    throw new Error(`ELECTRON_RENDERER_URL must be an http(s) URL, not ${devServerUrl}.`);
  return { kind: 'dev-server', url: dev.href, origin: dev.origin };
}

/**
 * Compared after parsing, never by prefix: `file:///elsewhere/renderer/index.html`, a sibling
 * file, a query string or `http://localhost:5173.evil.example` are all someone else. A hash is
 * allowed because it does not change the document.
 */
export function isTrustedUrl(url: string, trusted: TrustedRenderer): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (trusted.kind === 'dev-server')
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === trusted.origin;
  if (parsed.protocol !== 'file:' || parsed.search !== '') return false;
  parsed.hash = '';
  return parsed.href === trusted.url;
}

export interface PreventableEvent {
  preventDefault(): void;
}

/** The part of Electron's WebContents that hardenWebContents uses. */
export interface HardenableContents {
  on(event: 'will-navigate', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Only https links leave the app, to the system browser; everything else is dropped. */
export function externalLink(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * Our page is a single-page app: it never needs to navigate, be redirected, open a window or
 * host a webview, so each of those is refused outright for every webContents. A link the user
 * opens (window.open, target=_blank, middle click) goes to `openExternal` if it is https.
 */
export function hardenWebContents(contents: HardenableContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const link = externalLink(url);
    if (link) openExternal(link);
    return { action: 'deny' };
  });
}

export type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * The console needs no camera, microphone, notifications, geolocation, devices or anything else
 * a page can ask for, so every request and every check says no (Electron grants them all when
 * no handler is set).
 */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
