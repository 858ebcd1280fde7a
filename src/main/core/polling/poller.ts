/**
 * One polled device: read it over HTTP at its interval, hand what it said to ingest as the MQTT
 * messages it would have sent, and when it does not answer, say it is offline (as its last will
 * would) and back off. Never throws: every failure is a reason, in words, or a backed-off retry.
 */
import type { RaisedAlert } from '../../../shared/contract';
import { alertId } from '../alert-id';
import { nodeId } from '../site/placement';
import { PollBackoff } from './backoff';
import { getJson, POLL_TIMEOUT_MS, type Credentials, type GetFailure } from '../device-http/http-get';
import type { PollTarget } from './poll-targets';
import {
  gen1Announce,
  gen1Status,
  gen2Announce,
  gen2FullStatus,
  onlineMessage,
  type PolledMessage,
} from './translate';

export interface PollerDeps {
  /** Ingest's one entry, for messages nobody retained (they are fresh readings). */
  deliver(message: PolledMessage): void;
  alert(alert: RaisedAlert): void;
  /** Whether the console knows the device already: an unknown one is not created by an offline. */
  isKnown(key: string): boolean;
  clock(): number;
}

type Read = { ok: true; messages: PolledMessage[] } | { ok: false; failure: GetFailure };

export class DevicePoller {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private isStopped = false;
  /** What this poller last told ingest: null before it said anything. */
  private saidOnline: boolean | null = null;
  /** Read once per contact: the device may have been swapped while it was away. */
  private identity: { id?: string } | null = null;
  private readonly backoff: PollBackoff;
  private readonly credentials: Credentials | undefined;
  /** Requests made (tests and diagnostics). */
  polls = 0;

  constructor(
    readonly target: PollTarget,
    private readonly deps: PollerDeps,
  ) {
    this.backoff = new PollBackoff(target.intervalMs);
    this.credentials =
      target.password !== undefined
        ? {
            username: target.username ?? 'admin',
            password: target.password,
            scheme: target.generation === 1 ? 'basic' : 'digest',
          }
        : undefined;
  }

  start(): void {
    this.schedule(0);
  }

  /** No new poll starts; one under way finishes (its messages are still read). */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.isStopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.pollOnce().finally(() => (this.inFlight = null));
    }, delayMs);
    this.timer.unref();
  }

  private async pollOnce(): Promise<void> {
    this.polls++;
    const read = await this.read();
    if (this.isStopped && !read.ok) return;
    if (read.ok) {
      for (const m of read.messages) this.deps.deliver(m);
      this.saidOnline = true;
      this.schedule(this.backoff.succeeded());
      return;
    }
    const isFirstFailure = this.backoff.failed === 0;
    this.identity = null;
    this.failed(read.failure, isFirstFailure);
    this.schedule(this.backoff.failedOnce());
  }

  private async read(): Promise<Read> {
    const { url, prefix, generation } = this.target;
    const messages: PolledMessage[] = [];
    if (this.saidOnline !== true) messages.push(onlineMessage(prefix, true));
    if (generation === 2) {
      if (!this.identity) {
        const info = await getJson(`${url}/rpc/Shelly.GetDeviceInfo`, this.credentials);
        if (!info.ok) return info;
        this.identity = typeof info.value.id === 'string' ? { id: info.value.id } : {};
        messages.push(gen2Announce(prefix, info.value));
      }
      const status = await getJson(`${url}/rpc/Shelly.GetStatus`, this.credentials);
      if (!status.ok) return status;
      messages.push(gen2FullStatus(prefix, this.identity.id, status.value));
      return { ok: true, messages };
    }
    if (!this.identity) {
      const shelly = await getJson(`${url}/shelly`, this.credentials);
      if (!shelly.ok) return shelly;
      this.identity = {};
      messages.push(gen1Announce(prefix, shelly.value));
    }
    const status = await getJson(`${url}/status`, this.credentials);
    if (!status.ok) return status;
    messages.push(...gen1Status(prefix, status.value));
    return { ok: true, messages };
  }

  /**
   * Offline as the broker's last will would say it (ingest raises "went offline" for a device
   * that was online); a refused password, or a device never reached, is said in an alert of its own.
   */
  private failed(failure: GetFailure, isFirstFailure: boolean): void {
    const { prefix } = this.target;
    const isKnown = this.deps.isKnown(prefix);
    if (isKnown && this.saidOnline !== false) {
      this.deps.deliver(onlineMessage(prefix, false));
      this.saidOnline = false;
    }
    if (!isFirstFailure) return;
    if (failure.kind !== 'auth' && isKnown) return;
    const atMs = this.deps.clock();
    this.deps.alert({
      id: alertId(`poll:${prefix}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: failure.kind === 'auth' ? 'error' : 'warning',
      kind: 'device-offline',
      message: this.words(failure),
      node: nodeId.device(prefix),
      detail: { url: this.target.url, prefix, failure },
    });
  }

  /** What went wrong, for the staff who read the alert. */
  private words(failure: GetFailure): string {
    const { url, prefix } = this.target;
    const who = `The Shelly polled at ${url} (${prefix})`;
    const retry = 'Kilowatch keeps trying, less often while it fails.';
    switch (failure.kind) {
      case 'auth':
        return failure.hadCredentials
          ? `${who} refused the user name "${this.credentials?.username ?? ''}" or its password ` +
              `(HTTP ${failure.status}). Passwords are case-sensitive: check the file named by passwordFile ` +
              `in its [[poll]] entry. ${retry}`
          : `${who} asks for a password (HTTP ${failure.status}). Add username and passwordFile to its ` +
              `[[poll]] entry in kilowatch.toml. ${retry}`;
      case 'timeout':
        return `${who} did not answer within ${POLL_TIMEOUT_MS / 1000} s. Check that it is powered and on the network. ${retry}`;
      case 'unreachable':
        return `${who} could not be reached (${failure.detail}). Check its address and that it is powered. ${retry}`;
      case 'http':
        return `${who} answered HTTP ${failure.status} instead of its status. Check its address and generation. ${retry}`;
      case 'not-json':
        return `${who} answered with something that is not a Shelly's status (${failure.detail}). Check its address and generation. ${retry}`;
    }
  }
}
