/**
 * A deterministic fleet of Gen2 metering switches and the NotifyStatus frames they send once a
 * minute, as a Plus 1PM / Plus 2PM does when `aenergy` rolls over:
 *
 *   <prefix>/events/rpc  {"src":"shellyplus2pm-c0ffee000001","dst":"<prefix>/events",
 *     "method":"NotifyStatus","params":{"ts":1763900460.37,
 *     "switch:0":{"id":0,"apower":812.4,"aenergy":{"by_minute":[13540,13512,13498],
 *     "minute_ts":1763900460,"total":48211.305}}, "switch:1":{…}}}
 *
 * Prefixes are unified-namespace paths (`Bench/Office<k>/Room<j>/Dev<i>`), so every device is
 * placed under company → office → room and the core books every rise into room, office and
 * company totals. Counters rise every minute by a channel-specific power, so the core really
 * counts energy, and the generator knows the exact total it must arrive at.
 *
 * Units: counters are kept in integer milliwatt-hours (the `total` field has 3 decimals in Wh),
 * so the expected energy is exact; 1 mWh = 60 store units (UNITS_PER_WH = 60 000).
 */

export interface FleetSpec {
  devices: number;
  /** 1 = Plus 1PM (switch:0), 2 = Plus 2PM (switch:0, switch:1). */
  channelsPerDevice: 1 | 2;
  offices: number;
  roomsPerOffice: number;
  company?: string;
}

export interface BenchDevice {
  index: number;
  id: string;
  prefix: string;
  topic: string;
  office: string;
  room: string;
}

export interface Frame {
  topic: string;
  payload: string;
}

export const BENCH_COMPANY = 'Bench';
export const UNITS_PER_MWH = 60;

export function fleetDevices(spec: FleetSpec): BenchDevice[] {
  const company = spec.company ?? BENCH_COMPANY;
  const rooms = spec.offices * spec.roomsPerOffice;
  const perRoom = Math.ceil(spec.devices / rooms);
  const model = spec.channelsPerDevice === 2 ? 'shellyplus2pm' : 'shellyplus1pm';
  const out: BenchDevice[] = [];
  for (let i = 0; i < spec.devices; i++) {
    const roomIndex = Math.floor(i / perRoom);
    const office = `Office${Math.floor(roomIndex / spec.roomsPerOffice) + 1}`;
    const room = `Room${(roomIndex % spec.roomsPerOffice) + 1}`;
    const prefix = `${company}/${office}/${room}/Dev${i + 1}`;
    // Gen2 ids are the model and 12 lowercase hex digits of the MAC address.
    const id = `${model}-${(0xc0ffee000000 + i).toString(16)}`;
    out.push({ index: i, id, prefix, topic: `${prefix}/events/rpc`, office, room });
  }
  return out;
}

/** Average power of channel `c` in minute `m`, W: a fixed level per channel with a little wobble. */
function powerW(c: number, m: number): number {
  const level = 20 + ((c * 7919) % 1480);
  const wobble = ((c * 31 + m * 17) % 41) - 20;
  return Math.max(1, level + wobble);
}

/** Energy of channel `c` in minute `m`, integer mWh (W × 1 min = W/60 Wh). */
const minuteMwh = (c: number, m: number): number => Math.round((powerW(c, m) * 1000) / 60);

/**
 * The fleet's frames minute by minute. Minute `m` is `startMinuteS + 60 m`; every device sends one
 * frame per minute. `expectedUnits` is what a fresh core counts from what was emitted so far (the
 * first frame of each channel is its baseline and counts nothing).
 */
export class FleetStream {
  readonly devices: BenchDevice[];
  private readonly totalsMwh: number[];
  private readonly firstMwh: Array<number | null>;
  private readonly channelsPerDevice: number;
  /** Minutes emitted or skipped per device. */
  private readonly nextMinute: number[];

  constructor(
    spec: FleetSpec,
    readonly startMinuteS: number,
  ) {
    this.devices = fleetDevices(spec);
    this.channelsPerDevice = spec.channelsPerDevice;
    const channels = spec.devices * spec.channelsPerDevice;
    // A counter that has run for a while: 1–60 kWh already on it.
    this.totalsMwh = Array.from({ length: channels }, (_, c) => 1_000_000 + ((c * 104_729) % 59_000_000));
    this.firstMwh = new Array<number | null>(channels).fill(null);
    this.nextMinute = new Array<number>(spec.devices).fill(0);
  }

  get channelCount(): number {
    return this.totalsMwh.length;
  }

  /** Advances every device `minutes` minutes without emitting (to continue a fleet a store has seen). */
  skip(minutes: number): void {
    for (let d = 0; d < this.devices.length; d++) {
      for (let k = 0; k < minutes; k++) {
        const m = this.nextMinute[d] as number;
        for (let j = 0; j < this.channelsPerDevice; j++) {
          const c = d * this.channelsPerDevice + j;
          this.totalsMwh[c] = (this.totalsMwh[c] as number) + minuteMwh(c, m);
        }
        this.nextMinute[d] = m + 1;
      }
    }
  }

  /** The minute (epoch seconds) device `d` reports next. */
  nextMinuteS(d: number): number {
    return this.startMinuteS + 60 * (this.nextMinute[d] as number);
  }

  /** Device `d`'s next NotifyStatus frame. */
  next(d: number): Frame {
    const device = this.devices[d] as BenchDevice;
    const m = this.nextMinute[d] as number;
    this.nextMinute[d] = m + 1;
    const minuteS = this.startMinuteS + 60 * m;
    // The frame leaves a fraction of a second after the minute, in hundredths as the device prints it.
    const ts = (minuteS + 0.2 + (d % 70) / 100).toFixed(2);
    const parts: string[] = [];
    for (let j = 0; j < this.channelsPerDevice; j++) {
      const c = d * this.channelsPerDevice + j;
      const total = (this.totalsMwh[c] as number) + minuteMwh(c, m);
      this.totalsMwh[c] = total;
      if (this.firstMwh[c] === null) this.firstMwh[c] = total;
      const byMinute = `${minuteMwh(c, m)},${minuteMwh(c, m - 1)},${minuteMwh(c, m - 2)}`;
      parts.push(
        `"switch:${j}":{"id":${j},"apower":${powerW(c, m + 1).toFixed(1)},"aenergy":{"by_minute":[${byMinute}],` +
          `"minute_ts":${minuteS},"total":${(total / 1000).toFixed(3)}}}`,
      );
    }
    return {
      topic: device.topic,
      payload:
        `{"src":"${device.id}","dst":"${device.prefix}/events","method":"NotifyStatus",` +
        `"params":{"ts":${ts},${parts.join(',')}}}`,
    };
  }

  /** Every device's frame for its next minute, in device order (how a fleet's minute arrives). */
  minute(): Frame[] {
    return this.devices.map((_, d) => this.next(d));
  }

  /** Store units a fresh core counts from everything emitted so far. */
  get expectedUnits(): number {
    let mwh = 0;
    for (let c = 0; c < this.totalsMwh.length; c++) {
      const first = this.firstMwh[c];
      if (first !== null && first !== undefined) mwh += (this.totalsMwh[c] as number) - first;
    }
    return mwh * UNITS_PER_MWH;
  }
}

/** The whole minute (epoch seconds) `minutesAgo` minutes before now. */
export function minuteSAgo(minutesAgo: number, nowMs = Date.now()): number {
  return Math.floor(nowMs / 60_000) * 60 - minutesAgo * 60;
}
