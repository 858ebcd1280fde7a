/**
 * The one façade: composes broker, ingest, store and aggregates, and answers the contract's
 * commands. Both adapters (Electron IPC and the headless bridge) hold one of these.
 */
import type {
  CommandName,
  CommandReply,
  ConnectionProfile,
  ConnectionState,
  EventMessage,
  EventName,
  EventPayload,
  NodeTotals,
  ParsedParams,
} from '../../shared/contract';
import { UNASSIGNED } from '../../shared/contract';
import { err, ok, type ApiError } from '../../shared/result';
import { AggregatePublisher } from './aggregate/publisher';
import {
  AggregatorLease,
  LEASE_CHECK_MS,
  LEASE_RENEW_MS,
  LEASE_SETTLE_MS,
  leaseTopic,
  type LeaseStep,
} from './aggregate/aggregator-lease';
import { RunningTotals } from './aggregate/running-totals';
import { systemTimeZone, TodayTotals } from './aggregate/today-totals';
import { snapshot } from './aggregate/snapshot';
import { BrokerConnection } from './broker/connection';
import { testConnection } from './broker/connection-test';
import { brokerOptions, safeBrokerUrl } from './broker/options';
import type { ProfileStore } from './broker/profile-store';
import { Ingest } from './ingest';
import { historyQuery } from './reports/history';
import { csvReport } from './reports/csv-report';
import { reportSummary } from './reports/summary';
import { ledgerQuery } from './reports/ledger';
import { CoverControl } from './cover-control';
import { PendingCommands } from './pending-commands';
import { RelayControl } from './relay-control';
import { ConfigQuery } from './config-query';
import { StateQuery } from './state-query';
import { isSameElectrical } from './site/electrical';
import { resolveNameableNode } from './site/resolve-node';
import { isTrustedDeviceId } from './shelly/device-id';
import { siteTree } from './site/site-tree';
import { Calendar } from './store/calendar';
import { KeyIndex, placeKey } from './store/key-index';
import { PRUNED_BEFORE_SETTING, rebuildRollups, type RebuildReport } from './store/rollup-rebuild';
import { nodeId, type Place } from './site/placement';
import { topicSegment } from './aggregate/topic-name';
import { NO_PLACE, SiteRegistry, type Device } from './site/registry';
import { EnergyRouting } from './site/energy-routing';
import { MeterRoles } from './site/meter-roles';
import { markRoles, RoleChanges, storedRoles, type ConfiguredRole } from './site/role-changes';
import { SensorRegistry } from './site/sensors';
import { IngestStats } from './stats';
import { BatchWriter } from './store/batch-writer';
import type { Store } from './store/store';
import { alertId } from './alert-id';
import { AlertBook, CONSOLE_USER } from './alerts/alert-book';
import { AlertStore } from './alerts/alert-store';
import type { CoreEventPayload } from './alerts/core-event';
import { rejectedMessagesWords } from './alerts/rejection-words';
import { FLOOD_REJECTION } from './flood-guard';

export interface ConsoleOptions {
  store: Store;
  /** IANA zone for "today", days and months (default: this machine's zone). */
  timeZone?: string;
  /** Minute rows older than this are dropped once rolled up (default 35). */
  minuteDays?: number;
  clientId: string;
  outPrefix: string;
  publishIntervalS: number;
  /** `totals.live` is coalesced: at most one push per interval (≤ 4/s). */
  liveIntervalMs?: number;
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
}

type Handlers = {
  [C in CommandName]: (params: ParsedParams<C>) => Promise<CommandReply<C>> | CommandReply<C>;
};

export type EventListener = (message: EventMessage) => void;

const REJECTION_ALERT_INTERVAL_MS = 10_000;
/** Set once the seed roles were applied: a staff change afterwards is never undone by a restart. */
const ROLES_SEEDED_SETTING = 'meter-roles-seeded';

const DISCONNECTED: ConnectionState = {
  status: 'disconnected',
  broker: null,
  subscribed: false,
  demo: false,
  tlsVerified: null,
  lastError: null,
  nextRetryAt: null,
};

export class KilowatchConsole {
  readonly registry: SiteRegistry;
  readonly totals: RunningTotals;
  readonly today: TodayTotals;
  readonly calendar: Calendar;
  readonly nodeIds: KeyIndex;
  readonly placeIds: KeyIndex;
  readonly bookingIds: KeyIndex;
  readonly roles: MeterRoles;
  readonly routing: EnergyRouting;
  readonly stats = new IngestStats();
  /** Alerts that stay: every alert is stored and counted here before it is sent. */
  readonly alerts: AlertBook;
  readonly sensors = new SensorRegistry();
  private readonly componentRequests = new Map<string, number>();
  private nextRequestId = 1_000_000;
  readonly writer: BatchWriter;
  readonly ingest: Ingest;
  /** Relay and cover commands waiting for their device to confirm. */
  private readonly commands: PendingCommands;
  private readonly relays: RelayControl;
  private readonly covers: CoverControl;
  private readonly stateQuery: StateQuery;
  private readonly configQuery: ConfigQuery;
  private readonly publisher: AggregatePublisher;
  private readonly roleChanges: RoleChanges;
  private readonly listeners = new Set<EventListener>();
  private readonly clock: () => number;
  private readonly startedMs: number;
  private connection: BrokerConnection | null = null;
  private profile: ConnectionProfile | null = null;
  private lastLive = new Map<string, NodeTotals>();
  private lastRejectedCounts = new Map<string, number>();
  private wasConnected = false;
  private timers: NodeJS.Timeout[] = [];
  private isDirty = false;
  /** Who publishes the aggregates among the consoles on this broker (aggregator-lease.ts). */
  private lease: AggregatorLease;
  private readonly leaseTopic: string;
  /** Settles once the lease is decided after a connect; publishing waits for it. */
  private leaseDecided: Promise<void> = Promise.resolve();
  /** The broker took this connection only without its Last Will on the lease topic. */
  private isWillDropped = false;

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
    this.alerts = new AlertBook({
      store: new AlertStore(store.database, store.path),
      registry: this.registry,
      clock: this.clock,
    });
    const timeZone = options.timeZone ?? systemTimeZone();
    this.today = new TodayTotals(timeZone, this.clock());
    this.nodeIds = new KeyIndex(store.loadNodes());
    this.placeIds = new KeyIndex(
      store.loadPlaces().map((p) => ({ id: p.id, key: placeKey(p.company, p.office, p.room) })),
    );
    this.bookingIds = new KeyIndex(store.loadBookings());
    this.roles = new MeterRoles(storedRoles(store.loadMeterRoles()));
    this.routing = new EnergyRouting(this.registry, this.roles);
    this.registry.onPlaced = (device) => this.roles.notePlaced(device);
    this.calendar = new Calendar(options.timeZone ?? systemTimeZone());
    this.writer = new BatchWriter(
      store,
      {
        onFailure: (error) =>
          this.emit('alert', {
            id: alertId('storage', this.clock()),
            at: new Date(this.clock()).toISOString(),
            severity: 'error',
            kind: 'storage',
            message: `${error.message} Counting continues in memory.`,
            detail: error,
          }),
        onRecovered: () =>
          this.emit('alert', {
            id: alertId('storage-ok', this.clock()),
            at: new Date(this.clock()).toISOString(),
            severity: 'info',
            kind: 'storage',
            message: 'The database is writable again; everything counted meanwhile has been saved.',
          }),
      },
      this.calendar,
    );
    this.publisher = new AggregatePublisher(options.outPrefix);
    this.leaseTopic = leaseTopic(options.outPrefix);
    this.lease = this.newLease(options.clientId);
    const publishCommand = (topic: string, payload: string): Promise<Error | null> =>
      this.connection?.publish(topic, payload, false) ?? Promise.resolve(new Error('not connected'));
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
    });
    this.configQuery = new ConfigQuery({
      registry: this.registry,
      clientId: options.clientId,
      requestId: () => this.commands.requestId(),
      publish: publishCommand,
    });
    this.covers = new CoverControl({
      registry: this.registry,
      clientId: options.clientId,
      commands: this.commands,
    });
    this.ingest = new Ingest({
      registry: this.registry,
      sensors: this.sensors,
      onUnknownComponent: (device) => this.askForComponents(device),
      onConfigChanged: (device) => this.configQuery.askAgain(device),
      totals: this.totals,
      today: this.today,
      calendar: this.calendar,
      nodeIds: this.nodeIds,
      placeIds: this.placeIds,
      bookingIds: this.bookingIds,
      routing: this.routing,
      writer: this.writer,
      stats: this.stats,
      events: { emit: (event, payload) => this.emit(event, payload) },
      clock: this.clock,
      outPrefix: options.outPrefix,
      onRpcReply: (deviceKey, requestId, error) => this.commands.onReply(deviceKey, requestId, error),
      onChange: () => {
        this.isDirty = true;
      },
      ...(options.observe && { observe: options.observe }),
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
    this.seedToday();
    this.startTimers();
  }

  /** Today's energy after a restart: the minutes since local midnight, under today's placement. */
  private seedToday(): void {
    // The day rollup of each node already holds today's energy, counted where it was counted.
    for (const row of this.options.store.rollupsStartingAt('day', Math.floor(this.today.startMs / 60_000))) {
      this.today.add(row.node, row.energyUnits, row.returnedUnits, this.today.startMs);
    }
  }

  /** Recomputes hour/day/week/month rollups from the retained minutes and says where they differed. */
  rebuildRollups(): RebuildReport {
    this.writer.flush();
    return rebuildRollups(this.options.store, this.calendar, this.nodeIds, this.placeIds, (key) => {
      const device = this.registry.devices.get(key);
      return device ? device.placement : { reason: 'no-placement' };
    });
  }

  /** Retention: minutes older than `minuteDays` go; their energy lives on in the rollups. */
  pruneMinutes(): void {
    const days = this.options.minuteDays ?? 35;
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

  private get historyDeps() {
    // Queries read the file: commit what is pending first so an answer includes the last readings.
    this.writer.flush();
    return {
      store: this.options.store,
      registry: this.registry,
      calendar: this.calendar,
      nodeIds: this.nodeIds,
    };
  }

  // ---- events ----------------------------------------------------------------------------------

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(event: E, raised: CoreEventPayload<E>): void {
    // An alert goes out as stored: counted, with its place and whether someone acknowledged it.
    const payload = (
      event === 'alert' ? this.alerts.raise(raised as CoreEventPayload<'alert'>) : raised
    ) as EventPayload<E>;
    if (event === 'device.state') this.commands.onDeviceState((payload as EventPayload<'device.state'>).id);
    // A relay first seen through its energy, or a device back online, may not have said its state.
    if (event === 'device.state' || event === 'device.discovered')
      this.stateQuery.askIfUnknown((payload as EventPayload<'device.discovered' | 'device.state'>).id);
    // A device first seen: what does it call its channels?
    if (event === 'device.discovered')
      this.configQuery.askOnce((payload as EventPayload<'device.discovered'>).id);
    this.broadcast({ event, payload } as EventMessage);
  }

  private broadcast(message: EventMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  /** Every open console hears of an acknowledgement or clearing, not only the one that asked. */
  private alertChanged(changed: CommandReply<'alerts.ack'>): CommandReply<'alerts.ack'> {
    if (changed.ok) this.broadcast({ event: 'alert', payload: changed.value });
    return changed;
  }

  private startTimers(): void {
    const liveMs = this.options.liveIntervalMs ?? 250;
    this.timers.push(setInterval(() => this.pushLive(), liveMs));
    this.timers.push(setInterval(() => void this.publishAggregates(), this.options.publishIntervalS * 1000));
    this.timers.push(setInterval(() => this.alertRejections(), REJECTION_ALERT_INTERVAL_MS));
    this.timers.push(setInterval(() => this.ingest.releaseHeld(), 1000));
    // Lease renewals and expiry run on the wall clock, like decideLease (and for the same reason,
    // after this turn's socket reads: a renewal waiting unread must count before expiry is judged).
    const leaseCheckMs = Math.min(LEASE_CHECK_MS, this.lease.renewMs / 6);
    this.timers.push(
      setInterval(() => setImmediate(() => this.leaseStep(this.lease.poll(Date.now()))), leaseCheckMs),
    );
    // Retention runs a minute after start (not on the start-up path), then hourly.
    this.timers.push(setTimeout(() => this.pruneMinutes(), 60_000));
    this.timers.push(setInterval(() => this.pruneMinutes(), 3_600_000));
    for (const t of this.timers) t.unref();
  }

  private newLease(clientId: string): AggregatorLease {
    return new AggregatorLease(clientId, LEASE_SETTLE_MS, this.options.leaseRenewMs ?? LEASE_RENEW_MS);
  }

  /** Rejected messages become at most one alert per reason per interval, never a storm. */
  alertRejections(): void {
    for (const [reason, total] of this.stats.rejected) {
      // A flood is said by its own alerts, once when it starts and once when it ends.
      if (reason === FLOOD_REJECTION) continue;
      // Rejected readings of a known channel have their own alerts, naming the channel (ingest).
      const count = total - (this.stats.attributed.get(reason) ?? 0);
      const before = this.lastRejectedCounts.get(reason) ?? 0;
      if (count === before) continue;
      this.lastRejectedCounts.set(reason, count);
      const sample = this.stats.sampleOf(reason);
      const now = this.clock();
      this.emit('alert', {
        id: alertId(`rejected:${reason}`, now),
        at: new Date(now).toISOString(),
        severity: 'warning',
        kind: 'message-rejected',
        message: rejectedMessagesWords(reason, count - before),
        detail: { reason, count: count - before, ...(sample && { sample }) },
      });
    }
  }

  private connectionChanged(state: ConnectionState): void {
    this.emit('connection.state', this.withProfile(state));
    const isConnected = state.status === 'connected';
    if (!isConnected) this.lease.disconnected();
    if (isConnected === this.wasConnected) return;
    // A first failed attempt is reported by the caller; only a lost or regained link is news here.
    if (!isConnected && state.status === 'disconnected') {
      this.wasConnected = false;
      return;
    }
    const now = this.clock();
    if (isConnected || this.wasConnected) {
      this.emit('alert', {
        id: alertId(isConnected ? 'broker-connected' : 'broker-lost', now),
        at: new Date(now).toISOString(),
        severity: isConnected ? 'info' : 'error',
        kind: 'broker',
        message: isConnected
          ? `Connected to ${state.broker ?? 'the broker'}.`
          : `Lost the broker: ${state.lastError?.message ?? 'the connection closed'} Reconnecting…`,
      });
    }
    this.wasConnected = isConnected;
  }

  /** Another device placed in `place`'s room whose name gives the same topic segment, if any. */
  private deviceNamed(place: Place, except: Device | undefined): Device | undefined {
    const segment = (p: Place) => [p.company, p.office, p.room, p.device].map(topicSegment).join('/');
    const wanted = segment(place);
    for (const d of this.registry.devices.values())
      if (d !== except && 'place' in d.placement && segment(d.placement.place) === wanted) return d;
    return undefined;
  }

  /** Energy was added outside ingest (the demo's history backfill): push the changed totals now. */
  totalsChanged(): void {
    this.isDirty = true;
    this.pushLive();
  }

  /** Coalesced live totals: only the nodes whose numbers changed since the last push. */
  pushLive(): void {
    if (!this.isDirty && this.lastLive.size > 0) return;
    this.isDirty = false;
    const now = snapshot(this.registry, this.totals, this.today, this.clock(), this.routing);
    const changed: NodeTotals[] = [];
    for (const [id, t] of now) {
      const last = this.lastLive.get(id);
      if (
        !last ||
        last.energyWh !== t.energyWh ||
        last.returnedWh !== t.returnedWh ||
        last.powerW !== t.powerW ||
        last.devices !== t.devices ||
        last.reporting !== t.reporting ||
        !isSameElectrical(last.electrical, t.electrical)
      )
        changed.push(t);
    }
    this.lastLive = now;
    if (changed.length > 0)
      this.emit('totals.live', { ts: new Date(this.clock()).toISOString(), nodes: changed });
  }

  /** Publishes changed aggregates now; returns how many were published. */
  async publishAggregates(): Promise<number> {
    if (this.lease.role === 'deciding') await this.leaseDecided;
    const connection = this.connection;
    // A standby counts everything (to take over with exact totals) but never publishes.
    if (!connection?.isConnected || !this.lease.isAggregator) return 0;
    const now = this.clock();
    const changes = this.publisher.changes(
      this.registry,
      snapshot(this.registry, this.totals, this.today, now, this.routing),
      now,
    );
    const results = await Promise.all(changes.map((c) => connection.publish(c.topic, c.payload, true)));
    // A failed publish is retried at the next interval.
    if (results.some((e) => e !== null)) this.publisher.forget();
    return changes.length;
  }

  // ---- connection ------------------------------------------------------------------------------

  get connectionState(): ConnectionState {
    if (!this.connection) return { ...DISCONNECTED, demo: this.options.isDemo ?? false };
    return this.withProfile(this.connection.current);
  }

  private withProfile(state: ConnectionState): ConnectionState {
    return this.profile ? { ...state, profile: this.profile.name } : state;
  }

  /** Connects with a profile; resolves with the first failure, if any (reconnecting goes on). */
  async connect(profile: ConnectionProfile): Promise<ApiError | null> {
    // The demo's embedded aedes keeps sessions in memory that die with it, so a persistent
    // session buys nothing there, and under bursts of QoS 1 its in-memory store loses track of
    // acknowledgements ("no such packet") and drops the client (moscajs/aedes#24, #83).
    const isEmbeddedDemo = (this.options.isDemo ?? false) && profile.name === 'demo';
    const options = brokerOptions(profile, this.options.clientId, !isEmbeddedDemo);
    if (!options.ok) return options.error;
    await this.leaveBroker();
    this.profile = profile;
    const filters = [...profile.subscribe, `${this.options.clientId}/rpc`];
    this.lease = this.newLease(options.value.clientId ?? this.options.clientId);
    this.isWillDropped = false;
    // Dying without a goodbye empties the aggregator lease, so a standby takes over.
    const will = { topic: this.leaseTopic, payload: Buffer.alloc(0), qos: 1 as const, retain: true };
    this.connection = new BrokerConnection(
      { ...options.value, will },
      safeBrokerUrl(profile.url),
      filters,
      {
        onState: (state) => this.connectionChanged(state),
        onMessage: (topic, payload, isRetained) => {
          if (topic === this.leaseTopic)
            this.leaseStep(this.lease.received(payload.toString('utf8'), isRetained, Date.now()));
          else this.ingest.handle(topic, payload, isRetained);
        },
        onReady: () => {
          this.publisher.forget();
          void this.subscribeLease();
          this.askForFreshState();
        },
        // A broker that checks the will against its ACL at CONNECT (EMQX) refuses the whole
        // connection when the user may not write the lease topic: without the will, it connects.
        onWillDropped: () => {
          this.isWillDropped = true;
        },
      },
      // Only the embedded demo broker is "demo"; a broker chosen in the wizard is real.
      (this.options.isDemo ?? false) && profile.name === 'demo',
    );
    return this.connection.start();
  }

  /**
   * The lease topic is subscribed apart from the device filters: a broker whose ACL predates it
   * refuses it, and that must not cost the site its connection. Without it no other console can
   * be seen, so this one publishes as the only aggregator and says why.
   */
  private async subscribeLease(): Promise<void> {
    const connection = this.connection;
    const lease = this.lease;
    if (!connection) return;
    // Without write access to the lease topic its claims could not be published either.
    if (this.isWillDropped)
      return this.leaseUnchecked(
        `The broker refused Kilowatch's connection while it carried a Last Will on ${this.leaseTopic} ` +
          `and took it without one, so this console cannot share the aggregator lease; it publishes ` +
          `the totals itself.`,
      );
    const subscribed = await connection.subscribeOptional(this.leaseTopic);
    if (subscribed === 'granted') return this.decideLease();
    // The link closed before the SUBACK: no answer from the broker, and the next connect retries.
    if (subscribed === 'lost' || lease !== this.lease) return;
    this.leaseUnchecked(
      `The broker does not let Kilowatch read ${this.leaseTopic}, so it cannot see whether another ` +
        `console already publishes the totals; this one publishes them.`,
    );
  }

  /** No lease on this broker: this console publishes the totals alone, and says why. */
  private leaseUnchecked(why: string): void {
    this.leaseStep(this.lease.refused());
    const now = this.clock();
    this.emit('alert', {
      id: alertId('lease-refused', now),
      at: new Date(now).toISOString(),
      severity: 'warning',
      kind: 'broker',
      message: `${why} Allow read and write on ${this.options.outPrefix}/# for Kilowatch's user.`,
    });
  }

  /**
   * Listens for the retained lease, then claims it if nobody holds it. The lease is about network
   * timing, not the energy timeline, so it runs on the wall clock even when tests pin `clock`.
   */
  private decideLease(): void {
    const lease = this.lease;
    lease.subscribed(Date.now());
    this.leaseDecided = new Promise((resolve) => {
      const decide = () => {
        if (lease === this.lease) this.leaseStep(lease.poll(Date.now()));
        resolve();
      };
      // Timers run before socket reads in an event-loop turn: after a stall (a busy machine) the
      // retained lease may be waiting unread when the timer fires. setImmediate runs after the
      // reads of the same turn, so it is handled first.
      setTimeout(() => setImmediate(decide), lease.settleMs).unref();
    });
  }

  private leaseStep(step: LeaseStep): void {
    if (step.invalid) this.stats.reject(step.invalid, this.leaseTopic, this.clock());
    if (step.publish !== undefined) void this.connection?.publish(this.leaseTopic, step.publish, true);
    // A new aggregator publishes everything, not just what changed since it last did.
    if (step.roleChanged && this.lease.isAggregator) this.publisher.forget();
    if (step.expiredHolder !== undefined) {
      const now = this.clock();
      const silentS = Math.round(this.lease.expiryMs / 1000);
      this.emit('alert', {
        id: alertId('lease-expired', now),
        at: new Date(now).toISOString(),
        severity: 'warning',
        kind: 'broker',
        message:
          `${step.expiredHolder} held the aggregator lease but has not renewed it for ${silentS} s ` +
          `(it may have lost power while the broker was away); this console publishes the totals now.`,
      });
    }
  }

  /** Leaves the broker cleanly; a holder first empties the lease so a standby takes over at once. */
  private async leaveBroker(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const release = this.lease.release();
    if (release.publish !== undefined && connection.isConnected)
      await connection.publish(this.leaseTopic, release.publish, true);
    await connection.stop();
  }

  /**
   * Retained values alone are snapshots of unknown age: ask devices for their state instead
   * (Gen2: status_update; Gen1: announce, which also republishes state). Gen2+ devices are also
   * asked for their configuration: the names staff gave their channels in the Shelly app.
   */
  private askForFreshState(): void {
    const connection = this.connection;
    if (!connection) return;
    void connection.publish('shellies/command', 'announce', false);
    for (const device of this.registry.devices.values()) {
      if (device.row.generation !== 2) continue;
      void connection.publish(`${device.row.key}/command`, 'status_update', false);
      for (const method of ['Shelly.GetDeviceInfo', 'Shelly.GetStatus', 'Shelly.GetConfig']) {
        const request = { id: this.nextRequestId++, src: this.options.clientId, method };
        void connection.publish(`${device.row.key}/rpc`, JSON.stringify(request), false);
      }
    }
  }

  /** BTHome components mean nothing without their config: ask the gateway, at most every 10 min. */
  private askForComponents(device: Device): void {
    const now = this.clock();
    const last = this.componentRequests.get(device.row.key);
    if (last !== undefined && now - last < 600_000) return;
    this.componentRequests.set(device.row.key, now);
    const request = {
      id: this.nextRequestId++,
      src: this.options.clientId,
      method: 'Shelly.GetComponents',
      params: { dynamic_only: true, include: ['config', 'status'] },
    };
    void this.connection?.publish(`${device.row.key}/rpc`, JSON.stringify(request), false);
  }

  async disconnect(): Promise<void> {
    await this.leaveBroker();
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
      aggregator: this.lease.isAggregator,
    };
  }

  /** Stops timers, flushes the store and leaves the broker cleanly. */
  async close(): Promise<boolean> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    // What the flood guard still holds is read before the last totals go out.
    this.ingest.releaseHeld();
    await this.publishAggregates().catch(() => 0);
    await this.leaveBroker();
    this.commands.cancelAll();
    return this.writer.stop();
  }

  // ---- commands --------------------------------------------------------------------------------

  readonly handlers: Handlers = {
    'connection.status': () => ok(this.connectionState),
    // The desktop adapter answers this with a file dialog; headless has no screen to show one.
    'connection.pickPem': () =>
      err(
        'not-found',
        'Choosing a file this way needs the desktop app: pick or paste the PEM in the form instead.',
      ),
    'connection.connect': async ({ name }) => {
      let profile = this.profile;
      // A name means a saved profile, read afresh (the wizard may have just saved it).
      if (name && this.options.profiles) {
        const saved = await this.options.profiles.get(name);
        if (!saved.ok && saved.error.code !== 'not-found') return saved;
        if (saved.ok) profile = saved.value;
      }
      if (!profile || (name && name !== profile.name)) {
        return err(
          'not-found',
          name ? `No saved connection named "${name}".` : 'No broker is configured yet.',
        );
      }
      const failure = await this.connect(profile);
      return failure ? { ok: false, error: failure } : ok(this.connectionState);
    },
    'connection.disconnect': async () => {
      await this.disconnect();
      return ok(this.connectionState);
    },
    'connection.test': async ({ profile }) => {
      // An edited saved profile arrives without its stored secrets; they are joined back only
      // when it goes exactly where they were saved for (ProfileStore.isSameDestination).
      const full = this.options.profiles ? await this.options.profiles.fillSecrets(profile) : ok(profile);
      if (!full.ok) return full;
      return testConnection(full.value, {
        clientId: this.options.clientId,
        extraFilters: [`${this.options.clientId}/rpc`],
      });
    },
    'connection.save': async ({ profile, activate }) => {
      if (!this.options.profiles)
        return err('internal', 'This Kilowatch was started without a place to save connections.');
      return this.options.profiles.save(profile, activate);
    },
    'site.tree': () => {
      const tree = siteTree(
        this.registry,
        snapshot(this.registry, this.totals, this.today, this.clock(), this.routing),
        this.sensors.list(),
      );
      markRoles(tree.nodes, this.registry, this.roleChanges);
      return ok(tree);
    },
    'site.assign': ({ device: ref, path, name }) => {
      const device = this.registry.find(ref);
      // A device can be placed before it is first heard from (staff work from an inventory list).
      if (!device && !isTrustedDeviceId(ref)) return err('not-found', `No device "${ref}" has been seen.`);
      const shellyId = device ? (device.row.shellyId ?? device.row.key) : ref;
      if (path === UNASSIGNED) {
        // What it counted in its room stays there; from now on its energy is Unassigned's.
        const saved = this.options.store.saveAssignment(shellyId, NO_PLACE, this.clock());
        if (!saved.ok) return saved;
        this.registry.assign(shellyId, NO_PLACE);
        this.isDirty = true;
        return ok({ device: nodeId.device(device?.row.key ?? ref), path: [] });
      }
      const [company, office, room] = path;
      const place = {
        company,
        office,
        room,
        device: name ?? (device ? this.registry.displayName(device) : ref),
      };
      // A device's totals are published under its room by name: two devices with one name in one
      // room would overwrite each other's retained topic.
      const clash = this.deviceNamed(place, device);
      if (clash) {
        return err(
          'invalid-params',
          `${room} already has a device named "${place.device}" (${clash.row.shellyId ?? clash.row.key}). ` +
            'Two devices with one name would publish their totals to the same topic: choose another name.',
        );
      }
      const saved = this.options.store.saveAssignment(shellyId, place, this.clock());
      if (!saved.ok) return saved;
      this.registry.assign(shellyId, place);
      this.isDirty = true;
      return ok({ device: nodeId.device(device?.row.key ?? ref), path: [company, office, room] });
    },
    'site.rename': ({ node, name }) => {
      const target = resolveNameableNode(this.registry, node);
      if (!target) return err('not-found', `No node "${node}".`);
      const saved = this.options.store.saveName(target.id, name);
      if (!saved.ok) return saved;
      this.registry.names.set(target.id, name);
      return ok({ node: target.id, name });
    },
    'relay.set': (params) => this.relays.set(params.channel, params.on, params.timeoutMs),
    'cover.set': (params) =>
      this.covers.set(params.channel, params.action, params.position, params.timeoutMs),
    'history.query': (params) => historyQuery(this.historyDeps, params),
    'report.csv': (params) => csvReport(this.historyDeps, params),
    'report.summary': (params) => reportSummary(this.historyDeps, params),
    'ledger.query': (params) => {
      // Like history: the decisions of the last readings are in the pending batch until it commits.
      this.writer.flush();
      return ledgerQuery(this.options.store, this.registry, params);
    },
    'meter.role': ({ meter, role, scope }) => {
      const result = this.roleChanges.set(
        meter,
        role === 'main' ? { role, scope: scope ?? 'room' } : { role },
      );
      if (result.ok) this.isDirty = true;
      return result;
    },
    'alerts.query': ({ kinds, includeCleared, limit }) =>
      ok({ alerts: this.alerts.list({ ...(kinds && { kinds }), includeCleared, limit }) }),
    'alerts.ack': ({ id }) => this.alertChanged(this.alerts.acknowledge(id, CONSOLE_USER)),
    'alerts.clear': ({ id }) => this.alertChanged(this.alerts.clear(id)),
    'alerts.clearAll': ({ kinds }) => {
      const cleared = this.alerts.clearAll(kinds);
      if (!cleared.ok) return cleared;
      for (const alert of cleared.value) this.broadcast({ event: 'alert', payload: alert });
      return ok({ cleared: cleared.value.length });
    },
    'stats.get': () =>
      ok({
        ...this.stats.snapshot({
          devices: this.registry.devices.size,
          channels: [...this.registry.devices.values()].reduce((n, d) => n + d.channels.size, 0),
          uptimeS: Math.round((this.clock() - this.startedMs) / 1000),
        }),
        aggregator: this.lease.isAggregator,
        lease: {
          clientId: this.lease.clientId,
          role: this.lease.role,
          holder: this.lease.holder?.clientId ?? null,
          since: this.lease.holder?.since ?? null,
        },
      }),
  };
}
