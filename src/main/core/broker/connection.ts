/**
 * Owns the one mqtt.js client and maps its events (connect, close, offline, error, end) onto a
 * single ConnectionState. Reconnects are ours: exponential backoff with jitter, capped, and slow
 * when the broker keeps rejecting the credentials so it is not hammered.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ConnectionState } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';
import { brokerError } from './broker-error';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const AUTH_BACKOFF_MS = 120_000;

export interface ConnectionHandlers {
  onState(state: ConnectionState): void;
  onMessage(topic: string, payload: Buffer, isRetained: boolean): void;
  /** Called after each successful (re)connect and subscribe: the console asks devices for fresh state. */
  onReady?(isSessionPresent: boolean): void;
}

export class BrokerConnection {
  private client: MqttClient | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private state: ConnectionState;
  private wantConnected = false;

  constructor(
    private readonly options: IClientOptions,
    private readonly displayUrl: string,
    private readonly filters: readonly string[],
    private readonly handlers: ConnectionHandlers,
    private readonly isDemo: boolean,
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
    const client = mqtt.connect({ ...this.options, reconnectPeriod: 0 });
    this.client = client;
    let failure: ApiError | null = null;

    client.on('connect', (connack) => {
      this.attempts = 0;
      this.update({ status: 'connected', lastError: null });
      const isSessionPresent = connack.sessionPresent === true;
      client.subscribe([...this.filters], { qos: 1 }, (error, granted, packet) => {
        // SUBACK 0x80 (3.1.1) and reason codes ≥ 0x80 (5.0, e.g. 0x87 not authorised) are refusals.
        // mqtt.js 5 reports them through `error`, so the codes are read before the error.
        const codes = packet?.granted ?? (granted ?? []).map((g) => g.qos);
        const refused = this.filters.filter((_, i) => Number(codes[i] ?? 0) >= 0x80);
        if (refused.length > 0) {
          const e: ApiError = {
            code: 'not-authorized',
            message: `The broker does not allow subscribing to ${refused.join(', ')}. Ask for read access to it, or change the topic filter.`,
          };
          this.update({ subscribed: false, lastError: e });
          settle(e);
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
    return new Promise((resolve) =>
      client.publish(topic, payload, { qos: 1, retain }, (e) => resolve(e ?? null)),
    );
  }

  subscribeExtra(filter: string): void {
    this.client?.subscribe(filter, { qos: 1 });
  }

  get isConnected(): boolean {
    return this.client?.connected === true;
  }

  async stop(): Promise<void> {
    this.wantConnected = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    if (client) await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    this.update({ status: 'disconnected', subscribed: false, nextRetryAt: null });
  }
}
