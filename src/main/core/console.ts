/**
 * The one façade, and only wiring: it builds the core's parts (store, ingest, broker link,
 * aggregates, alerts), subscribes them to the domain events ingest says (events.ts), and merges
 * the command table from one part per domain (commands/). The adapters hold one of these, on
 * this thread or on the worker's.
 */
import type {
  ConnectionProfile,
  ConnectionState,
  EventMessage,
  Language,
  RaisedAlert,
  RebuildProgress,
} from '../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import { RunningTotals } from './aggregate/running-totals';
import { systemTimeZone, TodayTotals } from './aggregate/today-totals';
import { SiteTotals } from './aggregate/site-totals';
import {
  checkPublishProfiles,
  DEFAULT_PUBLISH_PROFILES,
  type PublishProfile,
} from './aggregate/publish-profiles';
import { OwnTopics } from './aggregate/own-topics';
import { ProfileSchedule } from './aggregate/profile-schedule';
import type { ProfileStore } from './broker/profile-store';
import { Ingest } from './ingest';
import { siteConflict, SiteSources, withSiteFilters } from './sites/site-sources';
import { CoverControl } from './cover-control';
import { PendingCommands } from './pending-commands';
import { RelayControl } from './relay-control';
import { ConfigQuery } from './config-query';
import { StateQuery } from './state-query';
import { Calendar } from './store/calendar';
import { KeyIndex, placeKey } from './store/key-index';
import { PRUNED_BEFORE_SETTING, rebuildRollups, type RebuildReport } from './store/rollup-rebuild';
import { SiteRegistry, type Device } from './site/registry';
import { EnergyRouting } from './site/energy-routing';
import { MeterRoles } from './site/meter-roles';
import { RoleChanges, storedRoles, type ConfiguredRole } from './site/role-changes';
import { SensorRegistry } from './site/sensors';
import { IngestStats } from './stats';
import { BatchWriter } from './store/batch-writer';
import { CommitThread } from './store/commit-thread';
import type { Store } from './store/store';
import { alertId } from './alert-id';
import { AlertBook } from './alerts/alert-book';
import { AlertStore } from './alerts/alert-store';
import { RejectionAlerts } from './alerts/rejection-alerts';
import type { CommandHandlers } from './dispatch';
import { AccessControl } from './access/access-control';
import { PinStore } from './access/pin-store';
import { auditedCommands } from './audit/audited-commands';
import { AuditStore } from './audit/audit-store';
import { subjectOf } from './audit/audit-subject';
import { accessCommands } from './commands/access';
import { auditCommands } from './commands/audit';
import { storageCommands } from './commands/storage';
import { DomainEventSink } from './events';
import { LiveTotals } from './live';
import { BrokerLink } from './broker-link';
import { alertCommands } from './commands/alerts';
import { connectionCommands } from './commands/connection';
import { historyCommands } from './commands/history';
import { DEFAULT_NIGHT } from './reports/insight';
import { RollupPricing } from './cost/priced-rollups';
import { TariffSetting } from './cost/tariff-setting';
import type { TariffInput } from '../../shared/tariff-input';
import { tariffCommands } from './commands/tariff';
import { monthCost, type MonthCost } from './aggregate/month-cost';
import type { Tariff } from './cost/tariff-schema';
import { meterCommands } from './commands/meter';
import { rulesCommands } from './commands/rules';
import { AnomalyRules, type CheckResult } from './anomaly/anomaly-rules';
import { AnomalyStore } from './anomaly/anomaly-store';
import { categoryCommands } from './commands/categories';
import { DeviceCategories, storedCategories } from './site/device-categories';
import { relayCommands } from './commands/relay';
import { siteCommands } from './commands/site';
import { statsCommands } from './commands/stats';
import { metricsCommands } from './commands/metrics';
import { diagnosticsCommands } from './commands/diagnostics';
import { settingsCommands } from './commands/settings';
import { deviceCommands } from './commands/device';
import { Polling } from './polling/polling';
import type { PollTarget } from './polling/poll-targets';
import type { HomeAssistantOptions, PinnedSettings } from './config';
import { ConsoleSettings, type SettingsChange } from './settings/console-settings';
import { guardedWrite } from './store/storage-error';
import type { DiagnosticsSources } from './diagnostics/sources';

export interface ConsoleOptions {
  store: Store;
  /** IANA zone for "today", days and months (default: this machine's zone). */
  timeZone?: string;
  /** Minute rows older than this are dropped once rolled up (default 35). */
  minuteDays?: number;
  /** The data folder (database, saved connections, logs), for the settings' size; default the database's. */
  dataDir?: string;
  /** How the console writes numbers and dates (default: the computer's way). */
  language?: Language;
  /** Settings kilowatch.toml or a flag sets: the settings screen shows them but cannot change them. */
  pinned?: PinnedSettings;
  clientId: string;
  outPrefix: string;
  publishIntervalS: number;
  /** Topic layouts the aggregator publishes (`[publish] profiles`; default Kilowatch's own only). */
  publishProfiles?: readonly PublishProfile[];
  /** Home Assistant MQTT discovery (`[homeassistant]`; README "Home Assistant"); off without it. */
  homeAssistant?: HomeAssistantOptions;
  /** `totals.live` is coalesced: at most one push per interval (≤ 4/s). */
  liveIntervalMs?: number;
  /** The first `totals.live` push's `seq` (default 1): an engine started again goes on counting. */
  liveSeqFrom?: number;
  /**
   * The built batch writer's thread (out/main/store-writer.js): commits run there, off the thread
   * that reads MQTT and answers commands. Without it (tests run from source) they run here.
   */
  commitThreadPath?: string;
  clock?: () => number;
  isDemo?: boolean;
  observe?: (topic: string, outcome: string | Record<string, string>) => void;
  /** Saved broker profiles (the connection wizard); without it connection.save is refused. */
  profiles?: ProfileStore;
  /** How often the aggregator lease is renewed (default LEASE_RENEW_MS; shorter in tests). */
  leaseRenewMs?: number;
  /** Metering roles declared in kilowatch.toml (`[[meter]]`); they win over the console's. */
  meterRoles?: readonly ConfiguredRole[];
  /** Roles a new database starts with, as console choices (the demo's main meters and solar). */
  seedRoles?: readonly ConfiguredRole[];
  /** A tariff a new database starts with, unless kilowatch.toml sets one (the demo's). */
  seedTariff?: TariffInput;
  /** The log folder and the loaded kilowatch.toml, for diagnostics.export. */
  diagnostics?: DiagnosticsSources;
  /** Devices read over HTTP instead of MQTT (`[[poll]]`; README "Devices not on MQTT"). */
  poll?: readonly PollTarget[];
  /** Addresses every `device.scan` asks besides its network: the demo's plugs waiting on loopback ports. */
  alsoScan?: readonly string[];
  /** A head office: the publish prefixes of the site consoles it reads (`[headoffice] sites`). */
  headOfficeSites?: readonly string[];
  /** insight.get's night window, local hours (`[insight]`; default 22:00–07:00). */
  night?: { fromHour: number; toHour: number };
  /** Prices and their effective dates (`[tariff]`): cost is kept from then on. */
  tariff?: Tariff;
}

export type EventListener = (message: EventMessage) => void;

const REJECTION_ALERT_INTERVAL_MS = 10_000;
/** How often anomaly rules are judged (README "Anomaly rules"). */
const ANOMALY_CHECK_INTERVAL_MS = 60_000;
const homeAssistantPrefix = (ha: HomeAssistantOptions | undefined): string | null =>
  ha?.discovery ? ha.prefix : null;
/** Set once the seed roles were applied: a staff change afterwards is never undone by a restart. */
const ROLES_SEEDED_SETTING = 'meter-roles-seeded';
const TARIFF_SEEDED_SETTING = 'tariff-seeded';

export class KilowatchConsole {
  readonly registry: SiteRegistry;
  readonly totals: RunningTotals;
  readonly today: TodayTotals;
  readonly calendar: Calendar;
  readonly nodeIds: KeyIndex;
  /** Energy kept per price beside the rollups (`[tariff]` or the settings screen); null: no cost. */
  private pricing: RollupPricing | null;
  private readonly tariff: TariffSetting;
  readonly placeIds: KeyIndex;
  readonly bookingIds: KeyIndex;
  readonly roles: MeterRoles;
  private readonly categories: DeviceCategories;
  readonly routing: EnergyRouting;
  readonly stats = new IngestStats();
  /** Alerts that stay: every alert is stored and counted here before it is sent. */
  readonly alerts: AlertBook;
  readonly sensors = new SensorRegistry();
  /** Anomaly rules per node, and the check that raises their alerts. */
  private readonly anomalies: AnomalyRules;
  readonly writer: BatchWriter;
  readonly ingest: Ingest;
  /** Relay and cover commands waiting for their device to confirm. */
  private readonly commands: PendingCommands;
  private readonly relays: RelayControl;
  private readonly covers: CoverControl;
  private readonly stateQuery: StateQuery;
  private readonly configQuery: ConfigQuery;
  private readonly roleChanges: RoleChanges;
  private readonly access: AccessControl;
  /** Publish prefix and interval, retention, zone and language, as the settings screen keeps them. */
  readonly settings: ConsoleSettings;
  private publishTimer: NodeJS.Timeout | null = null;
  /** The Coreflux-compatible profiles' own timers (profile-schedule.ts). */
  private readonly profileSchedule: ProfileSchedule;
  private profiles: readonly PublishProfile[];
  /** What ingest must not read back: this console's own outputs, as the settings change them. */
  private readonly ownTopics: OwnTopics;
  private readonly audit: AuditStore;
  /** What the core's parts say happened (events.ts); alerts, commands, queries and live totals listen. */
  readonly events = new DomainEventSink();
  readonly handlers: CommandHandlers;
  private readonly listeners = new Set<EventListener>();
  private readonly siteTotals: SiteTotals;
  private readonly live: LiveTotals;
  private readonly clock: () => number;
  private readonly startedMs: number;
  /** The broker, what the console asks devices for, and the aggregator lease. */
  private readonly link: BrokerLink;
  private readonly rejections: RejectionAlerts;
  /** `[[poll]]` devices: read over HTTP into ingest, as if they had published on the broker. */
  private readonly polling: Polling;
  private timers: NodeJS.Timeout[] = [];
  constructor(private readonly options: ConsoleOptions) {
    const { store } = options;
    this.clock = options.clock ?? Date.now;
    this.startedMs = this.clock();
    this.registry = new SiteRegistry({
      devices: store.loadDevices(),
      channels: store.loadChannels(),
      counters: store.loadCounters(),
      assignments: store.loadAssignments(),
      names: store.loadNames(),
    });
    this.totals = new RunningTotals(store.loadTotals());
    this.settings = new ConsoleSettings(
      store,
      {
        publishPrefix: options.outPrefix,
        publishIntervalS: options.publishIntervalS,
        minuteDays: options.minuteDays ?? 35,
        timeZone: options.timeZone ?? systemTimeZone(),
        language: options.language ?? 'system',
        publishProfiles: [...(options.publishProfiles ?? DEFAULT_PUBLISH_PROFILES)],
      },
      options.pinned ?? {},
    );
    const { publishPrefix, timeZone } = this.settings.values;
    this.profiles = this.settings.values.publishProfiles;
    this.ownTopics = new OwnTopics(publishPrefix, this.profiles, homeAssistantPrefix(options.homeAssistant));
    this.access = new AccessControl({ pins: new PinStore(store.database, store.path), clock: this.clock });
    this.audit = new AuditStore(store.database, store.path);
    this.alerts = new AlertBook({
      store: new AlertStore(store.database, store.path),
      registry: this.registry,
      clock: this.clock,
    });
    this.today = new TodayTotals(timeZone, this.clock());
    this.nodeIds = new KeyIndex(store.loadNodes());
    this.placeIds = new KeyIndex(
      store.loadPlaces().map((p) => ({ id: p.id, key: placeKey(p.company, p.office, p.room) })),
    );
    this.bookingIds = new KeyIndex(store.loadBookings());
    this.roles = new MeterRoles(storedRoles(store.loadMeterRoles()));
    this.categories = new DeviceCategories(storedCategories(store.loadDeviceCategories()));
    this.routing = new EnergyRouting(this.registry, this.roles, this.categories);
    this.registry.onPlaced = (device) => this.roles.notePlaced(device);
    this.siteTotals = new SiteTotals({
      registry: this.registry,
      totals: this.totals,
      today: this.today,
      routing: this.routing,
    });
    this.calendar = new Calendar(timeZone);
    this.tariff = new TariffSetting(store, options.tariff);
    const commitThread =
      options.commitThreadPath && store.path !== ':memory:'
        ? CommitThread.start(options.commitThreadPath, store.path)
        : null;
    this.writer = new BatchWriter(
      store,
      {
        onFailure: (error) =>
          this.alert({
            id: alertId('storage', this.clock()),
            at: new Date(this.clock()).toISOString(),
            severity: 'error',
            kind: 'storage',
            message: `${error.message} Counting continues in memory.`,
            detail: error,
          }),
        onRecovered: () =>
          this.alert({
            id: alertId('storage-ok', this.clock()),
            at: new Date(this.clock()).toISOString(),
            severity: 'info',
            kind: 'storage',
            message: 'The database is writable again; everything counted meanwhile has been saved.',
          }),
        onCommitThreadLost: (error) =>
          this.alert({
            id: alertId('commit-thread', this.clock()),
            at: new Date(this.clock()).toISOString(),
            severity: 'warning',
            kind: 'engine',
            message: `The thread that saves readings stopped (${error.message}); nothing was lost, and they are saved by the core's own thread from now on.`,
          }),
      },
      this.calendar,
      undefined,
      undefined,
      commitThread,
    );
    if (options.seedTariff && store.setting(TARIFF_SEEDED_SETTING) === undefined) {
      // Once per database: staff may change or remove the demo's tariff, and it stays so.
      const seeded = this.tariff.view().source === 'none' ? this.tariff.set(options.seedTariff) : ok(null);
      if (seeded.ok) store.saveSetting(TARIFF_SEEDED_SETTING, '1');
      else this.writer.events.onFailure(seeded.error);
    }
    const tariff = this.tariff.tariff;
    this.pricing = tariff ? new RollupPricing(tariff, timeZone, this.nodeIds) : null;
    this.writer.pricing = this.pricing;
    const sites = options.headOfficeSites?.length
      ? new SiteSources(options.headOfficeSites, this.registry)
      : null;
    const polled = new Set((options.poll ?? []).map((target) => target.prefix));
    // Read over HTTP, or a site's sum read from its aggregates: nobody answers on their rpc topics.
    const isAskable = (device: Device) => !polled.has(device.row.key) && !sites?.owns(device.row.key);
    this.link = new BrokerLink({
      clientId: options.clientId,
      outPrefix: publishPrefix,
      publishProfiles: this.profiles,
      homeAssistantPrefix: homeAssistantPrefix(options.homeAssistant),
      isDemo: options.isDemo ?? false,
      leaseRenewMs: options.leaseRenewMs,
      registry: this.registry,
      stats: this.stats,
      clock: this.clock,
      snapshot: () => this.snapshot(),
      monthCosts: (nowMs) => this.monthCostsAt(nowMs),
      onDeviceMessage: (topic, payload, isRetained) => this.ingest.handle(topic, payload, isRetained),
      alert: (alert) => this.alert(alert),
      broadcast: (message) => this.broadcast(message),
      configAsked: (device) => this.configQuery.noteAsked(device),
      isAskable,
    });
    const publishCommand = (topic: string, payload: string): Promise<Error | null> =>
      this.link.publish(topic, payload);
    this.commands = new PendingCommands({ registry: this.registry, publish: publishCommand });
    this.relays = new RelayControl({
      registry: this.registry,
      clientId: options.clientId,
      commands: this.commands,
    });
    this.stateQuery = new StateQuery({
      registry: this.registry,
      clientId: options.clientId,
      requestId: () => this.commands.requestId(),
      publish: publishCommand,
      isAskable,
    });
    this.configQuery = new ConfigQuery({
      registry: this.registry,
      clientId: options.clientId,
      requestId: () => this.commands.requestId(),
      publish: publishCommand,
      isAskable,
    });
    this.covers = new CoverControl({
      registry: this.registry,
      clientId: options.clientId,
      commands: this.commands,
    });
    this.ingest = new Ingest({
      registry: this.registry,
      sensors: this.sensors,
      totals: this.totals,
      today: this.today,
      calendar: this.calendar,
      nodeIds: this.nodeIds,
      placeIds: this.placeIds,
      bookingIds: this.bookingIds,
      routing: this.routing,
      writer: this.writer,
      stats: this.stats,
      events: this.events,
      clock: this.clock,
      ownTopics: this.ownTopics,
      ...(options.observe && { observe: options.observe }),
      ...(sites && { sites }),
    });
    this.profileSchedule = new ProfileSchedule((profile) => this.link.publishProfile(profile));
    this.polling = new Polling(options.poll ?? [], {
      // Not retained: each answer is the device's state now, and may signal a reset.
      deliver: ({ topic, payload }) => this.ingest.handle(topic, Buffer.from(payload, 'utf8'), false),
      alert: (alert) => this.alert(alert),
      isKnown: (key) => this.registry.devices.has(key),
      clock: this.clock,
    });
    this.rejections = new RejectionAlerts({
      stats: this.stats,
      clock: this.clock,
      alert: (alert) => this.alert(alert),
    });
    this.live = new LiveTotals({
      site: this.siteTotals,
      clock: this.clock,
      push: (nodes, seq) =>
        this.broadcast({
          event: 'totals.live',
          payload: { ts: new Date(this.clock()).toISOString(), seq, nodes },
        }),
      ...(options.liveSeqFrom !== undefined && { firstSeq: options.liveSeqFrom }),
    });
    this.anomalies = new AnomalyRules({
      store: new AnomalyStore(store.database, store.path),
      registry: this.registry,
      sensors: () => this.sensors.list(),
      totals: () => this.snapshot(),
      read: (rollup, node, fromMs, toMs) => {
        const id = this.nodeIds.get(node);
        if (id === undefined) return [];
        return store
          .rollupRows(rollup, id, Math.floor(fromMs / 60_000), Math.ceil(toMs / 60_000))
          .map((r) => ({ startMs: r.startMin * 60_000, energyUnits: r.energyUnits }));
      },
      zone: () => this.calendar.timeZone,
      night: options.night ?? DEFAULT_NIGHT,
      clock: this.clock,
      raise: (alert) => this.alert(alert),
      resolve: (subject, atMs) => {
        const resolved = this.alerts.resolve('anomaly', { id: alertId(subject, atMs) }, atMs);
        if (!resolved.ok) return this.writer.events.onFailure(resolved.error);
        if (resolved.value) this.broadcast({ event: 'alert', payload: resolved.value });
      },
      failed: (error) => this.writer.events.onFailure(error),
    });
    this.subscribe();
    for (const why of this.anomalies.setAside)
      this.alert({
        id: alertId('anomaly-rules', this.clock()),
        at: new Date(this.clock()).toISOString(),
        severity: 'warning',
        kind: 'engine',
        message: `A stored anomaly rule was set aside: ${why}. Set it again.`,
      });
    for (const why of this.settings.ignored)
      this.alert({
        id: alertId('settings', this.clock()),
        at: new Date(this.clock()).toISOString(),
        severity: 'warning',
        kind: 'engine',
        message: `A saved setting was set aside: ${why}. Choose it again in Settings.`,
      });
    for (const why of this.tariff.ignored)
      this.alert({
        id: alertId('tariff', this.clock()),
        at: new Date(this.clock()).toISOString(),
        severity: 'warning',
        kind: 'engine',
        message: `The tariff was set aside: ${why}. No cost is kept until it is set again in Settings.`,
      });
    // Local buckets depend on the zone: rollups made in another zone (or none, from schema v1) are rebuilt.
    if (store.setting('rollup-zone') !== timeZone) {
      this.rebuildRollups();
      store.saveSetting('rollup-zone', timeZone);
    }
    this.roleChanges = new RoleChanges({
      roles: this.roles,
      registry: this.registry,
      store,
      writer: this.writer,
      clock: this.clock,
    });
    const applied = this.roleChanges.applyConfigured(options.meterRoles ?? []);
    if (!applied.ok) this.writer.events.onFailure(applied.error);
    if (options.seedRoles) {
      const seeded = this.roleChanges.seed(options.seedRoles, store.setting(ROLES_SEEDED_SETTING) === '1');
      if (seeded.ok) store.saveSetting(ROLES_SEEDED_SETTING, '1');
      else this.writer.events.onFailure(seeded.error);
    }
    this.handlers = auditedCommands(this.commandTable(), {
      access: this.access,
      audit: this.audit,
      subject: (command, params) =>
        subjectOf(command, params as never, {
          registry: this.registry,
          profile: () => this.link.currentProfile,
          settings: () => this.settings.values,
          rule: (node, kind) => this.anomalies.ownSettingText(node, kind),
        }),
      clock: this.clock,
      // Seen in the console, not only a log line: staff should know the trail has a gap.
      log: (message) =>
        this.alert({
          id: alertId('audit', this.clock()),
          at: new Date(this.clock()).toISOString(),
          severity: 'error',
          kind: 'storage',
          message: `The audit trail ${message.replace(/^could not/, 'could not')}`,
        }),
    });
    this.seedToday();
    this.startTimers();
    this.polling.start();
  }

  /** Who hears what ingest and the other parts say happened. */
  private subscribe(): void {
    const { events } = this;
    // An alert goes out as stored: counted, with its place and whether someone acknowledged it.
    events.on('alert', ({ alert }) => this.broadcast({ event: 'alert', payload: this.alerts.raise(alert) }));
    // Back online ends its "went offline": the alert stays, saying when the device came back.
    events.on('alert', ({ alert }) => {
      if (alert.kind !== 'device-online') return;
      const resolved = this.alerts.resolve('device-offline', alert, Date.parse(alert.at));
      if (resolved.ok) {
        if (resolved.value) this.broadcast({ event: 'alert', payload: resolved.value });
        return;
      }
      // The disk refused: the offline alert still looks open; say why, beside it.
      this.alert({
        id: alertId('alert-resolve', this.clock()),
        at: new Date(this.clock()).toISOString(),
        severity: 'warning',
        kind: 'storage',
        message: `${alert.message} Its "went offline" alert could not be marked as over: ${resolved.error.message}`,
      });
    });
    events.on('device.state', ({ payload }) => this.commands.onDeviceState(payload.id));
    events.on('device.state', ({ device }) => this.anomalies.noteOutputs(device));
    // A relay first seen through its energy, or a device back online, may not have said its state.
    events.on('device.state', ({ payload }) => this.stateQuery.askIfUnknown(payload.id));
    events.on('device.state', ({ payload }) => this.broadcast({ event: 'device.state', payload }));
    events.on('device.discovered', ({ payload }) => this.stateQuery.askIfUnknown(payload.id));
    // A device first seen: what does it call its channels?
    events.on('device.discovered', ({ payload }) => this.configQuery.askOnce(payload.id));
    events.on('device.discovered', ({ payload }) => this.broadcast({ event: 'device.discovered', payload }));
    events.on('sensor.reading', ({ sensor }) => this.broadcast({ event: 'sensor.reading', payload: sensor }));
    events.on('rpc.reply', ({ deviceKey, requestId, error }) =>
      this.commands.onReply(deviceKey, requestId, error),
    );
    events.on('component.unknown', ({ device }) => this.link.askForComponents(device));
    events.on('config.changed', ({ device }) => this.configQuery.askAgain(device));
    events.on('device.read', ({ device }) => this.siteTotals.markRead(device));
  }

  /** The contract's commands, one part per domain (commands/). */
  private commandTable(): CommandHandlers {
    const { store, profiles, clientId } = this.options;
    const totalsMoved = () => this.siteTotals.markAll();
    const site = siteCommands({
      store,
      registry: this.registry,
      sensors: this.sensors,
      roleChanges: this.roleChanges,
      clock: this.clock,
      totals: () => this.snapshot(),
      liveSnapshot: () => this.live.snapshot(),
      totalsMoved,
      polledKeys: () => this.polling.keys,
      categories: this.categories,
    });
    return {
      ...connectionCommands({
        clientId,
        profiles,
        state: () => this.connectionState,
        profile: () => this.link.currentProfile,
        connect: (profile) => this.connect(profile),
        disconnect: () => this.disconnect(),
      }),
      ...site,
      ...relayCommands({ relays: this.relays, covers: this.covers }),
      ...historyCommands({
        store,
        registry: this.registry,
        calendar: this.calendar,
        nodeIds: this.nodeIds,
        writer: this.writer,
        clock: this.clock,
        night: this.options.night ?? DEFAULT_NIGHT,
        minuteDays: () => this.settings.values.minuteDays,
        pricing: () => this.pricing,
      }),
      ...meterCommands({ roleChanges: this.roleChanges, totalsMoved }),
      ...rulesCommands({ anomalies: this.anomalies, changed: () => void this.checkAnomalies() }),
      ...categoryCommands({
        store,
        registry: this.registry,
        categories: this.categories,
        clock: this.clock,
        totalsMoved,
      }),
      ...alertCommands({
        alerts: this.alerts,
        // Every open console hears of an acknowledgement or clearing, not only the one that asked.
        changed: (alert) => this.broadcast({ event: 'alert', payload: alert }),
      }),
      ...accessCommands({ access: this.access, audit: this.audit, clock: this.clock }),
      ...auditCommands({ audit: this.audit, clock: this.clock }),
      ...storageCommands({
        dbPath: store.path,
        ...(this.options.dataDir && { dataDir: this.options.dataDir }),
      }),
      ...settingsCommands({
        settings: this.settings,
        apply: (change) => this.applySettings(change),
        // A head office publishing into a site's prefix would read its own totals as the site's.
        refuse: ({ publishPrefix }) => {
          const conflict =
            publishPrefix === undefined
              ? null
              : siteConflict(publishPrefix, this.options.headOfficeSites ?? []);
          return conflict ? { code: 'invalid-params', message: conflict } : null;
        },
        rebuild: () => this.rebuildHistory(),
      }),
      ...tariffCommands({
        setting: this.tariff,
        apply: (tariff) => this.useTariff(tariff),
        changed: (view) => this.broadcast({ event: 'tariff.changed', payload: view }),
      }),
      ...statsCommands({
        stats: this.stats,
        registry: this.registry,
        uptimeS: () => Math.round((this.clock() - this.startedMs) / 1000),
        lease: () => this.link.currentLease,
      }),
      ...metricsCommands({ core: this, clock: this.clock }),
      ...deviceCommands({
        registry: this.registry,
        subscribed: () => this.link.currentProfile?.subscribe ?? null,
        assign: (device, path, name) => site['site.assign']({ device, path, name }),
        ...(this.options.alsoScan && { alsoScan: this.options.alsoScan }),
      }),
      ...diagnosticsCommands({
        store,
        alerts: this.alerts,
        stats: async () => {
          const stats = await this.handlers['stats.get']({});
          return stats.ok ? stats.value : stats.error;
        },
        profile: () => this.link.currentProfile,
        settings: this.diagnosedSettings(),
        ...(this.options.diagnostics && { sources: this.options.diagnostics }),
        clock: this.clock,
      }),
    };
  }

  /**
   * Each node's cost this month for its aggregate, read from what is committed: the pending
   * readings are committed first, once for the whole publish run.
   */
  private monthCostsAt(nowMs: number): ((node: string) => MonthCost | undefined) | undefined {
    const pricing = this.pricing;
    if (!pricing) return undefined;
    this.writer.flush();
    const deps = { store: this.options.store, calendar: this.calendar, nodeIds: this.nodeIds, pricing };
    return (node) => monthCost(deps, node, nowMs);
  }

  /**
   * A tariff set on the settings screen, in force from now: what is pending is committed first,
   * so the minutes counted before are priced as they were counted.
   */
  private useTariff(tariff: Tariff | null): void {
    this.writer.flush();
    if (!tariff) this.pricing = null;
    else if (this.pricing) this.pricing.setTariff(tariff);
    else this.pricing = new RollupPricing(tariff, this.calendar.timeZone, this.nodeIds);
    this.writer.pricing = this.pricing;
    // The aggregates carry the month's cost: published again with or without it.
    this.totalsChanged();
  }

  /** Every node's totals now. */
  private snapshot() {
    return this.siteTotals.snapshot(this.clock());
  }

  private alert(alert: RaisedAlert): void {
    this.events.emit('alert', { alert });
  }

  /** Today's energy after a restart: the minutes since local midnight, under today's placement. */
  private seedToday(): void {
    // The day rollup of each node already holds today's energy, counted where it was counted.
    for (const row of this.options.store.rollupsStartingAt('day', Math.floor(this.today.startMs / 60_000))) {
      this.today.add(row.node, row.energyUnits, row.returnedUnits, this.today.startMs);
    }
  }

  /** Recomputes hour/day/week/month rollups from the retained minutes and says where they differed. */
  rebuildRollups(onProgress?: (progress: RebuildProgress) => void): RebuildReport {
    this.writer.flush();
    return rebuildRollups(
      this.options.store,
      this.calendar,
      this.nodeIds,
      this.placeIds,
      (key) => {
        const device = this.registry.devices.get(key);
        return device ? device.placement : { reason: 'no-placement' };
      },
      onProgress,
      this.pricing,
    );
  }

  /**
   * "Rebuild history": the rollups again from the kept minutes, every open console hearing how
   * far it is. It holds this thread (the window's is another) so no minute lands meanwhile.
   */
  rebuildHistory(): Result<RebuildReport, ApiError> {
    const { store } = this.options;
    const progress = (payload: RebuildProgress) => this.broadcast({ event: 'history.rebuild', payload });
    const failed = (error: ApiError) => {
      progress({ phase: 'failed', done: 0, total: 0, message: error.message });
      return { ok: false as const, error };
    };
    // What the journal holds goes in first; a full disk is said here, before anything is read.
    if (!this.writer.flush())
      return failed(
        this.writer.lastError ?? {
          code: 'storage-unavailable',
          message: 'The readings being saved were not confirmed in time, so history was not rebuilt.',
        },
      );
    const applied = store.applyRollups();
    if (!applied.ok) return failed(applied.error);
    const rebuilt = guardedWrite(store.path, () => this.rebuildRollups(progress));
    if (!rebuilt.ok) return failed(rebuilt.error);
    const report = rebuilt.value;
    const saved = store.saveSetting('rollup-zone', this.calendar.timeZone);
    if (!saved.ok) return failed(saved.error);
    progress({ phase: 'done', done: report.minutes, total: report.minutes });
    return ok(report);
  }

  /** A kept settings change, put into effect now: no restart. */
  private async applySettings({ after, changed }: SettingsChange): Promise<Result<void, ApiError>> {
    let result: Result<void, ApiError> = ok(undefined);
    if (changed.includes('publishIntervalS')) this.startPublishTimer();
    // Checked by the contract already: the same names setPublishProfiles accepts.
    if (changed.includes('publishProfiles')) this.setPublishProfiles(after.publishProfiles);
    if (changed.includes('publishPrefix')) {
      this.ownTopics.setOutPrefix(after.publishPrefix);
      // A reconnect that fails is the link's news (its state and alerts say so, and it retries).
      await this.link.setOutPrefix(after.publishPrefix);
    }
    if (changed.includes('timeZone')) {
      this.writer.flush();
      this.calendar.setZone(after.timeZone);
      this.pricing?.setZone(after.timeZone);
      this.today.setZone(after.timeZone, this.clock());
      const rebuilt = this.rebuildHistory();
      if (!rebuilt.ok)
        result = err(
          rebuilt.error.code,
          `The time zone is saved and used from now on, but the history could not be rebuilt for it ` +
            `(${rebuilt.error.message}). It is rebuilt at the next start, or with Rebuild history.`,
        );
      this.seedToday();
      this.totalsChanged();
    }
    // Every window follows, not only the one that asked (language and zone change what it shows).
    this.broadcast({ event: 'settings.changed', payload: this.settings.view() });
    return result;
  }

  /** The settings in force, for the diagnostics archive (read when it is made). */
  private diagnosedSettings() {
    const { settings, options } = this;
    return {
      get outPrefix() {
        return settings.values.publishPrefix;
      },
      get publishIntervalS() {
        return settings.values.publishIntervalS;
      },
      get timeZone() {
        return settings.values.timeZone;
      },
      get minuteDays() {
        return settings.values.minuteDays;
      },
      isDemo: options.isDemo ?? false,
    };
  }

  /** Retention: minutes older than `minuteDays` go; their energy lives on in the rollups. */
  pruneMinutes(): void {
    const days = this.settings.values.minuteDays;
    const { store } = this.options;
    const cutoff = Math.floor(this.clock() / 60_000) - days * 1440;
    // The cutoff is recorded before any minute goes: a rebuild trusts the rollups of buckets
    // before it and recomputes the rest from minutes, so minutes dropped without it would take
    // their buckets' history with them. Recorded but not (all) dropped is harmless.
    const previous = Number(store.setting(PRUNED_BEFORE_SETTING) ?? -Infinity);
    if (cutoff > previous) {
      const saved = store.saveSetting(PRUNED_BEFORE_SETTING, String(cutoff));
      if (!saved.ok) return this.writer.events.onFailure(saved.error);
    }
    const result = store.pruneMinutes(cutoff);
    if (!result.ok) return this.writer.events.onFailure(result.error);
  }

  // ---- events ----------------------------------------------------------------------------------

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private broadcast(message: EventMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private startTimers(): void {
    const liveMs = this.options.liveIntervalMs ?? 250;
    this.timers.push(setInterval(() => this.pushLive(), liveMs));
    this.startPublishTimer();
    this.profileSchedule.set(this.profiles);
    this.timers.push(setInterval(() => this.alertRejections(), REJECTION_ALERT_INTERVAL_MS));
    this.timers.push(setInterval(() => this.checkAnomalies(), ANOMALY_CHECK_INTERVAL_MS));
    this.timers.push(setInterval(() => this.ingest.releaseHeld(), 1000));
    // Lease renewals and expiry run on the wall clock, like decideLease (and for the same reason,
    // after this turn's socket reads: a renewal waiting unread must count before expiry is judged).
    this.timers.push(setInterval(() => setImmediate(() => this.link.pollLease()), this.link.leaseCheckMs));
    // Retention runs a minute after start (not on the start-up path), then hourly.
    this.timers.push(setTimeout(() => this.pruneMinutes(), 60_000));
    this.timers.push(setInterval(() => this.pruneMinutes(), 3_600_000));
    for (const t of this.timers) t.unref();
  }

  /** (Re)starts publishing at the interval in force. */
  private startPublishTimer(): void {
    if (this.publishTimer) clearInterval(this.publishTimer);
    this.publishTimer = setInterval(
      () => void this.publishAggregates(),
      this.settings.values.publishIntervalS * 1000,
    );
    this.publishTimer.unref();
  }

  /** Rejected messages become at most one alert per reason per interval, never a storm. */
  alertRejections(): void {
    this.rejections.check();
  }

  /**
   * Judges the anomaly rules now (the timer does every minute): raises the episodes that begin
   * and marks those that cleared as over. Pending readings are committed first, so a night or a
   * day is judged on everything heard.
   */
  checkAnomalies(): CheckResult {
    this.writer.flush();
    return this.anomalies.check();
  }

  /** Energy was added outside ingest (the demo's history backfill): push the changed totals now. */
  totalsChanged(): void {
    this.siteTotals.markAll();
    this.live.push();
  }

  /** Coalesced live totals: only the nodes whose numbers changed since the last push. */
  pushLive(): void {
    this.live.push();
  }

  /** Publishes changed aggregates now (when this console holds the lease); returns how many. */
  publishAggregates(): Promise<number> {
    return this.link.publishAggregates();
  }

  // ---- publish profiles (README "Coreflux-compatible topics") -----------------------------------

  get publishProfiles(): readonly PublishProfile[] {
    return this.profiles;
  }

  /**
   * Publishes these topic layouts from now on, no restart: ingest ignores exactly the outputs of
   * the profiles on, and each Coreflux profile runs on its own timer. Unknown names are refused.
   */
  setPublishProfiles(list: readonly string[]): Result<readonly PublishProfile[], ApiError> {
    const checked = checkPublishProfiles(list);
    if (!checked.ok) return checked;
    this.profiles = checked.value;
    this.ownTopics.setProfiles(this.profiles);
    this.link.setPublishProfiles(this.profiles);
    this.profileSchedule.set(this.profiles);
    return checked;
  }

  get connectionState(): ConnectionState {
    return this.link.state;
  }

  /** Keys of the devices read over HTTP (`[[poll]]`, the demo's plugs). */
  get polledKeys(): ReadonlySet<string> {
    return this.polling.keys;
  }

  /** Connects with a profile; resolves with the first failure, if any (reconnecting goes on). */
  connect(profile: ConnectionProfile): Promise<ApiError | null> {
    return this.link.connect(withSiteFilters(profile, this.options.headOfficeSites ?? []));
  }

  async disconnect(): Promise<void> {
    await this.link.leave();
  }

  /**
   * `/healthz`, open to monitoring without a token: the broker's state and, when it is not
   * connected, why (an error code, never the message with the broker's address) and when the
   * next attempt is due.
   */
  health(): {
    broker: 'connected' | 'connecting' | 'disconnected' | 'error';
    brokerProblem: ApiError['code'] | null;
    nextRetryAt: string | null;
    subscribed: boolean;
    db: 'ok' | 'error';
    uptimeS: number;
    /** This console publishes the aggregates (holds the aggregator lease). */
    aggregator: boolean;
  } {
    const state = this.connectionState;
    const broker =
      state.status === 'connected'
        ? 'connected'
        : state.status === 'connecting' || state.status === 'reconnecting'
          ? state.lastError
            ? 'error'
            : 'connecting'
          : state.status === 'error'
            ? 'error'
            : 'disconnected';
    const db = this.writer.isHealthy && this.options.store.isHealthy() ? 'ok' : 'error';
    const isConnected = state.status === 'connected';
    return {
      broker,
      brokerProblem: isConnected ? null : (state.lastError?.code ?? null),
      nextRetryAt: isConnected ? null : state.nextRetryAt,
      subscribed: state.subscribed,
      db,
      uptimeS: Math.round((this.clock() - this.startedMs) / 1000),
      aggregator: this.link.currentLease.isAggregator,
    };
  }

  /** Stops timers, flushes the store and leaves the broker cleanly. */
  async close(): Promise<boolean> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.publishTimer) clearInterval(this.publishTimer);
    this.publishTimer = null;
    this.profileSchedule.stop();
    await this.polling.stop();
    // What the flood guard still holds is read before the last totals go out.
    this.ingest.releaseHeld();
    await this.publishAggregates().catch(() => 0);
    await this.link.leave();
    this.commands.cancelAll();
    return this.writer.stop();
  }
}
