/**
 * The console's log: JSON lines (pino) in rotating files `<dataDir>/logs/kilowatch.N.log`
 * (pino-roll), echoed to the terminal as the readable lines it always printed. Written by the
 * main thread only: the core's worker posts its lines here (core-host.ts).
 *
 * Limits: 5 MB a file, the current one and 4 before it, so at most 25 MB. At info level a line
 * is a start, a connection change or an alert, so that is months of history; at debug (one line
 * per device discovered) still days. And it stays small enough for "Export diagnostics", which
 * carries every file in one reply (JSON lines compress about tenfold).
 *
 * Writes are synchronous: a line logged just before a crash or `process.exit` is on disk, and
 * the volume (a few lines a minute) makes the cost nothing.
 *
 * Secrets: pino's `redact` replaces the values of secret-looking keys at any depth up to four,
 * and every string (the message, fields, an error's message and stack) goes through the same
 * text redaction as the diagnostics archive (core/diagnostics/redact.ts).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import pinoRoll from 'pino-roll';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import type { LogLevel } from '../core/config';
import { LOG_FILE_BASE, LOG_FILE_EXTENSION } from '../core/diagnostics/log-files';
import { REDACTED, redactText, SECRET_KEYS } from '../core/diagnostics/redact';
import type { Logger } from '../core/dispatch';
import { terminalStream } from './terminal-lines';

export const MAX_LOG_FILE_BYTES = 5 * 1024 * 1024;
/** Files kept besides the one being written. */
export const KEPT_LOG_FILES = 4;

export interface LogOptions {
  /** The logs' folder (core/diagnostics/log-files.ts logDirOf(dataDir)); made if missing. */
  dir: string;
  level: LogLevel;
  /** Where the readable lines go too (stderr); null or absent: the files only. */
  echo?: { write(text: string): unknown } | null;
  /** Tests roll sooner. */
  maxFileBytes?: number;
  keepFiles?: number;
}

export interface AppLog {
  /**
   * What the console tells its operator: in the file and, as before, on the terminal. Levels and
   * fields: `logger.error({ err }, 'could not start')`.
   */
  readonly logger: PinoLogger;
  /**
   * The file only: the running record (connection changes, alerts, discoveries) that would drown
   * the terminal's few lines, whose one-line start-up failures scripts and tests rely on.
   */
  readonly fileLogger: PinoLogger;
  /**
   * The core's Logger (message, error?): with an error it is logged at error level with the
   * error's stack, without one at warn, as these calls were the console's warnings until now.
   */
  readonly log: Logger;
  readonly dir: string;
  readonly level: LogLevel;
  /** Ends the file (shutdown). */
  close(): Promise<void>;
}

/**
 * `password`, `*.password`, `*.*.password`, `*.*.*.password` for each secret key, and a
 * connection profile's TLS private key.
 */
const REDACT_PATHS = [...SECRET_KEYS, 'tls.key'].flatMap((key) =>
  ['', '*.', '*.*.', '*.*.*.'].map((depth) => `${depth}${key}`),
);

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** Every string in a log call's fields redacted; errors are left to their serializer. */
function redactStrings(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactStrings);
  if (value === null || typeof value !== 'object' || !isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v)]));
}

/** pino's error serializer, with the message and stack redacted like any text. */
function serializeError(error: Error): unknown {
  return redactStrings({ ...pino.stdSerializers.err(error) });
}

function createLogger(level: LogLevel, destination: DestinationStream): PinoLogger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError },
      formatters: { log: (fields) => redactStrings(fields) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : arg));
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** The core's two-argument Logger on a pino logger. */
export function coreLogger(logger: PinoLogger): Logger {
  return (message, error) => {
    if (error === undefined) return logger.warn(message);
    if (error instanceof Error) return logger.error({ err: error }, message);
    logger.error({ detail: String(error) }, message);
  };
}

/**
 * `mkdir -p`, one folder at a time: Node 20's recursive mkdirSync never returns for a path under
 * /proc (it loops on ENOENT), and a data folder given by mistake must end in an error, not a hang.
 */
function makeFolders(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) mkdirSync(folder, { mode });
}

export async function openLog(options: LogOptions): Promise<Result<AppLog, ApiError>> {
  const maxFileBytes = options.maxFileBytes ?? MAX_LOG_FILE_BYTES;
  let file: Awaited<ReturnType<typeof pinoRoll>>;
  try {
    // Only its user reads the logs: they name brokers, sites and devices.
    makeFolders(options.dir, 0o700);
    file = await pinoRoll({
      file: join(options.dir, LOG_FILE_BASE),
      extension: LOG_FILE_EXTENSION,
      size: `${Math.max(1, Math.ceil(maxFileBytes / 1024))}k`,
      // Also the files of earlier runs: restarts must not pile files up beyond the limit.
      limit: { count: options.keepFiles ?? KEPT_LOG_FILES, removeOtherLogFiles: true },
      sync: true,
      mode: 0o600,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!code) throw e;
    return err(
      'storage-unavailable',
      `Cannot write the log files in ${options.dir} (${code}). Make the folder writable for this user, or choose another data folder.`,
    );
  }
  let hasReportedFailure = false;
  // A full disk must not end the console: say so once on the terminal, and keep counting.
  file.on('error', (e: Error) => {
    if (hasReportedFailure) return;
    hasReportedFailure = true;
    process.stderr.write(`kilowatch: the log file in ${options.dir} could not be written (${e.message})\n`);
  });
  file.on('write', () => (hasReportedFailure = false));
  const streams: pino.StreamEntry[] = [{ level: options.level, stream: file }];
  if (options.echo) streams.push({ level: options.level, stream: terminalStream(options.echo) });
  const logger = createLogger(options.level, pino.multistream(streams));
  const fileLogger = createLogger(options.level, file);
  let closing: Promise<void> | undefined;
  return ok({
    logger,
    fileLogger,
    log: coreLogger(logger),
    dir: options.dir,
    level: options.level,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        file.once('close', () => resolve());
        file.end();
      });
      return closing;
    },
  });
}
