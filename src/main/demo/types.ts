/** Shapes shared by the demo's modules. */

/** One simulated Shelly as the rest of the app may want to know it (e.g. to show "demo" badges). */
export interface DemoDevice {
  /** MQTT device id: `src` in Gen2+ frames, the id in `shellies/<id>/…` for Gen1. */
  id: string;
  /** Gen2+: the topic prefix (`Aurora/Lisbon/Kitchen/Fridge`); Gen1: `shellies/<id>`. */
  prefix: string;
  /** Shelly model code, e.g. `SNSW-001P16EU`. */
  model: string;
  generation: 1 | 2 | 3;
  /** Component keys: `switch:0`, `pm1:0`, `em:0`, `emdata:0`, `em1data:1`, Gen1 `relay:0`, `emeter:1`. */
  components: string[];
  /** Firmware version string as the device reports it. */
  firmware: string;
}

/** One MQTT message a simulated device sends. All device traffic is QoS 1 (PROTOCOL.md §3.1). */
export interface Outbound {
  topic: string;
  payload: string;
  retain?: boolean;
}

/** The behaviour the fleet drives; one implementation per generation. */
export interface SimDevice {
  readonly info: DemoDevice;
  readonly isRebooting: boolean;
  /** What the device sends when its MQTT connection comes up. */
  connect(atMs: number): Outbound[];
  /** One periodic update: energy advanced to `atMs`, power re-sampled. */
  tick(atMs: number): Outbound[];
  /** Reply to an `announce` command. */
  announce(atMs: number): Outbound[];
  /** Starts a reboot; the rest of the reboot plays out over the next ticks. */
  reboot(atMs: number): Outbound[];
  /** A message on one of the device's own topics; `suffix` is the topic after the prefix. */
  command(suffix: string, payload: string, atMs: number): Outbound[];
  /** What the broker would publish as the device's last will when it goes away. */
  disconnect(): Outbound[];
}
