/**
 * Gen1 devices (Shelly 1PM, Shelly EM) speak their own bare-text topic tree under `shellies/<id>/`
 * (PROTOCOL.md §2). They carry no hierarchy, so Kilowatch lists them as "Unassigned" until staff
 * place them. Counters differ from Gen2: the 1PM counts watt-minutes since boot (back to 0 on every
 * reboot, by design); the EM keeps `total`/`total_returned` in Wh with 1 decimal across reboots.
 */
import { EnergyCounter, TwoWayCounter } from './energy-counter';
import { fixed, toJson, wh, type JsonObject } from './json';
import type { LoadSpec } from './load';
import { FIRMWARE, MODELS } from './models';
import type { Prng } from './prng';
import { RebootCycle } from './reboot-cycle';
import type { DeviceSpec } from './site-plan';
import type { DemoDevice, Outbound, SimDevice } from './types';
import { Meter } from './components/meter';

abstract class Gen1Device implements SimDevice {
  readonly info: DemoDevice;
  protected isOn = true;
  private readonly cycle = new RebootCycle();
  protected readonly base: string;

  constructor(protected readonly spec: DeviceSpec) {
    const model = MODELS[spec.family];
    this.info = {
      id: spec.id,
      prefix: spec.prefix,
      model: model.model,
      generation: 1,
      components: [...model.components],
      firmware: FIRMWARE.gen1.ver,
    };
    this.base = spec.prefix;
  }

  get isRebooting(): boolean {
    return this.cycle.isRebooting;
  }

  /** Meter up to `atMs` and sample the next power. */
  protected abstract advance(atMs: number): void;
  /** The periodic state topics (Gen1 republishes them every update period and on change). */
  protected abstract state(): Outbound[];
  /** Power-up after a reboot at `atMs`. */
  protected abstract restart(atMs: number): void;
  /** Whether the relay switches the metered load (1PM) or a separate contactor (EM). */
  protected abstract readonly relaySwitchesLoad: boolean;

  /** Gen1 does not retain `online` unless `mqtt_retain` is set; the demo keeps the default. */
  connect(): Outbound[] {
    return [{ topic: `${this.base}/online`, payload: 'true' }, ...this.announce(), ...this.state()];
  }

  tick(atMs: number): Outbound[] {
    if (!this.cycle.isRebooting) {
      this.advance(atMs);
      return this.state();
    }
    const step = this.cycle.step();
    if (step === 'went-offline') return this.disconnect();
    if (step !== 'booted') return [];
    this.restart(atMs);
    return this.connect();
  }

  announce(): Outbound[] {
    const payload = toJson({
      id: this.spec.id,
      model: MODELS[this.spec.family].model,
      mac: this.spec.mac,
      ip: this.spec.ip,
      new_fw: false,
      fw_ver: FIRMWARE.gen1.ver,
    });
    return [
      { topic: 'shellies/announce', payload },
      { topic: `${this.base}/announce`, payload },
    ];
  }

  /** Gen1 sends no restart event: it simply drops off (its will) and comes back. */
  reboot(atMs: number): Outbound[] {
    if (this.cycle.isRebooting) return [];
    this.advance(atMs);
    this.cycle.start();
    return [];
  }

  command(suffix: string, payload: string, atMs: number): Outbound[] {
    if (this.cycle.isRebooting) return [];
    if (suffix === 'command') {
      if (payload === 'announce') return this.announce();
      if (payload === 'update') return this.state();
      return [];
    }
    if (suffix !== 'relay/0/command') return [];
    const on =
      payload === 'on' ? true : payload === 'off' ? false : payload === 'toggle' ? !this.isOn : undefined;
    if (on === undefined) return [];
    // Book the energy at the old power before the relay changes it.
    if (this.relaySwitchesLoad) this.advance(atMs);
    this.isOn = on;
    if (this.relaySwitchesLoad) this.advance(atMs);
    return this.state();
  }

  disconnect(): Outbound[] {
    return [{ topic: `${this.base}/online`, payload: 'false' }];
  }
}

/** Shelly 1PM: `relay/0`, `relay/0/power` (W, 2 decimals), `relay/0/energy` (watt-minutes). */
export class Gen1Relay extends Gen1Device {
  protected readonly relaySwitchesLoad = true;
  private readonly meter: Meter;
  private readonly energy: EnergyCounter;

  constructor(spec: DeviceSpec, atMs: number, prng: Prng, load: LoadSpec, sinceBootMwh: number) {
    super(spec);
    this.meter = new Meter(load, atMs, prng);
    this.energy = new EnergyCounter(sinceBootMwh, atMs);
  }

  protected advance(atMs: number): void {
    this.meter.advance(atMs, this.isOn, (p, from, to) => this.energy.add(Math.abs(p), from, to));
  }

  /** 1 Wh = 60 watt-minutes, so 1 mWh = 0.06 watt-minutes; truncated so it never runs ahead. */
  private get wattMinutes(): number {
    return Math.floor((this.energy.mwh * 3) / 50);
  }

  protected state(): Outbound[] {
    return [
      { topic: `${this.base}/relay/0`, payload: this.isOn ? 'on' : 'off' },
      { topic: `${this.base}/relay/0/power`, payload: this.meter.powerW.toFixed(2) },
      { topic: `${this.base}/relay/0/energy`, payload: String(this.wattMinutes) },
    ];
  }

  /** The local HTTP `/status` (the fields a poller reads), metered up to `atMs`. */
  httpStatus(atMs: number): JsonObject {
    if (!this.isRebooting) this.advance(atMs);
    return {
      relays: [{ ison: this.isOn, has_timer: false, overpower: false, source: 'http' }],
      meters: [
        {
          power: fixed(this.meter.powerW, 2),
          overpower: fixed(0, 2),
          is_valid: true,
          timestamp: Math.floor(atMs / 1000),
          total: this.wattMinutes,
        },
      ],
      mac: this.spec.mac,
      unixtime: Math.floor(atMs / 1000),
    };
  }

  protected restart(atMs: number): void {
    this.energy.reset();
    this.meter.resume(atMs, this.isOn);
  }
}

/** Shelly EM: two CT channels `emeter/<i>/…`; `total`/`total_returned` Wh with 1 decimal. */
export class Gen1Emeter extends Gen1Device {
  protected readonly relaySwitchesLoad = false;
  private readonly meters: Meter[];
  private readonly counters: TwoWayCounter[];

  constructor(spec: DeviceSpec, atMs: number, prng: Prng, loads: LoadSpec[], totalsMwh: number[]) {
    super(spec);
    this.meters = loads.map((load) => new Meter(load, atMs, prng));
    this.counters = loads.map((_, i) => new TwoWayCounter(totalsMwh[i] ?? 0, 0, atMs));
  }

  protected advance(atMs: number): void {
    this.meters.forEach((m, i) => m.advance(atMs, true, (p, from, to) => this.counters[i]?.add(p, from, to)));
  }

  protected state(): Outbound[] {
    const out: Outbound[] = [{ topic: `${this.base}/relay/0`, payload: this.isOn ? 'on' : 'off' }];
    this.meters.forEach((m, i) => {
      const c = this.counters[i];
      if (!c) return;
      const t = `${this.base}/emeter/${i}`;
      out.push(
        { topic: `${t}/power`, payload: m.powerW.toFixed(2) },
        { topic: `${t}/reactive_power`, payload: (m.apparentVa * 0.05).toFixed(2) },
        { topic: `${t}/voltage`, payload: m.voltageV.toFixed(2) },
        { topic: `${t}/pf`, payload: m.pf.toFixed(2) },
        { topic: `${t}/total`, payload: wh(c.imported.mwh, 1).text },
        { topic: `${t}/total_returned`, payload: wh(c.exported.mwh, 1).text },
      );
    });
    return out;
  }

  protected restart(atMs: number): void {
    for (const c of this.counters) c.skipTo(atMs);
    for (const m of this.meters) m.resume(atMs, true);
  }
}
