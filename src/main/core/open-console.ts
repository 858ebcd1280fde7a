/** Opens the store and builds the console: shared by the Electron app and the headless bridge. */
import { randomBytes } from 'node:crypto';
import type { Language } from '../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import type { HomeAssistantOptions, PinnedSettings } from './config';
import type { PublishProfile } from './aggregate/publish-profiles';
import type { ProfileStore } from './broker/profile-store';
import type { DiagnosticsSources } from './diagnostics/sources';
import { KilowatchConsole } from './console';
import { limitHeapGrowth } from './heap-growth';
import type { ConfiguredRole } from './site/role-changes';
import type { PollTarget } from './polling/poll-targets';
import { Store } from './store/store';
import type { Tariff } from './cost/tariff-schema';
import { siteConflict } from './sites/site-sources';
import type { TariffInput } from '../../shared/tariff-input';

export interface OpenOptions {
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
  /** Prices and their effective dates (`[tariff]`). */
  tariff?: Tariff;
  isDemo?: boolean;
  clock?: () => number;
  liveIntervalMs?: number;
  /** The first `totals.live` push's `seq`: where an engine started again goes on from. */
  liveSeqFrom?: number;
  timeZone?: string;
  minuteDays?: number;
  /** The data folder (database, saved connections, logs), for the settings' size; default the database's. */
  dataDir?: string;
  /** How dates and numbers are written, unless settings say otherwise (`[site] language`). */
  language?: Language;
  /** Settings set by kilowatch.toml or a flag: the settings screen cannot change them. */
  pinned?: PinnedSettings;
  /** Saved broker profiles for the connection wizard. */
  profiles?: ProfileStore;
  /** Metering roles from kilowatch.toml. */
  meterRoles?: readonly ConfiguredRole[];
  /** Roles a new database starts with (the demo's). */
  seedRoles?: readonly ConfiguredRole[];
  /** A tariff a new database starts with (the demo's). */
  seedTariff?: TariffInput;
  /** The built batch writer's thread (see KilowatchConsole's options). */
  commitThreadPath?: string;
  /** The log folder and the loaded kilowatch.toml, for diagnostics.export. */
  diagnostics?: DiagnosticsSources;
  /** Devices read over HTTP (`[[poll]]`, passwords read). */
  poll?: readonly PollTarget[];
  /** Addresses every `device.scan` also asks: the demo's plugs waiting on loopback ports. */
  alsoScan?: readonly string[];
  /** Diagnostics: what the pipeline did with each message (tests, troubleshooting). */
  observe?: (topic: string, outcome: string | Record<string, string>) => void;
}

/**
 * A stable client id per database: the broker keys the persistent session by it, so the same
 * console gets back what arrived while it was away.
 */
function stableClientId(store: Store): string {
  const known = store.setting('client-id');
  if (known) return known;
  const id = `kilowatch-${randomBytes(5).toString('hex')}`;
  store.saveSetting('client-id', id);
  return id;
}

export function openConsole(
  options: OpenOptions,
): Result<{ console: KilowatchConsole; store: Store }, ApiError> {
  // Here because the core runs wherever a console is opened (the app, headless, a worker thread).
  limitHeapGrowth();
  const conflict = siteConflict(options.outPrefix, options.headOfficeSites ?? []);
  if (conflict) return err('invalid-params', conflict);
  const opened = Store.open(options.dbPath);
  if (!opened.ok) return opened;
  const store = opened.value;
  const core = new KilowatchConsole({
    store,
    clientId: stableClientId(store),
    outPrefix: options.outPrefix,
    publishIntervalS: options.publishIntervalS,
    isDemo: options.isDemo ?? false,
    ...(options.publishProfiles && { publishProfiles: options.publishProfiles }),
    ...(options.homeAssistant && { homeAssistant: options.homeAssistant }),
    ...(options.headOfficeSites && { headOfficeSites: options.headOfficeSites }),
    ...(options.night && { night: options.night }),
    ...(options.tariff && { tariff: options.tariff }),
    ...(options.timeZone && { timeZone: options.timeZone }),
    ...(options.profiles && { profiles: options.profiles }),
    ...(options.meterRoles && { meterRoles: options.meterRoles }),
    ...(options.seedRoles && { seedRoles: options.seedRoles }),
    ...(options.seedTariff && { seedTariff: options.seedTariff }),
    ...(options.minuteDays && { minuteDays: options.minuteDays }),
    ...(options.language && { language: options.language }),
    ...(options.pinned && { pinned: options.pinned }),
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.observe && { observe: options.observe }),
    ...(options.clock && { clock: options.clock }),
    ...(options.liveIntervalMs && { liveIntervalMs: options.liveIntervalMs }),
    ...(options.liveSeqFrom !== undefined && { liveSeqFrom: options.liveSeqFrom }),
    ...(options.commitThreadPath && { commitThreadPath: options.commitThreadPath }),
    ...(options.diagnostics && { diagnostics: options.diagnostics }),
    ...(options.poll && { poll: options.poll }),
    ...(options.alsoScan && { alsoScan: options.alsoScan }),
  });
  return ok({ console: core, store });
}
