/**
 * The console's link to the broker: connecting with a profile, what arrives on it, what the
 * console asks devices for, and the aggregator lease that decides whether this console publishes
 * the totals (aggregator-lease.ts) among the consoles on one broker.
 */
import type {
  ConnectionProfile,
  ConnectionState,
  EventMessage,
  NodeTotals,
  RaisedAlert,
} from '../../shared/contract';
import type { ApiError } from '../../shared/result';
import { AggregatePublisher, publishTargets, type AggregatePublication } from './aggregate/publisher';
import { corefluxPublications, PythonPublisher } from './aggregate/coreflux-profiles';
import type { CorefluxProfile, PublishProfile } from './aggregate/publish-profiles';
import { discoveryConfigs, isDiscoveryConfigTopic } from './aggregate/ha-discovery';
import { DiscoveryState } from './aggregate/ha-discovery-state';
import {
  AggregatorLease,
  LEASE_CHECK_MS,
  LEASE_RENEW_MS,
  LEASE_SETTLE_MS,
  leaseTopic,
  type LeaseStep,
} from './aggregate/aggregator-lease';
import { BrokerConnection } from './broker/connection';
import { brokerOptions, safeBrokerUrl } from './broker/options';
import { alertId } from './alert-id';
import type { Device, SiteRegistry } from './site/registry';
import type { IngestStats } from './stats';
import type { MonthCost } from './aggregate/month-cost';

export interface BrokerLinkDeps {
  clientId: string;
  outPrefix: string;
  /** The topic layouts published (publish-profiles.ts); Kilowatch's own only with 'kilowatch'. */
  publishProfiles: readonly PublishProfile[];
  /** Home Assistant discovery's prefix when it is on (`[homeassistant]`), else null. */
  homeAssistantPrefix: string | null;
  isDemo: boolean;
  /** How often the aggregator lease is renewed (default LEASE_RENEW_MS; shorter in tests). */
  leaseRenewMs: number | undefined;
  registry: SiteRegistry;
  stats: IngestStats;
  clock: () => number;
  /** Every node's totals now, for publishing. */
  snapshot(): ReadonlyMap<string, NodeTotals>;
  /**
   * Once per publish run: each node's cost this month at `nowMs`, published with its aggregate;
   * undefined without a tariff.
   */
  monthCosts?: (nowMs: number) => ((node: string) => MonthCost | undefined) | undefined;
  /** A device's message (anything but the lease). */
  onDeviceMessage(topic: string, payload: Buffer, isRetained: boolean): void;
  alert(alert: RaisedAlert): void;
  broadcast(message: EventMessage): void;
  /** A device was asked for its configuration on connect (config-query.ts need not ask again). */
  configAsked(device: Device): void;
  /** False for a device read some other way (polled over HTTP, a head office's site): never asked over MQTT. */
  isAskable(device: Device): boolean;
}

/** How long a publish waits for a new link's lease before going on without one. */
const LEASE_DECISION_TIMEOUT_MS = 10_000;

const DISCONNECTED: ConnectionState = {
  status: 'disconnected',
  broker: null,
  subscribed: false,
  demo: false,
  tlsVerified: null,
  lastError: null,
  nextRetryAt: null,
};

export class BrokerLink {
  private connection: BrokerConnection | null = null;
  private profile: ConnectionProfile | null = null;
  private wasConnected = false;
  private publisher: AggregatePublisher;
  private outPrefix: string;
  private profiles: ReadonlySet<PublishProfile>;
  /** What `coreflux-python` last published, to publish only changes. */
  private readonly python = new PythonPublisher();
  private readonly componentRequests = new Map<string, number>();
  private nextRequestId = 1_000_000;
  /** Who publishes the aggregates among the consoles on this broker (aggregator-lease.ts). */
  private lease: AggregatorLease;
  private leaseTopic: string;
  /**
   * Pending from a connect (or a lost link) until the lease is decided on the new link: a publish
   * asked for meanwhile waits for it rather than being skipped as a standby's would be.
   */
  private leaseDecided: Promise<void> = Promise.resolve();
  private settleLeaseDecision: (() => void) | null = null;
  /** The broker took this connection only without its Last Will on the lease topic. */
  private isWillDropped = false;
  /** Home Assistant discovery configs on the broker (ha-discovery-state.ts); null when off. */
  private readonly discovery: DiscoveryState | null;
  /** Discovery without Kilowatch's own topics was said (once, until they are on again). */
  private saidDiscoveryIdle = false;

  constructor(private readonly deps: BrokerLinkDeps) {
    this.outPrefix = deps.outPrefix;
    this.profiles = new Set(deps.publishProfiles);
    this.publisher = new AggregatePublisher(deps.outPrefix);
    this.leaseTopic = leaseTopic(deps.outPrefix);
    this.lease = this.newLease(deps.clientId);
    this.discovery =
      deps.homeAssistantPrefix === null ? null : new DiscoveryState(deps.homeAssistantPrefix, deps.outPrefix);
  }

  /**
   * Publishes under a new prefix from now on (settings). A live link is made again: its Last Will
   * names the old lease topic, and the lease is held there. The old prefix's retained aggregates
   * are left on the broker, since another console may still publish there.
   */
  async setOutPrefix(prefix: string): Promise<ApiError | null> {
    const wasOn = this.connection !== null && this.connection.current.status !== 'disconnected';
    const profile = this.profile;
    await this.leave();
    this.outPrefix = prefix;
    this.discovery?.setOutPrefix(prefix);
    this.publisher = new AggregatePublisher(prefix);
    this.leaseTopic = leaseTopic(prefix);
    return wasOn && profile ? this.connect(profile) : null;
  }

  /** Publishes these topic layouts from now on; one turned on publishes everything at its next turn. */
  setPublishProfiles(profiles: readonly PublishProfile[]): void {
    const next = new Set(profiles);
    if (next.has('kilowatch') && !this.profiles.has('kilowatch')) this.publisher.forget();
    if (next.has('coreflux-python') && !this.profiles.has('coreflux-python')) this.python.forget();
    this.profiles = next;
  }

  /** The profile connected with last, if any. */
  get currentProfile(): ConnectionProfile | null {
    return this.profile;
  }

  /** The lease of this connection (a new one is made at every connect). */
  get currentLease(): AggregatorLease {
    return this.lease;
  }

  /** How often the lease is checked: renewals and expiry. */
  get leaseCheckMs(): number {
    return Math.min(LEASE_CHECK_MS, this.lease.renewMs / 6);
  }

  /** Lease renewals and expiry run on the wall clock (see decideLease). */
  pollLease(): void {
    this.leaseStep(this.lease.poll(Date.now()));
  }

  /** Publishes a command or request to a device; resolves with the failure, if any. */
  publish(topic: string, payload: string): Promise<Error | null> {
    return this.connection?.publish(topic, payload, false) ?? Promise.resolve(new Error('not connected'));
  }

  private newLease(clientId: string): AggregatorLease {
    return new AggregatorLease(clientId, LEASE_SETTLE_MS, this.deps.leaseRenewMs ?? LEASE_RENEW_MS);
  }

  private connectionChanged(state: ConnectionState): void {
    this.deps.broadcast({ event: 'connection.state', payload: this.withProfile(state) });
    const isConnected = state.status === 'connected';
    if (!isConnected) {
      this.lease.disconnected();
      this.awaitLeaseDecision();
    }
    if (isConnected === this.wasConnected) return;
    // A first failed attempt is reported by the caller; only a lost or regained link is news here.
    if (!isConnected && state.status === 'disconnected') {
      this.wasConnected = false;
      return;
    }
    const now = this.deps.clock();
    if (isConnected || this.wasConnected) {
      this.deps.alert({
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

  /** Publishes changed aggregates now; returns how many were published. */
  async publishAggregates(): Promise<number> {
    if (!this.profiles.has('kilowatch')) {
      await this.discoveryWithoutOwnTopics();
      return 0;
    }
    this.saidDiscoveryIdle = false;
    const connection = await this.aggregatorConnection();
    if (!connection) return 0;
    const now = this.deps.clock();
    const totals = this.deps.snapshot();
    const costOf = this.deps.monthCosts?.(now);
    const changes = this.publisher.changes(this.deps.registry, totals, now, costOf);
    // A failed publish is retried at the next interval.
    if (!(await this.publishAll(connection, changes, true))) this.publisher.forget();
    // After the aggregates, so a new entity's state topic already holds its figures.
    await this.publishDiscovery(connection, totals);
    return changes.length;
  }

  /**
   * Home Assistant discovery (ha-discovery.ts): retained configs for the nodes published now,
   * only those that changed, and empty ones for nodes that went away. Without `totals` every
   * config is retracted. A failed publish leaves the known set as it was: the next run retries.
   */
  private async publishDiscovery(
    connection: BrokerConnection,
    totals: ReadonlyMap<string, NodeTotals> | null,
  ): Promise<void> {
    const discovery = this.discovery;
    if (!discovery || this.deps.homeAssistantPrefix === null) return;
    const wanted = totals
      ? discoveryConfigs(publishTargets(this.deps.registry, new Map()), totals, {
          haPrefix: this.deps.homeAssistantPrefix,
          outPrefix: this.outPrefix,
          availabilityTopic: this.lease.role === 'unchecked' ? null : this.leaseTopic,
          names: this.deps.registry.names,
        })
      : [];
    const plan = discovery.plan(wanted);
    if (await this.publishAll(connection, plan, true)) discovery.done(plan);
  }

  /**
   * Discovery needs Kilowatch's own topics (HA's sensors read them): with them off it says so
   * once, and the aggregator takes its configs back rather than leave HA reading figures nobody
   * updates.
   */
  private async discoveryWithoutOwnTopics(): Promise<void> {
    if (!this.discovery) return;
    if (!this.saidDiscoveryIdle) {
      this.saidDiscoveryIdle = true;
      const now = this.deps.clock();
      this.deps.alert({
        id: alertId('ha-discovery-idle', now),
        at: new Date(now).toISOString(),
        severity: 'warning',
        kind: 'engine',
        message:
          'Home Assistant discovery is on, but the publish profiles leave out "kilowatch", whose topics ' +
          "Home Assistant's sensors read: no discovery configs are published until it is chosen again.",
      });
    }
    const connection = await this.aggregatorConnection();
    if (connection) await this.publishDiscovery(connection, null);
  }

  /**
   * Publishes a Coreflux profile's topics now (coreflux-profiles.ts), when it is on and this
   * console is the aggregator; returns how many. Not retained, as in the examples. QoS 1 where
   * the examples use 0: a subscriber's own QoS caps what it gets, so a QoS 0 dashboard sees the same.
   */
  async publishProfile(profile: CorefluxProfile): Promise<number> {
    if (!this.profiles.has(profile)) return 0;
    const connection = await this.aggregatorConnection();
    if (!connection) return 0;
    const totals = this.deps.snapshot();
    const targets = publishTargets(this.deps.registry, totals);
    const out = corefluxPublications(profile, this.python, targets, totals, this.deps.clock());
    if (!(await this.publishAll(connection, out, false)) && profile === 'coreflux-python')
      this.python.forget();
    return out.length;
  }

  /** The link to publish aggregates on, once the lease is decided; none for a standby or no link. */
  private async aggregatorConnection(): Promise<BrokerConnection | null> {
    if (this.connection?.isConnected && this.lease.role === 'deciding') await this.leaseDecisionOrTimeout();
    const connection = this.connection;
    // A standby counts everything (to take over with exact totals) but never publishes.
    return connection?.isConnected && this.lease.isAggregator ? connection : null;
  }

  /** True when every one was published. */
  private async publishAll(
    connection: BrokerConnection,
    publications: readonly AggregatePublication[],
    retain: boolean,
  ): Promise<boolean> {
    const results = await Promise.all(
      publications.map((c) => connection.publish(c.topic, c.payload, retain)),
    );
    return results.every((e) => e === null);
  }

  get state(): ConnectionState {
    if (!this.connection) return { ...DISCONNECTED, demo: this.deps.isDemo };
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
    const isEmbeddedDemo = this.deps.isDemo && profile.name === 'demo';
    const options = brokerOptions(profile, this.deps.clientId, !isEmbeddedDemo);
    if (!options.ok) return options.error;
    await this.leave();
    this.profile = profile;
    const filters = [...profile.subscribe, `${this.deps.clientId}/rpc`];
    this.lease = this.newLease(options.value.clientId ?? this.deps.clientId);
    this.awaitLeaseDecision();
    this.isWillDropped = false;
    // Dying without a goodbye empties the aggregator lease, so a standby takes over.
    const will = { topic: this.leaseTopic, payload: Buffer.alloc(0), qos: 1 as const, retain: true };
    const connection: BrokerConnection = new BrokerConnection(
      { ...options.value, will },
      safeBrokerUrl(profile.url),
      filters,
      {
        // A replaced link's last words (its close, after a new link started) are not this link's
        // state: they would mark the new lease disconnected while it decides.
        onState: (state) => {
          if (this.connection === connection) this.connectionChanged(state);
        },
        onMessage: (topic, payload, isRetained) => {
          if (topic === this.leaseTopic)
            this.leaseStep(this.lease.received(payload.toString('utf8'), isRetained, Date.now()));
          else {
            // Discovery configs are read back to know what to retract; ingest ignores them.
            if (this.discovery && this.deps.homeAssistantPrefix !== null)
              if (isDiscoveryConfigTopic(topic, this.deps.homeAssistantPrefix))
                this.discovery.seen(topic, payload);
            this.deps.onDeviceMessage(topic, payload, isRetained);
          }
        },
        onReady: () => {
          this.publisher.forget();
          this.discovery?.forget();
          // Before the lease, so the retained configs are in by the time the lease is decided.
          void this.subscribeDiscovery();
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
      this.deps.isDemo && profile.name === 'demo',
    );
    this.connection = connection;
    return connection.start();
  }

  /**
   * Every console of the group reads the discovery configs back (retained at connect, live since),
   * so whichever holds the lease knows what to retract. A broker that refuses it costs nothing
   * but retraction across restarts: the configs published from now on are still known.
   */
  private async subscribeDiscovery(): Promise<void> {
    const prefix = this.deps.homeAssistantPrefix;
    if (!this.connection || prefix === null) return;
    // Node and object ids cannot be matched in part: every sensor config comes, ours are kept.
    await this.connection.subscribeOptional(`${prefix}/sensor/+/+/config`);
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
    // A link replaced meanwhile: its answer is not the new link's decision, which must still wait.
    if (lease !== this.lease) return;
    // The link closed before the SUBACK: no answer from the broker, and the next connect retries.
    if (subscribed === 'lost') return this.leaseDecisionMade();
    this.leaseUnchecked(
      `The broker does not let Kilowatch read ${this.leaseTopic}, so it cannot see whether another ` +
        `console already publishes the totals; this one publishes them.`,
    );
  }

  /** No lease on this broker: this console publishes the totals alone, and says why. */
  private leaseUnchecked(why: string): void {
    this.leaseStep(this.lease.refused());
    this.leaseDecisionMade();
    const now = this.deps.clock();
    this.deps.alert({
      id: alertId('lease-refused', now),
      at: new Date(now).toISOString(),
      severity: 'warning',
      kind: 'broker',
      message: `${why} Allow read and write on ${this.outPrefix}/# for Kilowatch's user.`,
    });
  }

  /**
   * Listens for the retained lease, then claims it if nobody holds it. The lease is about network
   * timing, not the energy timeline, so it runs on the wall clock even when tests pin `clock`.
   */
  private decideLease(): void {
    const lease = this.lease;
    lease.subscribed(Date.now());
    const decide = () => {
      if (lease !== this.lease) return;
      this.leaseStep(lease.settled(Date.now()));
      this.leaseDecisionMade();
    };
    // Timers run before socket reads in an event-loop turn: after a stall (a busy machine) the
    // retained lease may be waiting unread when the timer fires. setImmediate runs after the
    // reads of the same turn, so it is handled first.
    setTimeout(() => setImmediate(decide), lease.settleMs).unref();
  }

  /** A new link (or none): publishing waits until its lease is decided. */
  private awaitLeaseDecision(): void {
    if (this.settleLeaseDecision) return;
    this.leaseDecided = new Promise((resolve) => {
      this.settleLeaseDecision = resolve;
    });
  }

  private leaseDecisionMade(): void {
    this.settleLeaseDecision?.();
    this.settleLeaseDecision = null;
  }

  /**
   * A link whose lease SUBACK never comes (a broker that neither answers nor drops it) must not
   * hold every publish for ever: after this long the caller goes on and finds no lease.
   */
  private leaseDecisionOrTimeout(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, LEASE_DECISION_TIMEOUT_MS);
      timer.unref();
      void this.leaseDecided.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private leaseStep(step: LeaseStep): void {
    if (step.invalid) this.deps.stats.reject(step.invalid, this.leaseTopic, this.deps.clock());
    if (step.publish !== undefined) void this.connection?.publish(this.leaseTopic, step.publish, true);
    // A new aggregator publishes everything, not just what changed since it last did.
    if (step.roleChanged && this.lease.isAggregator) {
      this.publisher.forget();
      this.python.forget();
      this.discovery?.forget();
    }
    if (step.expiredHolder !== undefined) {
      const now = this.deps.clock();
      const silentS = Math.round(this.lease.expiryMs / 1000);
      this.deps.alert({
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
  async leave(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const release = this.lease.release();
    if (release.publish !== undefined && connection.isConnected)
      await connection.publish(this.leaseTopic, release.publish, true);
    await connection.stop();
    // No link, no lease to wait for: a publish waiting on it goes on (and finds no link).
    this.leaseDecisionMade();
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
    for (const device of this.deps.registry.devices.values()) {
      if (device.row.generation !== 2 || !this.deps.isAskable(device)) continue;
      void connection.publish(`${device.row.key}/command`, 'status_update', false);
      for (const method of ['Shelly.GetDeviceInfo', 'Shelly.GetStatus', 'Shelly.GetConfig']) {
        const request = { id: this.nextRequestId++, src: this.deps.clientId, method };
        void connection.publish(`${device.row.key}/rpc`, JSON.stringify(request), false);
      }
      this.deps.configAsked(device);
    }
  }

  /** BTHome components mean nothing without their config: ask the gateway, at most every 10 min. */
  askForComponents(device: Device): void {
    const now = this.deps.clock();
    const last = this.componentRequests.get(device.row.key);
    if (last !== undefined && now - last < 600_000) return;
    this.componentRequests.set(device.row.key, now);
    const request = {
      id: this.nextRequestId++,
      src: this.deps.clientId,
      method: 'Shelly.GetComponents',
      params: { dynamic_only: true, include: ['config', 'status'] },
    };
    void this.connection?.publish(`${device.row.key}/rpc`, JSON.stringify(request), false);
  }
}
