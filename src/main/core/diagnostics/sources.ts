/** What the host (the headless bridge, the desktop app) tells the core for diagnostics. */
import type { Config } from '../config';

export interface DiagnosticsSources {
  /** The rotated log files' folder (log-files.ts logDirOf): written by the main thread. */
  logDir?: string;
  /** kilowatch.toml as loaded, defaults filled in; its secrets are taken out when exported. */
  config?: Config;
}
