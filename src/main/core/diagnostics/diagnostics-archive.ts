/**
 * "Export diagnostics": one zip a site can send to support. It holds what explains a problem
 * (the logs, which versions, the configuration, the schema, the counters, the last alerts) and
 * nothing that opens the site: every JSON entry is passed through redactDeep, and the logs were
 * redacted as they were written (src/main/log).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionProfile } from '../../../shared/contract';
import type { AlertBook } from '../alerts/alert-book';
import { SCHEMA_VERSION } from '../store/migrations';
import type { Store } from '../store/store';
import { listLogFiles } from './log-files';
import { redactDeep } from './redact';
import type { DiagnosticsSources } from './sources';
import { collectVersions } from './versions';
import { zipEntries, type ZipEntry } from './zip-entries';

/** Enough to see how a fault began and repeated, small beside the logs. */
export const ALERTS_IN_ARCHIVE = 200;

/** The archive's entries besides the log files (tests check each is there). */
export const ARCHIVE_JSON_ENTRIES = [
  'versions.json',
  'config.json',
  'schema.json',
  'stats.json',
  'alerts.json',
] as const;

export interface DiagnosticsDeps {
  store: Store;
  alerts: AlertBook;
  /** stats.get's Result. */
  stats(): unknown;
  /** The broker profile in use, if any. */
  profile(): ConnectionProfile | null;
  /** The console's own settings, after command-line flags. */
  settings: {
    outPrefix: string;
    publishIntervalS: number;
    isDemo?: boolean;
    timeZone?: string;
    minuteDays?: number;
  };
  sources?: DiagnosticsSources;
  clock(): number;
}

export interface DiagnosticsArchive {
  fileName: string;
  zip: Uint8Array;
}

const encoder = new TextEncoder();
const json = (name: string, value: unknown): ZipEntry => ({
  name,
  bytes: encoder.encode(`${JSON.stringify(redactDeep(value), null, 2)}\n`),
});

/** `kilowatch-diagnostics-20250314-093005.zip` (UTC). */
export const archiveName = (ms: number): string =>
  `kilowatch-diagnostics-${new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-')}.zip`;

async function logEntries(dir: string | undefined): Promise<ZipEntry[]> {
  if (!dir) return [];
  const entries: ZipEntry[] = [];
  for (const name of await listLogFiles(dir)) {
    try {
      entries.push({ name: `logs/${name}`, bytes: await readFile(join(dir, name)) });
    } catch (e) {
      // Rotation may remove the oldest file between listing and reading it.
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
  }
  return entries;
}

export async function buildDiagnostics(deps: DiagnosticsDeps): Promise<DiagnosticsArchive> {
  const { store, settings, sources } = deps;
  const now = deps.clock();
  const entries: ZipEntry[] = [
    json('versions.json', collectVersions(store.database)),
    json('config.json', {
      'kilowatch.toml': sources?.config ?? null,
      // Picked one by one: the console's options also hold the store and callbacks.
      console: {
        database: store.path,
        logs: sources?.logDir ?? null,
        outPrefix: settings.outPrefix,
        publishIntervalS: settings.publishIntervalS,
        isDemo: settings.isDemo ?? false,
        timeZone: settings.timeZone ?? null,
        minuteDays: settings.minuteDays ?? null,
      },
      connection: deps.profile(),
    }),
    json('schema.json', {
      version: store.database.pragma('user_version', { simple: true }) as number,
      thisBuild: SCHEMA_VERSION,
    }),
    json('stats.json', await deps.stats()),
    json('alerts.json', deps.alerts.list({ includeCleared: true, limit: ALERTS_IN_ARCHIVE })),
    ...(await logEntries(sources?.logDir)),
  ];
  return { fileName: archiveName(now), zip: await zipEntries(entries, new Date(now)) };
}
