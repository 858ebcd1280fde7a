/**
 * Asks Gen2+ devices for their configuration (`Shelly.GetConfig`), where staff named the channels
 * in the Shelly app (and a device first heard without a model, who it is: `Shelly.GetDeviceInfo`): once when a device is first seen (on connect every known device is asked with
 * the rest of its state, console.ts askForFreshState), and again when it says its configuration
 * changed. The answer comes back on our reply address and is read by shelly/config-names.ts.
 * Gen1 devices publish no names over MQTT (their `settings` are HTTP only), so they are not asked.
 */
import type { Device, SiteRegistry } from './site/registry';

/** `config_changed` is data anyone may publish: a device is asked at most this often. */
const MIN_INTERVAL_MS = 2_000;

export interface ConfigQueryDeps {
  registry: SiteRegistry;
  clientId: string;
  requestId(): number;
  publish(topic: string, payload: string): Promise<Error | null>;
  /** False for a device read some other way (polled over HTTP, a head office's site): never asked over MQTT. */
  isAskable(device: Device): boolean;
}

export class ConfigQuery {
  /** Device key → when it was last asked (wall clock: network timing, not the energy timeline). */
  private readonly askedAtMs = new Map<string, number>();
  /** Devices with a second ask waiting for the end of MIN_INTERVAL_MS. */
  private readonly waiting = new Set<string>();

  constructor(private readonly deps: ConfigQueryDeps) {}

  /** `id`: a Shelly id or device key, as `device.discovered` names devices. Asks once per device. */
  askOnce(id: string): void {
    const device = this.deps.registry.find(id);
    if (!device || this.askedAtMs.has(device.row.key)) return;
    this.ask(device);
    // A device that joined after the connect (just commissioned, just powered) has not been asked
    // who it is: its model and name come from Shelly.GetDeviceInfo, not from its status.
    if (device.row.generation === 2 && device.row.model === null && this.deps.isAskable(device))
      void this.send(device, 'Shelly.GetDeviceInfo');
  }

  /**
   * Asked by someone else (the connect asks every known device): hearing it again right after,
   * which after a restart is its discovery, must not ask twice.
   */
  noteAsked(device: Device): void {
    this.askedAtMs.set(device.row.key, Date.now());
  }

  /** Its configuration changed: ask now, or once at the end of the interval if just asked. */
  askAgain(device: Device): void {
    const key = device.row.key;
    const last = this.askedAtMs.get(key);
    const waitMs = last === undefined ? 0 : last + MIN_INTERVAL_MS - Date.now();
    if (waitMs <= 0) return this.ask(device);
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    setTimeout(() => {
      this.waiting.delete(key);
      this.ask(device);
    }, waitMs).unref();
  }

  private ask(device: Device): void {
    if (device.row.generation !== 2 || !this.deps.isAskable(device)) return;
    const key = device.row.key;
    this.askedAtMs.set(key, Date.now());
    // Not sent (no broker yet): the connect asks every known device anyway.
    void this.send(device, 'Shelly.GetConfig').then((e) => {
      if (e) this.askedAtMs.delete(key);
    });
  }

  private send(device: Device, method: string): Promise<Error | null> {
    const request = { id: this.deps.requestId(), src: this.deps.clientId, method };
    return this.deps.publish(`${device.row.key}/rpc`, JSON.stringify(request));
  }
}
