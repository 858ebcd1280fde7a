/**
 * Where the desktop app keeps its data, and one running app per person: a second launch brings the
 * first window forward instead of opening the same database twice.
 */
import { join } from 'node:path';

/** The folder under the OS's app-data location (%APPDATA%, ~/Library/Application Support, ~/.config). */
export const APP_DATA_FOLDER = 'Kilowatch';

export interface AppPaths {
  getPath(name: 'appData'): string;
  setPath(name: 'userData', path: string): void;
}

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
}

export interface RaisableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * The same folder however the app was started: Electron would otherwise name it after
 * package.json's "name" (kilowatch) in a checkout and after productName once packaged.
 */
export function useAppDataFolder(app: AppPaths): string {
  const folder = join(app.getPath('appData'), APP_DATA_FOLDER);
  app.setPath('userData', folder);
  return folder;
}

/**
 * True when this is the only instance; false when another holds the lock (Electron has told it,
 * and it raises its window). Call after useAppDataFolder: the lock belongs to the userData folder.
 */
export function claimSingleInstance(
  app: SingleInstanceApp,
  currentWindow: () => RaisableWindow | null,
): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => {
    const win = currentWindow();
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
  return true;
}
