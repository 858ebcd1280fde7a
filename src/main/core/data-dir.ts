/**
 * Where the database lives when nobody says: the platform's per-user data folder. A module of its
 * own so the headless main thread can ask without loading the core (serve-main.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.platform === 'win32')
    return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kilowatch');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kilowatch');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'kilowatch');
}
