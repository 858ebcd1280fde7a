/**
 * The messages between the main thread and the core's worker thread. Commands and events are the
 * contract's own; the rest is the thread's life (open, connect, close) and, for the desktop app,
 * the secret store that only the main thread can reach (Electron's safeStorage).
 */
import type { Caller, ConnectionProfile, EventName, Language, RaisedAlert } from '../../shared/contract';
import type { HomeAssistantOptions, PinnedSettings } from '../core/config';
import type { PublishProfile } from '../core/aggregate/publish-profiles';
import type { ApiError, Result } from '../../shared/result';
import type { ConsoleHealth } from '../core/console-api';
import type { DiagnosticsSources } from '../core/diagnostics/sources';
import type { ConfiguredRole } from '../core/site/role-changes';
import type { PollTarget } from '../core/polling/poll-targets';
import type { BackfillReport } from '../demo/backfill';
import type { Tariff } from '../core/cost/tariff-schema';
import type { TariffInput } from '../../shared/tariff-input';

/** openConsole's options, as far as they can cross a thread (no functions, no open handles). */
export interface WorkerOpenOptions {
  dbPath: string;
  outPrefix: string;
  publishIntervalS: number;
  /** Topic layouts the aggregator publishes (`[publish] profiles`). */
  publishProfiles?: readonly PublishProfile[];
  /** Home Assistant discovery (`[homeassistant]`). */
  homeAssistant?: HomeAssistantOptions;
  /** A head office: the publish prefixes of the site consoles it reads (`[headoffice] sites`). */
  headOfficeSites?: readonly string[];
  /** insight.get's night window, local hours (`[insight]`). */
  night?: { fromHour: number; toHour: number };
  /** Prices and their effective dates (`[tariff]`): plain integers, so it crosses as it is. */
  tariff?: Tariff;
  isDemo: boolean;
  timeZone?: string;
  minuteDays?: number;
  /** The data folder (database, saved connections, logs), for the settings' size; default the database's. */
  dataDir?: string;
  /** How dates and numbers are written, unless settings say otherwise (`[site] language`). */
  language?: Language;
  /** Settings set by kilowatch.toml or a flag: the settings screen cannot change them. */
  pinned?: PinnedSettings;
  meterRoles?: readonly ConfiguredRole[];
  seedRoles?: readonly ConfiguredRole[];
  /** A tariff a new database starts with (the demo's). */
  seedTariff?: TariffInput;
  /** The first `totals.live` push's seq: set by the main thread when it starts an engine again. */
  liveSeqFrom?: number;
  /** Devices read over HTTP (`[[poll]]`), passwords already read by the main thread. */
  poll?: readonly PollTarget[];
  /** Addresses every `device.scan` also asks: the demo's plugs waiting on loopback ports. */
  alsoScan?: readonly string[];
  /** The log folder (the main thread writes it) and kilowatch.toml, for diagnostics.export. */
  diagnostics?: DiagnosticsSources;
  /**
   * Where saved broker profiles live, and who keeps their secrets: a 0600 file beside them
   * (headless), or the main thread (the desktop app's safeStorage).
   */
  profiles?: {
    dir: string;
    secrets: 'file' | 'main-thread';
    /** KILOWATCH_BROKER_PASSWORD(_FILE) overrides the active profile's password (headless). */
    passwordFromEnv: boolean;
  };
}

export type SecretOp =
  { op: 'get'; name: string } | { op: 'set'; name: string; value: string } | { op: 'delete'; name: string };

/** Main → worker. `id` pairs a request with its answer. */
export type ToWorker =
  | { type: 'invoke'; id: number; command: string; params: unknown; caller?: Caller }
  | { type: 'connect'; id: number; profile: ConnectionProfile }
  | { type: 'health'; id: number }
  | { type: 'close'; id: number }
  | { type: 'backfill'; id: number; seed: number }
  | { type: 'raise'; alert: RaisedAlert }
  | { type: 'secret-reply'; id: number; result: Result<string | undefined, ApiError> }
  /** Only sent when KILOWATCH_TEST_HOOKS=1: the worker throws, as a bug would. */
  | { type: 'crash-for-test' };

/** Worker → main. */
export type FromWorker =
  | { type: 'opened' }
  | { type: 'open-failed'; error: ApiError }
  /**
   * A command's Result as contract JSON (UTF-8, its buffer transferred), checked by the worker
   * before it was encoded (encode.ts).
   */
  | { type: 'reply'; id: number; ok: boolean; json: Uint8Array }
  | { type: 'connected'; id: number; failure: ApiError | null }
  | { type: 'health'; id: number; health: ConsoleHealth }
  | { type: 'closed'; id: number; saved: boolean }
  | { type: 'backfilled'; id: number; report: BackfillReport }
  /** An event's WebSocket frame, `{"event":…,"payload":…}`, checked and encoded as a reply is. */
  | { type: 'event'; event: EventName; frame: Uint8Array; /** A totals.live push's seq. */ liveSeq?: number }
  | { type: 'log'; message: string; stack?: string }
  | ({ type: 'secret'; id: number } & SecretOp);
