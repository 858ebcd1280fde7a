/**
 * Asks every newly seen Gen2+ device for its status once, and a device for the state of its relays
 * and covers whenever the console has not heard it. Gen2+
 * devices notify their energy every minute but their `output` (and a cover's calibration) only
 * when it changes, so a relay first seen through its energy would otherwise show "Unknown" until
 * someone switched it. The answer arrives as an ordinary status and is read like any other.
 * Gen2+: `Shelly.GetStatus` to our reply address; Gen1: `update`, which republishes its state.
 */
import type { Device, SiteRegistry } from './site/registry';

const SWITCHABLE = /^(switch|relay):\d+$/;
const COVER = /^cover:\d+$/;
/** A device whose state stays unknown (it does not answer) is asked again at most this often. */
const QUERY_INTERVAL_MS = 60_000;

export interface StateQueryDeps {
  registry: SiteRegistry;
  clientId: string;
  requestId(): number;
  publish(topic: string, payload: string): Promise<Error | null>;
  /** False for a device read some other way (polled over HTTP, a head office's site): never asked over MQTT. */
  isAskable(device: Device): boolean;
}

export class StateQuery {
  /** Device key → when it was last asked (wall clock: network timing, not the energy timeline). */
  private readonly askedAtMs = new Map<string, number>();

  constructor(private readonly deps: StateQueryDeps) {}

  /** `id`: a Shelly id or device key, as `device.discovered` and `device.state` name devices. */
  askIfUnknown(id: string): void {
    const device = this.deps.registry.find(id);
    if (!device || device.memory.isOnline === false || !this.deps.isAskable(device)) return;
    const isUnknown = [...device.channels.keys()].some((component) => {
      if (SWITCHABLE.test(component)) return !device.outputs.has(component);
      if (!COVER.test(component)) return false;
      // A cover's energy notifications carry neither its calibration nor, at rest, its state.
      const cover = device.covers.get(component);
      return !cover || cover.state === null || cover.isCalibrated === null;
    });
    const key = device.row.key;
    // A newly seen Gen2+ device is asked once whatever it said: a relay without metering (a Pro 3
    // on fans, an EM's contactor) notifies nothing until switched, so only its status shows it.
    const isNew = device.row.generation === 2 && !this.askedAtMs.has(key);
    if (!isUnknown && !isNew) return;
    const now = Date.now();
    const last = this.askedAtMs.get(key);
    if (last !== undefined && now - last < QUERY_INTERVAL_MS) return;
    this.askedAtMs.set(key, now);
    const request = { id: this.deps.requestId(), src: this.deps.clientId, method: 'Shelly.GetStatus' };
    const [topic, payload] =
      device.row.generation === 2 ? [`${key}/rpc`, JSON.stringify(request)] : [`${key}/command`, 'update'];
    // Not sent (no broker yet): the next sign of the device may ask again.
    void this.deps.publish(topic, payload).then((e) => {
      if (e) this.askedAtMs.delete(key);
    });
  }
}
