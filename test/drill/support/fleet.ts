/**
 * Simulated Plus 1PM / Plus 2PM devices for the fault drills. Each is its own MQTT client (as real
 * devices are), meters energy on its switch channels whether or not it can publish, and reports a
 * NotifyStatus per channel (PROTOCOL.md §3.3, one aenergy update per channel) only while its
 * broker connection is up. What the broker acknowledged is the ground truth the drills check the
 * console against: the energy of a channel is its last acknowledged counter minus its first.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { tsText, whText } from '../../support/gen-plus1pm';
import type { Rng } from './prng';

/** mWh → the engine's integer units (1 Wh = 60 000 units, PROTOCOL.md §6.1). */
export const UNITS_PER_MWH = 60;

export interface DeviceClock {
  /** `params.ts`: epoch seconds when synced, seconds since boot before SNTP. */
  tsS: number;
  /** `aenergy.minute_ts`. */
  minuteTsS: number;
}

/** A NotifyStatus with an aenergy update of one switch channel, numbers printed as the firmware does. */
export function switchNotify(
  src: string,
  prefix: string,
  id: number,
  clock: DeviceClock,
  totalMWh: number,
): string {
  return (
    `{"src":"${src}","dst":"${prefix}/events","method":"NotifyStatus","params":{"ts":${tsText(clock.tsS)},` +
    `"switch:${id}":{"id":${id},"aenergy":{"by_minute":[0.000,0.000,0.000],` +
    `"minute_ts":${Math.floor(clock.minuteTsS)},"total":${whText(totalMWh)}}}}}`
  );
}

export interface SimChannel {
  component: string;
  /** Contract node id, `channel:<prefix>|switch:N`. */
  node: string;
  /** What the device has metered so far, mWh. */
  counterMWh: number;
  /** The first reading the broker acknowledged: the console's baseline (rule 3). */
  firstSentMWh: number | null;
  lastSentMWh: number | null;
}

export type Model = 'plus1pm' | 'plus2pm';

export class SimDevice {
  readonly src: string;
  readonly channels: SimChannel[];
  /** Messages the broker acknowledged, and those sent and not acknowledged yet. */
  acknowledged = 0;
  pending = 0;
  private client: MqttClient | null = null;

  constructor(
    readonly prefix: string,
    model: Model,
    n: number,
    startMWh: number,
  ) {
    this.src = `shelly${model}-${(0xa8032ab10000 + n).toString(16).padStart(12, '0').slice(-12)}`;
    const count = model === 'plus2pm' ? 2 : 1;
    this.channels = Array.from({ length: count }, (_, id) => ({
      component: `switch:${id}`,
      node: `channel:${prefix}|switch:${id}`,
      counterMWh: startMWh + id * 1_234_567,
      firstSentMWh: null,
      lastSentMWh: null,
    }));
  }

  /** `Site/Office/Room1` of `Site/Office/Room1/Dev1`. */
  get room(): string {
    return this.prefix.split('/').slice(0, 3).join('/');
  }

  get isConnected(): boolean {
    return this.client?.connected === true;
  }

  /**
   * Connects; with `reconnect` the client comes back by itself after the broker restarts, as a
   * device's firmware does.
   */
  async connect(brokerUrl: string, reconnect: boolean): Promise<void> {
    this.client = await mqtt.connectAsync(brokerUrl, {
      clientId: `${this.src}-${process.pid}`,
      clean: true,
      reconnectPeriod: reconnect ? 150 : 0,
      connectTimeout: 5_000,
    });
    // A refused reconnect while the broker is down is expected; the client keeps trying.
    this.client.on('error', () => undefined);
  }

  /** The device meters this much more on each channel (mWh), published or not. */
  meter(risesMWh: number[]): void {
    this.channels.forEach((c, i) => (c.counterMWh += risesMWh[i] ?? 0));
  }

  /**
   * One NotifyStatus per channel with the counters now. Resolves true once the broker has
   * acknowledged all of them, false when the device is offline (it skips the report, as a real
   * one does). A report cut off by a broker going away never resolves; callers that run through
   * faults do not wait for it.
   */
  report(clock: DeviceClock | ((channel: SimChannel) => DeviceClock)): Promise<boolean> {
    const client = this.client;
    if (!client?.connected) return Promise.resolve(false);
    return Promise.all(
      this.channels.map((channel, id) => {
        const value = channel.counterMWh;
        const at = typeof clock === 'function' ? clock(channel) : clock;
        const payload = switchNotify(this.src, this.prefix, id, at, value);
        this.pending++;
        return new Promise<void>((done, fail) =>
          client.publish(`${this.prefix}/events/rpc`, payload, { qos: 1 }, (error) => {
            this.pending--;
            if (error) return fail(error);
            this.acknowledged++;
            channel.firstSentMWh ??= value;
            channel.lastSentMWh = Math.max(channel.lastSentMWh ?? value, value);
            done();
          }),
        );
      }),
    ).then(() => true);
  }

  /** Any other message on the device's own topics (`online`, a copy of an old reading). */
  async send(suffix: string, payload: string): Promise<void> {
    if (!this.client) throw new Error(`${this.prefix} is not connected`);
    await this.client.publishAsync(`${this.prefix}/${suffix}`, payload, { qos: 1 });
    this.acknowledged++;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.endAsync(true).catch(() => undefined);
  }
}

/** The drills' site: Plus 1PM and Plus 2PM devices spread over two rooms of one office. */
export function drillFleet(count: number, rng: Rng): SimDevice[] {
  return Array.from({ length: count }, (_, i) => {
    const room = `Room${(i % 2) + 1}`;
    const model: Model = i % 2 === 0 ? 'plus1pm' : 'plus2pm';
    return new SimDevice(`Site/Office/${room}/Dev${i + 1}`, model, i + 1, rng.int(0, 50_000_000));
  });
}

/** Rises for one device-minute: a quarter of the readings do not change (rule 8), the rest 1–3 Wh. */
export function minuteRises(device: SimDevice, rng: Rng): number[] {
  return device.channels.map(() => (rng.next() < 0.25 ? 0 : rng.int(1, 3_000)));
}

/**
 * Devices whose clocks are synced, one device-minute per step: aenergy.minute_ts of step i is
 * `firstMinuteS + 60 i`. The keys start far enough in the past that `maxSteps` never reach the
 * future (a key more than 300 s ahead would not be trusted, §5.3).
 */
export class MinuteStream {
  step = 0;
  private readonly firstMinuteS: number;

  constructor(
    readonly devices: SimDevice[],
    private readonly rng: Rng,
    private readonly maxSteps: number,
  ) {
    this.firstMinuteS = Math.floor(Date.now() / 60_000) * 60 - 60 * (maxSteps + 5);
  }

  get isExhausted(): boolean {
    return this.step >= this.maxSteps;
  }

  /** Every device meters a minute and reports it if it can; resolves when all reports are acknowledged. */
  next(): Promise<boolean[]> {
    if (this.isExhausted) throw new Error(`the stream is out of minutes (${this.maxSteps})`);
    const minuteTsS = this.firstMinuteS + 60 * this.step++;
    return Promise.all(
      this.devices.map((d) => {
        d.meter(minuteRises(d, this.rng));
        return d.report({ minuteTsS, tsS: minuteTsS + 0.41 });
      }),
    );
  }
}

export const publishedMessages = (devices: SimDevice[]): number =>
  devices.reduce((n, d) => n + d.acknowledged, 0);
