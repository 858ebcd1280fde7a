/**
 * One simulated Gen2+ device: its components, its `sys`, its reboots and what it answers on its
 * own topics (`<prefix>/rpc`, `<prefix>/command`, `<prefix>/command/switch:N`).
 */
import type { Gen2Component } from './components/component';
import { CoverComponent, type CoverMove } from './components/cover-component';
import { SwitchComponent } from './components/switch-component';
import {
  notifyEvent,
  notifyFullStatus,
  notifyStatus,
  rpcReply,
  statusMessage,
  tsOf,
  type Gen2Address,
} from './gen2-frames';
import { handleRpc, parseRpcRequest, type RpcDevice } from './gen2-rpc';
import { systemStatus, sortedKeys } from './gen2-system';
import { scaled, toJson, type JsonObject, type JsonValue } from './json';
import { FIRMWARE, MODELS } from './models';
import type { Prng } from './prng';
import { RebootCycle } from './reboot-cycle';
import type { DeviceSpec } from './site-plan';
import type { DemoDevice, Outbound, SimDevice } from './types';

export class Gen2Device implements SimDevice, RpcDevice {
  readonly info: DemoDevice;
  private readonly address: Gen2Address;
  private readonly switches = new Map<number, SwitchComponent>();
  private readonly covers = new Map<number, CoverComponent>();
  private readonly cycle = new RebootCycle();
  private resetReason = 1;

  constructor(
    private readonly spec: DeviceSpec,
    private readonly parts: readonly Gen2Component[],
    private bootAtMs: number,
    private readonly prng: Prng,
  ) {
    const model = MODELS[spec.family];
    const firmware = spec.isOldFirmware ? FIRMWARE.old : FIRMWARE.current;
    this.info = {
      id: spec.id,
      prefix: spec.prefix,
      model: model.model,
      generation: model.generation,
      components: parts.flatMap((c) => [...c.keys]),
      firmware: firmware.ver,
    };
    this.address = { id: spec.id, prefix: spec.prefix };
    for (const c of parts) {
      if (c instanceof SwitchComponent) this.switches.set(c.id, c);
      if (c instanceof CoverComponent) this.covers.set(c.id, c);
    }
  }

  get isRebooting(): boolean {
    return this.cycle.isRebooting;
  }

  /** `online` is retained by the device (PROTOCOL.md §3.5); the full status follows the connect. */
  connect(atMs: number): Outbound[] {
    return [
      { topic: `${this.spec.prefix}/online`, payload: 'true', retain: true },
      notifyFullStatus(this.address, atMs, this.fullStatus(atMs)),
    ];
  }

  tick(atMs: number): Outbound[] {
    if (this.cycle.isRebooting) return this.rebootStep(atMs);
    let changes: JsonObject = {};
    for (const c of this.parts) {
      c.advance(atMs);
      changes = { ...changes, ...c.changes() };
    }
    return Object.keys(changes).length > 0 ? [notifyStatus(this.address, tsOf(atMs), changes)] : [];
  }

  announce(): Outbound[] {
    const payload = toJson(this.deviceInfo());
    return [
      { topic: `${this.spec.prefix}/announce`, payload },
      { topic: 'shellies/announce', payload },
    ];
  }

  reboot(atMs: number, delayMs = 1000): Outbound[] {
    if (this.cycle.isRebooting) return [];
    // Book the energy metered up to the restart; the time the device is down is not metered.
    for (const c of this.parts) c.advance(atMs);
    this.cycle.start();
    return [
      notifyEvent(this.address, atMs, [{ component: 'sys', event: 'scheduled_restart', time_ms: delayMs }]),
    ];
  }

  command(suffix: string, payload: string, atMs: number): Outbound[] {
    if (this.cycle.isRebooting) return []; // nobody is listening while it restarts
    if (suffix === 'rpc') return this.rpc(payload, atMs);
    if (suffix === 'command') {
      if (payload === 'status_update') return [statusMessage(this.address, null, this.fullStatus(atMs))];
      if (payload === 'announce') return this.announce();
      return [];
    }
    const m = /^command\/switch:(\d+)$/.exec(suffix);
    if (!m) return [];
    const id = Number(m[1]);
    if (payload === 'status_update') {
      const status = this.switchStatus(id);
      return status === undefined ? [] : [statusMessage(this.address, `switch:${id}`, status)];
    }
    // `on,<seconds>` flip-back timers are not simulated; like unknown text they change nothing.
    const on =
      payload === 'on' ? true : payload === 'off' ? false : payload === 'toggle' ? 'toggle' : undefined;
    if (on === undefined) return [];
    return this.setSwitch(id, on, atMs)?.after ?? [];
  }

  disconnect(): Outbound[] {
    return [{ topic: `${this.spec.prefix}/online`, payload: 'false' }];
  }

  // ——— RpcDevice ———

  setSwitch(
    id: number,
    on: boolean | 'toggle',
    atMs: number,
  ): { wasOn: boolean; after: Outbound[] } | undefined {
    const sw = this.switches.get(id);
    if (!sw) return undefined;
    const wasOn = sw.set(on === 'toggle' ? !sw.output : on, atMs, 'MQTT');
    const after = [notifyStatus(this.address, tsOf(atMs), sw.outputChange())];
    const power = sw.powerChange();
    if (power) after.push(notifyStatus(this.address, tsOf(atMs), power));
    after.push(statusMessage(this.address, sw.key, sw.status()[sw.key] ?? null));
    return { wasOn, after };
  }

  moveCover(id: number, move: CoverMove, atMs: number): { after: Outbound[] } | undefined {
    const cover = this.covers.get(id);
    if (!cover) return undefined;
    cover.move(move, atMs, 'MQTT');
    return { after: [notifyStatus(this.address, tsOf(atMs), cover.moveChange())] };
  }

  coverStatus(id: number): JsonValue | undefined {
    const cover = this.covers.get(id);
    return cover?.status()[cover.key];
  }

  switchStatus(id: number): JsonValue | undefined {
    const sw = this.switches.get(id);
    return sw?.status()[sw.key];
  }

  fullStatus(atMs: number): JsonObject {
    const model = MODELS[this.spec.family];
    const system = systemStatus({
      mac: this.spec.mac,
      ip: this.spec.ip,
      model,
      atMs,
      bootAtMs: this.bootAtMs,
      resetReason: this.resetReason,
      isOldFirmware: this.spec.isOldFirmware,
      currentVersion: FIRMWARE.current.ver,
    });
    const components = Object.assign({}, ...this.parts.map((c) => c.status())) as JsonObject;
    return sortedKeys({ ...system, ...components });
  }

  deviceInfo(): JsonObject {
    const model = MODELS[this.spec.family];
    const firmware = this.spec.isOldFirmware ? FIRMWARE.old : FIRMWARE.current;
    return {
      name: this.spec.name,
      id: this.spec.id,
      mac: this.spec.mac,
      model: model.model,
      gen: model.generation,
      fw_id: firmware.fwId,
      ver: firmware.ver,
      app: model.app,
      auth_en: false,
      auth_domain: null,
    };
  }

  components(): Array<{ key: string; status: JsonValue; config?: JsonValue }> {
    return this.parts.flatMap((c) => {
      const status = c.status();
      const config = c.config?.() ?? {};
      return c.keys.map((key) => ({
        key,
        status: status[key] ?? null,
        ...(config[key] !== undefined && { config: config[key] }),
      }));
    });
  }

  private rpc(text: string, atMs: number): Outbound[] {
    const req = parseRpcRequest(text);
    if (!req) return [];
    const { outcome, after } = handleRpc(this, req, atMs);
    return [rpcReply(this.address, req.id, req.src, outcome), ...after];
  }

  /**
   * The rest of a reboot: offline on the next tick (the broker's will, not retained), then back with
   * `online` retained, a first notification stamped with the unsynced clock (seconds since boot,
   * observed as `"ts":3.18`) and a full status whose `sys.uptime` went down.
   */
  private rebootStep(atMs: number): Outbound[] {
    const step = this.cycle.step();
    if (step === 'went-offline') return this.disconnect();
    if (step !== 'booted') return [];
    const uptimeMs = 2000 + this.prng.int(2000);
    this.bootAtMs = atMs - uptimeMs;
    this.resetReason = 3;
    for (const c of this.parts) c.restart(atMs, this.spec.isOldFirmware);
    return [
      { topic: `${this.spec.prefix}/online`, payload: 'true', retain: true },
      notifyStatus(this.address, scaled(Math.floor(uptimeMs / 10), 2), { mqtt: { connected: true } }),
      notifyFullStatus(this.address, atMs, this.fullStatus(atMs)),
    ];
  }
}
