/**
 * Owns the one mqtt.js client and maps its events (connect, close, offline, error, end) onto a
 * single ConnectionState. Reconnects are ours: exponential backoff with jitter, capped, and slow
 * when the broker keeps rejecting the credentials so it is not hammered.
 *
 * A broker that stops answering (frozen, or a link that drops packets without closing) leaves
 * TCP open: mqtt.js notices only after 1.5 keepalives (45 s at 30 s). So the connection watches
 * liveness itself: an idle link is probed with PINGREQ, and one silent for `stallMs` is closed
 * and reconnected, whatever keepalive the profile or an MQTT 5 broker chose.
 *
 * A Last Will can cost the whole connection: brokers that check the will topic against the ACL at
 * CONNECT (EMQX; Mosquitto 1.x auth plugins; not Mosquitto 2, which checks it only when the will
 * fires) refuse a user who may not write it as "not authorised". When the owner says its will is
 * optional (`onWillDropped`), such a refusal is retried at once without the will; if that one is
 * refused too, the will was not the reason and the first refusal is reported.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ConnectionState } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';
import { brokerError } from './broker-error';
import { readInSlices } from './message-slices';
import { refusedFilters, subackRefusal, subscribeRefusal } from './refusals';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const AUTH_BACKOFF_MS = 120_000;

export interface LivenessTiming {
  /** A link this long without a packet from the broker is probed with a PINGREQ (then again). */
  probeAfterMs: number;
  /** This long without any packet, despite the probes, and the broker counts as stopped. */
  stallMs: number;
  /** How often silence is measured: a stall is noticed at most this late. */
  checkEveryMs: number;
}

/**
 * Noticed within 16 s of the broker's last packet. A busy site sends many packets a second and
 * is never probed; an idle one costs one 2-byte PINGREQ/PINGRESP pair per 5 s.
 */
export const LIVENESS: LivenessTiming = { probeAfterMs: 5_000, stallMs: 15_000, checkEveryMs: 1_000 };

/** How long `stop` waits for a polite DISCONNECT before it drops the socket (a frozen broker). */
const STOP_GRACE_MS = 2_000;

export interface ConnectionHandlers {
  onState(state: ConnectionState): void;
  onMessage(topic: string, payload: Buffer, isRetained: boolean): void;
  /** Called after each successful (re)connect and subscribe: the console asks devices for fresh state. */
  onReady?(isSessionPresent: boolean): void;
  /**
   * Its presence makes the will optional (see the top of this file): called once the broker has
   * taken the connection without it, before `onReady`. Later reconnects go without the will too.
   */
  onWillDropped?(): void;
}

/** What became of a subscription the console can do without. */
export type OptionalSubscription =
  /** SUBACK granted it. */
  | 'granted'
  /** SUBACK refused it (0x80, or an MQTT 5 reason code ≥ 0x80): the broker's answer. */
  | 'refused'
  /** No SUBACK: the link closed first (or was not up), so nothing is known; the next connect asks again. */
  | 'lost';

export class BrokerConnection {
  private client: MqttClient | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private state: ConnectionState;
  private wantConnected = false;
  private watchdog: NodeJS.Timeout | null = null;
  /**
   * Publishes waiting for their PUBACK. Each retry is a new mqtt.js client, which never calls
   * back what the old one had in flight: they are answered with an error when the link closes.
   */
  private readonly inFlight = new Set<(e: Error) => void>();
  /** The broker refused the connection with the will and it is being tried without: that refusal. */
  private willRefusal: ApiError | null = null;
  /** Connecting without the will (the broker refused it, and took the connection without). */
  private isWillDropped = false;

  constructor(
    private readonly options: IClientOptions,
    private readonly displayUrl: string,
    private readonly filters: readonly string[],
    private readonly handlers: ConnectionHandlers,
    private readonly isDemo: boolean,
    private readonly liveness: LivenessTiming = LIVENESS,
  ) {
    const isTls = options.protocol === 'mqtts' || options.protocol === 'wss';
    this.state = {
      status: 'disconnected',
      broker: displayUrl,
      subscribed: false,
      demo: isDemo,
      tlsVerified: isTls ? options.rejectUnauthorized !== false : null,
      lastError: null,
      nextRetryAt: null,
    };
  }

  get current(): ConnectionState {
    return this.state;
  }

  private update(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch };
    this.handlers.onState(this.state);
  }

  /** Resolves once connected and subscribed, or with the first error (reconnecting continues). */
  start(): Promise<ApiError | null> {
    this.wantConnected = true;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (e: ApiError | null) => {
        if (!settled) {
          settled = true;
          resolve(e);
        }
      };
      this.open(settle);
    });
  }

  private open(settle: (e: ApiError | null) => void): void {
    this.update({ status: this.attempts === 0 ? 'connecting' : 'reconnecting', nextRetryAt: null });
    const { will: _will, ...withoutWill } = this.options;
    const options = this.isWillDropped ? withoutWill : this.options;
    const client = mqtt.connect({ ...options, reconnectPeriod: 0 });
    this.client = client;
    readInSlices(client);
    let failure: ApiError | null = null;
    let isAccepted = false;

    client.on('connect', (connack) => {
      isAccepted = true;
      this.attempts = 0;
      if (this.willRefusal) {
        this.willRefusal = null;
        this.handlers.onWillDropped?.();
      }
      this.update({ status: 'connected', lastError: null });
      this.watch(client, (silentMs) => {
        failure = {
          code: 'timeout',
          message: `The broker at ${this.displayUrl} stopped answering (no reply for ${Math.round(silentMs / 1000)} s).`,
        };
        this.update({ lastError: failure });
        // Destroys the socket: 'close' below then schedules the reconnect like any lost link.
        client.end(true);
      });
      const isSessionPresent = connack.sessionPresent === true;
      // MQTT 5 "no local": our own publishes under a subscribed root (RPC requests to
      // `<prefix>/rpc`, aggregates) are never sent back to us. 3.1.1 cannot ask; the decoder
      // ignores them there.
      const noLocal = this.options.protocolVersion === 5 ? { nl: true } : {};
      client.subscribe([...this.filters], { qos: 1, ...noLocal }, (error, granted, packet) => {
        // mqtt.js 5 reports refusals through `error` too, so the codes are read before the error.
        const codes = packet?.granted ?? (granted ?? []).map((g) => g.qos);
        const refusal = subscribeRefusal(refusedFilters(this.filters, codes));
        if (refusal) {
          this.update({ subscribed: false, lastError: refusal });
          settle(refusal);
          return;
        }
        if (error) {
          const e = brokerError(error, this.displayUrl);
          this.update({ subscribed: false, lastError: e });
          settle(e);
          return;
        }
        this.update({ subscribed: true });
        this.handlers.onReady?.(isSessionPresent);
        settle(null);
      });
    });
    client.on('message', (topic, payload, packet) => this.handlers.onMessage(topic, payload, packet.retain));
    client.on('error', (error) => {
      failure = brokerError(error, this.displayUrl);
      this.update({ lastError: failure });
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.unwatch();
      this.failInFlight();
      if (!isAccepted && this.mayDropWill(failure)) {
        this.willRefusal = failure;
        this.isWillDropped = true;
        client.removeAllListeners();
        this.open(settle);
        return;
      }
      if (!isAccepted && this.willRefusal) {
        // Refused without the will too: the will was not why. Say what the broker first said.
        failure = this.willRefusal;
        this.willRefusal = null;
        this.isWillDropped = false;
        this.update({ lastError: failure });
      }
      this.update({ status: this.wantConnected ? 'reconnecting' : 'disconnected', subscribed: false });
      settle(
        failure ?? {
          code: 'broker-unreachable',
          message: `The connection to ${this.displayUrl} was closed.`,
        },
      );
      if (this.wantConnected) this.scheduleRetry(failure);
    });
  }

  /** A CONNACK refusal as not authorised, with a will its owner can do without. */
  private mayDropWill(failure: ApiError | null): boolean {
    const isNotAuthorized = failure?.code === 'auth-rejected' || failure?.code === 'not-authorized';
    return (
      isNotAuthorized &&
      !this.isWillDropped &&
      this.options.will !== undefined &&
      this.handlers.onWillDropped !== undefined
    );
  }

  /** Calls `onStall` once when the broker has sent nothing for `stallMs`, probing it before. */
  private watch(client: MqttClient, onStall: (silentMs: number) => void): void {
    this.unwatch();
    const { probeAfterMs, stallMs, checkEveryMs } = this.liveness;
    let lastHeardMs = Date.now();
    let lastProbeMs = 0;
    let lastCheckMs = lastHeardMs;
    client.on('packetreceive', () => {
      lastHeardMs = Date.now();
    });
    this.watchdog = setInterval(() => {
      const now = Date.now();
      // A check this late means this process was busy or asleep (a long rebuild, a laptop lid):
      // the broker's packets may be waiting unread in the socket, so silence counts from now.
      if (now - lastCheckMs > probeAfterMs) lastHeardMs = now;
      lastCheckMs = now;
      const silentMs = now - lastHeardMs;
      if (silentMs >= stallMs) {
        this.unwatch();
        onStall(silentMs);
      } else if (silentMs >= probeAfterMs && now - lastProbeMs >= probeAfterMs) {
        lastProbeMs = now;
        client.sendPing();
      }
    }, checkEveryMs);
    this.watchdog.unref();
  }

  private failInFlight(): void {
    for (const fail of this.inFlight) fail(new Error('the connection closed before the broker confirmed'));
    this.inFlight.clear();
  }

  private unwatch(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  private scheduleRetry(failure: ApiError | null): void {
    if (this.retryTimer) return;
    this.attempts++;
    const base =
      failure?.code === 'auth-rejected' || failure?.code === 'not-authorized'
        ? AUTH_BACKOFF_MS
        : Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(this.attempts - 1, 10));
    // Full jitter keeps a fleet of consoles from reconnecting in lockstep after a broker restart.
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    this.update({ status: 'reconnecting', nextRetryAt: new Date(Date.now() + delay).toISOString() });
    const old = this.client;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      old?.removeAllListeners();
      old?.end(true);
      if (this.wantConnected) this.open(() => undefined);
    }, delay);
  }

  /** "Reconnect now": skip the remaining backoff. */
  reconnectNow(): void {
    this.unwatch();
    this.failInFlight();
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.attempts = 0;
    this.client?.removeAllListeners();
    this.client?.end(true);
    this.wantConnected = true;
    this.open(() => undefined);
  }

  publish(topic: string, payload: string, retain: boolean): Promise<Error | null> {
    const client = this.client;
    if (!client?.connected) return Promise.resolve(new Error('not connected'));
    return new Promise((resolve) => {
      this.inFlight.add(resolve);
      client.publish(topic, payload, { qos: 1, retain }, (e) => {
        this.inFlight.delete(resolve);
        resolve(e ?? null);
      });
    });
  }

  subscribeExtra(filter: string): void {
    this.client?.subscribe(filter, { qos: 1 });
  }

  /**
   * A subscription the console can do without (the aggregator lease): a refusal never fails the
   * connection the way a refused device filter does.
   */
  subscribeOptional(filter: string): Promise<OptionalSubscription> {
    const client = this.client;
    if (!client?.connected) return Promise.resolve('lost');
    return new Promise((resolve) =>
      client.subscribe(filter, { qos: 1 }, (error, _granted, packet) => {
        // Only a SUBACK carries the broker's answer (mqtt.js passes it with a refusal's error too);
        // `granted` echoes the QoS asked for, and a link closed first calls back with no packet.
        const code = packet?.granted?.[0];
        if (code !== undefined && subackRefusal(Number(code)) !== null) resolve('refused');
        else resolve(error ? 'lost' : 'granted');
      }),
    );
  }

  get isConnected(): boolean {
    return this.client?.connected === true;
  }

  async stop(): Promise<void> {
    this.wantConnected = false;
    this.unwatch();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    if (client)
      await new Promise<void>((resolve) => {
        // A frozen broker never acknowledges what is in flight, and end(false) waits for that.
        const timer = setTimeout(() => {
          client.stream?.destroy();
          resolve();
        }, STOP_GRACE_MS);
        client.end(false, {}, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    this.failInFlight();
    this.update({ status: 'disconnected', subscribed: false, nextRetryAt: null });
  }
}
