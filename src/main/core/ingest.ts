/**
 * The hot path, one way: message → decode → energy → store batch + running totals. Each message
 * is handed forward once; nothing here waits on I/O.
 */
import type { RaisedAlert, Sensor } from '../../shared/contract';
import { unitsToWh } from './units';
import type { OwnTopics } from './aggregate/own-topics';
import { RunningTotals } from './aggregate/running-totals';
import type { TodayTotals, TodayUnits } from './aggregate/today-totals';
import {
  applyReading,
  MIN_RATE_WINDOW_S,
  noteOnline,
  noteReboot,
  noteUptime,
  type Decision,
} from './energy/counter-rules';
import { decodeShelly } from './shelly/decode';
import { SITE_COMPONENT } from './sites/site-aggregate';
import type { SiteSources } from './sites/site-sources';
import { MAX_DEVICE_NAME } from './shelly/device-name';
import {
  UNREADABLE_ENERGY,
  type CounterFact,
  type DecodeOutcome,
  type ComponentName,
  type DeviceRef,
  type Fact,
} from './shelly/types';
import {
  FLOOD_REJECTION,
  FloodGuard,
  isLateHistory,
  type FloodEnd,
  type FloodGuardOptions,
  type FloodStart,
} from './flood-guard';
import { nodeId, type Placement } from './site/placement';
import { Shape, shaped } from './site/booking-targets';
import type { EnergyRouting } from './site/energy-routing';
import { bookChannel, type ChannelBooking } from './site/channel-booking';
import { applyCover, coverStatuses } from './site/covers';
import { applyElectrical } from './site/electrical';
import type { Channel, Device, SiteRegistry } from './site/registry';
import type { SensorRegistry } from './site/sensors';
import type { IngestStats } from './stats';
import { counterKey } from './store/batch';
import type { BatchWriter } from './store/batch-writer';
import type { Calendar } from './store/calendar';
import { placeKey, UNASSIGNED_PLACE, type KeyIndex } from './store/key-index';
import { alertId } from './alert-id';
import type { DomainEventSink } from './events';
import { devicePath, nodePath } from './alerts/alert-path';
import { rejectedReadingWords, type RejectedReading } from './alerts/rejection-words';

interface Booking extends ChannelBooking {
  placement: Placement;
  /** The routing's version it was made under: a role change makes a new one. */
  routingVersion: number;
  placeId: number;
  /** Today's sums of the same nodes, for `todayDay` (TodayTotals.day). */
  today: TodayUnits[];
  shapedToday: TodayUnits[];
  todayDay: number;
  /** The batch generation its totals rows were put in (Batch.generation): once per batch is enough. */
  inBatch: number;
}

type DeviceOutcome = Extract<DecodeOutcome, { kind: 'device' }>;

/** A flooding device's message kept to be read at the end of the second (flood-guard.ts). */
interface HeldMessage {
  topic: string;
  outcome: DeviceOutcome;
  isRetained: boolean;
  atMs: number;
}

/**
 * The flood guard's `readFirst`: a newer message with any counter below the held one's means a
 * reset between them, and the held reading is the last one before it. Replaced, the energy between
 * the last reading read and the reset would be lost; read first, it is counted.
 */
function isResetAfter(held: readonly Fact[], next: readonly Fact[]): boolean {
  for (const n of next) {
    if (n.type !== 'counter') continue;
    for (const h of held) {
      if (
        h.type === 'counter' &&
        h.component === n.component &&
        h.direction === n.direction &&
        n.units < h.units
      )
        return true;
    }
  }
  return false;
}

/** Facts that only say a message (or part of it) was refused: a device saying only these is not seen. */
const REJECTION_FACTS = new Set<Fact['type']>([
  'counter-rejected',
  'component-rejected',
  'energy-unreadable',
]);

/** Verdicts worth a ledger row; plain rises, duplicates and no-change are only counted. */
const LEDGER_VERDICTS = new Set([
  'baseline',
  'out-of-order',
  'stale-retained',
  'reset',
  'dip-ignored',
  'implausible-rate',
  'rebased',
]);

export interface IngestDeps {
  registry: SiteRegistry;
  sensors: SensorRegistry;
  totals: RunningTotals;
  today: TodayTotals;
  calendar: Calendar;
  /** Contract node id → integer id of the rollup tables. */
  nodeIds: KeyIndex;
  placeIds: KeyIndex;
  /** Booking targets JSON → id (metering roles). */
  bookingIds: KeyIndex;
  /** Where each channel's energy goes (metering roles). */
  routing: EnergyRouting;
  writer: BatchWriter;
  stats: IngestStats;
  /** Where ingest says what it saw (events.ts); it calls nobody else. */
  events: DomainEventSink;
  clock: () => number;
  /** The console's own outputs (aggregates, Coreflux topics, HA configs): never device data. */
  ownTopics: OwnTopics;
  /**
   * Diagnostics: what happened to each message, in the fixtures' label vocabulary (a string for
   * the whole message, or one label per counter: `switch:0`, `switch:0.ret`).
   */
  observe?: (topic: string, outcome: string | Record<string, string>) => void;
  /** Flood guard limits (tests); the defaults are justified in flood-guard.ts. */
  flood?: Partial<FloodGuardOptions>;
  /** A head office: other consoles' device aggregates are its devices (sites/site-sources.ts). */
  sites?: SiteSources;
}

export class Ingest {
  /** Labels of the message being handled, only while someone observes. */
  private labels: Record<string, string> | null = null;
  private readonly bookings = new WeakMap<Channel, Booking>();
  /** The last minute each channel booked energy in, and where (see minuteBooking). */
  private readonly lastMinute = new WeakMap<Channel, { minute: number; booking: Booking }>();
  /** `<reply topic prefix>|<request id>` → the prefix of the device asked, to attribute replies. */
  private readonly requests = new Map<string, string>();
  private static readonly MAX_REMEMBERED_REQUESTS = 10_000;
  private readonly floodGuard: FloodGuard<HeldMessage>;
  /** The device's own sensors the message being read changed (sensorReading). */
  private readonly readSensors = new Set<Sensor>();
  /** `<device key>|<component>` whose unreadable energy was already said. */
  private readonly unreadableSaid = new Set<string>();

  constructor(private readonly deps: IngestDeps) {
    this.floodGuard = new FloodGuard<HeldMessage>(deps.flood, (held, next) =>
      isResetAfter(held.outcome.facts, next.outcome.facts),
    );
  }

  handle(topic: string, payload: Uint8Array, isRetained: boolean): void {
    const { stats, clock } = this.deps;
    stats.received++;
    if (this.deps.ownTopics.has(topic)) {
      stats.ignored++;
      return;
    }
    const atMs = clock();
    const ctx = { arrivalS: atMs / 1000, isRetained };
    const outcome = this.deps.sites?.decode(topic, payload, ctx) ?? decodeShelly(topic, payload, ctx);
    if (outcome.kind === 'rejected') {
      stats.reject(outcome.reason, topic, atMs);
      this.deps.observe?.(topic, `rejected:${outcome.reason}`);
      return;
    }
    if (outcome.kind === 'ignored') {
      stats.ignored++;
      this.deps.observe?.(topic, `ignored:${outcome.why}`);
      return;
    }
    if (outcome.kind === 'rpc-request') {
      if (this.requests.size >= Ingest.MAX_REMEMBERED_REQUESTS) this.requests.clear();
      this.requests.set(`${outcome.replyTo}|${outcome.requestId}`, outcome.prefix);
      stats.ignored++;
      this.deps.observe?.(topic, 'no-energy');
      return;
    }
    if (this.isHeldBack(topic, outcome, isRetained, atMs, payload.byteLength)) return;
    this.read(topic, outcome, isRetained, atMs);
  }

  /** What a device's message says, applied: the rest of `handle`, and what the flood guard held back. */
  private read(topic: string, outcome: DeviceOutcome, isRetained: boolean, atMs: number): void {
    const { stats } = this.deps;
    const device = this.resolveDevice(outcome.device, outcome.facts, atMs);
    if (!device) {
      stats.ignored++;
      this.deps.observe?.(topic, 'ignored:unknown-device');
      return;
    }
    this.labels = this.deps.observe ? {} : null;
    const wasShown = device.channels.size + device.outputs.size > 0;
    const wasHeard = device.row.lastSeenMs > 0;
    for (const fact of outcome.facts) this.apply(device, fact, atMs, isRetained, topic);
    for (const sensor of this.readSensors) this.deps.events.emit('sensor.reading', { sensor: { ...sensor } });
    this.readSensors.clear();
    // A device is seen when it says something we accept: one whose every message is rejected is
    // in the tree (nothing hidden) but not reporting.
    const isHeard = outcome.facts.some((f) => !REJECTION_FACTS.has(f.type));
    if (isHeard) device.row.lastSeenMs = atMs;
    // Every device is in the tree from its first accepted message; the windows refetch it then,
    // and again when it first has a channel or relay to show.
    const isShown = device.channels.size + device.outputs.size > 0;
    if ((isHeard && !wasHeard) || (isShown && !wasShown)) this.discovered(device);
    if (this.labels) {
      const { '*': whole, ...counters } = this.labels;
      this.deps.observe?.(topic, Object.keys(counters).length > 0 ? counters : (whole ?? 'no-energy'));
    }
    // The engine's memory of the device is saved with the counters it judged, so a restart
    // judges the next drop exactly as before (reboots seen, outages, uptime).
    device.row.epoch = device.memory.epoch;
    device.row.offlineCount = device.memory.offlineCount;
    device.row.isOnline = device.memory.isOnline;
    device.row.uptimeS = device.memory.uptimeS;
    this.deps.writer.batch.devices.set(device.row.key, device.row);
    this.deps.writer.batch.messages++;
    this.deps.writer.touched();
    stats.applied++;
    this.deps.events.emit('device.read', { device });
  }

  /** The flood guard's say on a device's message: true when it is held for later or dropped. */
  private isHeldBack(
    topic: string,
    outcome: DeviceOutcome,
    isRetained: boolean,
    atMs: number,
    bytes: number,
  ): boolean {
    if (isLateHistory(outcome.facts, atMs)) return false;
    const ref = outcome.device;
    // A reply on our own inbox is attributed to the device that sent it, not to the inbox.
    const source = ref.isKnownByIdOnly ? `id:${ref.id ?? ''}` : ref.key;
    const held: HeldMessage = { topic, outcome, isRetained, atMs };
    const admission = this.floodGuard.admit(source, topic, held, bytes, atMs);
    if (admission.started) this.floodStarted(admission.started, topic);
    const { readNow } = admission;
    if (readNow) this.read(readNow.topic, readNow.outcome, readNow.isRetained, readNow.atMs);
    // Every message dropped (this one, or the one it replaced on its topic) is counted, but not
    // sampled: a flood would push every other reason's sample out.
    if (admission.dropped > 0) {
      this.deps.stats.countRejected(FLOOD_REJECTION, admission.dropped);
      this.deps.observe?.(topic, `rejected:${FLOOD_REJECTION}`);
    }
    return admission.verdict !== 'pass';
  }

  /**
   * Once a second (and on close): reads what the flood guard held back — the latest message per
   * topic of each flooding device — and says which devices calmed down.
   */
  releaseHeld(): void {
    const { release, calmed } = this.floodGuard.tick(this.deps.clock());
    for (const m of release) this.read(m.topic, m.outcome, m.isRetained, m.atMs);
    for (const end of calmed) this.floodEnded(end);
  }

  /** `shellyplus1pm-… (Company / Office / Room / Device)`: who floods, and where it is. */
  private flooder(source: string): { id: string; path: string[] | null; node?: string } {
    const { registry } = this.deps;
    const device = source.startsWith('id:') ? registry.byId(source.slice(3)) : registry.devices.get(source);
    if (!device) return { id: source.replace(/^id:/, ''), path: null };
    const path = 'place' in device.placement ? Object.values(device.placement.place) : null;
    return { id: device.row.shellyId ?? device.row.key, path, node: nodeId.device(device.row.key) };
  }

  private floodStarted(start: FloodStart, topic: string): void {
    const who = this.flooder(start.source);
    const where = who.path ? who.path.join(' / ') : 'not placed yet';
    this.alert({
      id: alertId(`flood:${start.source}`, start.sinceMs),
      at: new Date(start.sinceMs).toISOString(),
      severity: 'warning',
      kind: 'message-rejected',
      message:
        `${who.id} (${where}) is flooding: ${start.ratePerS} messages/s for 5 s in a row, where a Shelly ` +
        'sends a few. Until it calms down only its latest message per topic is read each second and the ' +
        'rest are dropped; its counters are cumulative, so its energy stays exact.',
      ...(who.node && { node: who.node }),
      detail: {
        reason: FLOOD_REJECTION,
        count: 0,
        device: who.id,
        path: who.path,
        ratePerS: start.ratePerS,
        action: 'latest message per topic read once a second, the rest dropped',
        sample: { at: new Date(start.sinceMs).toISOString(), topic },
      },
    });
  }

  private floodEnded(end: FloodEnd): void {
    const who = this.flooder(end.source);
    const where = who.path ? who.path.join(' / ') : 'not placed yet';
    const seconds = Math.round((end.untilMs - end.sinceMs) / 1000);
    this.alert({
      id: alertId(`flood-over:${end.source}`, end.untilMs),
      at: new Date(end.untilMs).toISOString(),
      severity: 'info',
      kind: 'message-rejected',
      message:
        `${who.id} (${where}) calmed down after ${seconds} s (peak ${end.peakPerS} messages/s): every ` +
        `message is read again. ${end.dropped} of its messages were dropped meanwhile; its totals lost nothing.`,
      ...(who.node && { node: who.node }),
      detail: {
        reason: FLOOD_REJECTION,
        count: end.dropped,
        device: who.id,
        path: who.path,
        peakPerS: end.peakPerS,
        since: new Date(end.sinceMs).toISOString(),
      },
    });
  }

  private resolveDevice(ref: DeviceRef, facts: Fact[], atMs: number): Device | undefined {
    const { registry } = this.deps;
    let key = ref.key;
    if (ref.isKnownByIdOnly) {
      const known = ref.id ? registry.byId(ref.id) : undefined;
      if (known) return known;
      // A reply to a request we saw: the request's topic names the device's prefix.
      const reply = facts.find((f) => f.type === 'rpc-reply');
      const prefix =
        reply?.type === 'rpc-reply' ? this.requests.get(`${reply.to}|${reply.requestId}`) : undefined;
      if (!prefix) return undefined;
      key = prefix;
    }
    const { device } = registry.upsert(key, ref.generation, atMs);
    if (ref.id && device.row.shellyId && device.row.shellyId !== ref.id) this.replaced(device, ref.id, atMs);
    if (ref.id && device.row.shellyId !== ref.id) registry.setShellyId(device, ref.id);
    return device;
  }

  /**
   * Rule 15: a new `src` on a known prefix is another device (a replacement). Its counters start
   * from new baselines; a delta across two devices would be fiction.
   */
  private replaced(device: Device, newId: string, atMs: number): void {
    const { batch } = this.deps.writer;
    for (const channel of device.channels.values()) {
      for (const direction of ['import', 'return'] as const) {
        if (!channel.counters[direction]) continue;
        delete channel.counters[direction];
        const key = counterKey(channel.row.id, direction);
        batch.counters.delete(key);
        batch.forgottenCounters.set(key, { channelId: channel.row.id, direction });
      }
    }
    device.memory = { ...device.memory, uptimeS: null };
    this.alert({
      id: alertId(`replaced:${device.row.key}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: 'warning',
      kind: 'counter-reset',
      message: `${newId} now publishes under ${device.row.key} (was ${device.row.shellyId}): treated as a replacement; counting starts from its first reading.`,
      node: nodeId.device(device.row.key),
    });
  }

  /**
   * A component reports energy in a shape we cannot read: said once per device and component,
   * naming both, because its energy is missing from every total until the decoder learns it.
   */
  private unreadableEnergy(device: Device, component: string, fields: string[], atMs: number): void {
    const key = `${device.row.key}|${component}`;
    if (this.unreadableSaid.has(key)) return;
    if (this.unreadableSaid.size >= Ingest.MAX_REMEMBERED_REQUESTS) this.unreadableSaid.clear();
    this.unreadableSaid.add(key);
    const who = device.row.shellyId ?? device.row.key;
    this.alert({
      id: alertId(`unreadable-energy:${key}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: 'warning',
      kind: 'message-rejected',
      message: `${who} reports energy on ${component} (${fields.join(', ')}) in a form Kilowatch cannot read; it is not counted.`,
      node: nodeId.device(device.row.key),
      detail: { reason: UNREADABLE_ENERGY, device: who, component, fields },
    });
  }

  /** A flood sensor found water (an error: someone must go and look) or is dry again. */
  private waterAlert(device: Device, isWet: boolean, atMs: number): void {
    const who = device.row.shellyId ?? device.row.key;
    const name = this.deps.registry.displayName(device);
    const where = 'place' in device.placement ? Object.values(device.placement.place).join(' / ') : who;
    this.alert({
      id: alertId(`water-leak:${device.row.key}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: isWet ? 'error' : 'info',
      kind: 'water-leak',
      message: isWet ? `${where}: water detected by ${name}.` : `${where}: ${name} is dry again.`,
      node: nodeId.device(device.row.key),
      detail: { device: who, isWet },
    });
  }

  /** A name cut to MAX_DEVICE_NAME (decoder): said once per name, naming the device or sensor. */
  private longName(device: Device, length: number, atMs: number, sensor?: string): void {
    const who = device.row.shellyId ?? device.row.key;
    const what = sensor ? `The BLU sensor ${sensor} (via ${who})` : who;
    this.alert({
      id: alertId(`long-name:${device.row.key}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: 'warning',
      kind: 'message-rejected',
      message: `${what} announced a name of ${length} characters; only its first ${MAX_DEVICE_NAME} are kept.`,
      node: nodeId.device(device.row.key),
      detail: { device: who, ...(sensor !== undefined && { sensor }), length, kept: MAX_DEVICE_NAME },
    });
  }

  /** The device's own channel names (Shelly.GetConfig); the tree is told when they changed. */
  private componentNames(device: Device, names: ComponentName[], atMs: number): void {
    const next = new Map<string, string>();
    for (const { component, name, nameLength } of names) {
      if (name === null) continue;
      if (nameLength !== undefined && name !== device.componentNames.get(component))
        this.longName(device, nameLength, atMs);
      next.set(component, name);
    }
    const isSame =
      next.size === device.componentNames.size &&
      [...next].every(([component, name]) => device.componentNames.get(component) === name);
    if (isSame) return;
    device.componentNames = next;
    // The windows refetch the tree on a discovery; a device not shown yet is announced when it is.
    if (device.channels.size + device.outputs.size > 0) this.discovered(device);
  }

  private discovered(device: Device): void {
    const { registry } = this.deps;
    this.deps.events.emit('device.discovered', {
      device,
      payload: {
        id: device.row.shellyId ?? device.row.key,
        model: device.row.model,
        generation: device.row.generation,
        name: registry.displayName(device),
        channels: [...device.channels.keys()],
        online: device.memory.isOnline,
        lastSeen: device.row.lastSeenMs > 0 ? new Date(device.row.lastSeenMs).toISOString() : null,
        path: 'place' in device.placement ? Object.values(device.placement.place) : null,
      },
    });
  }

  private apply(device: Device, fact: Fact, atMs: number, isRetained: boolean, topic: string): void {
    const { stats, registry } = this.deps;
    switch (fact.type) {
      case 'counter':
        this.counter(device, fact, atMs, isRetained);
        return;
      case 'counter-rejected': {
        stats.reject(fact.reason, topic, atMs);
        this.rejectedReading(device, fact.component, fact, atMs);
        this.label(fact.component, fact.direction, `rejected:${fact.reason}`);
        const channel = device.channels.get(fact.component);
        if (channel) this.ledger(channel, fact.direction, atMs, 'rejected', fact.reason, null, null, 0);
        return;
      }
      case 'counter-unavailable': {
        this.label(fact.component, fact.direction, 'unavailable');
        const channel = device.channels.get(fact.component);
        if (channel) this.ledger(channel, fact.direction, atMs, 'unavailable', null, null, null, 0);
        return;
      }
      case 'component-rejected':
        stats.reject(fact.reason, topic, atMs);
        this.rejectedReading(device, fact.component, fact, atMs);
        this.label(fact.component, 'import', `rejected:${fact.reason}`);
        return;
      case 'energy-unreadable':
        stats.reject(UNREADABLE_ENERGY, topic, atMs);
        this.label(fact.component, 'import', `rejected:${UNREADABLE_ENERGY}`);
        this.unreadableEnergy(device, fact.component, fact.fields, atMs);
        return;
      case 'online': {
        const wasOnline = device.memory.isOnline;
        device.memory = noteOnline(device.memory, fact.isOnline);
        if (wasOnline !== fact.isOnline && wasOnline !== null)
          this.availabilityAlert(device, fact.isOnline, atMs);
        this.deviceState(device, atMs);
        return;
      }
      // Rule 3: a retained message is a snapshot of unknown age and never signals a reset. An old
      // retained uptime would look like a reboot and let the next small dip count the whole counter.
      case 'reboot':
        if (!isRetained) device.memory = noteReboot(device.memory);
        return;
      case 'uptime':
        if (!isRetained) device.memory = noteUptime(device.memory, fact.uptimeS);
        return;
      case 'power':
        device.powerW.set(fact.component, fact.powerW);
        return;
      case 'electrical':
        applyElectrical(device.electrical, fact);
        return;
      case 'output':
        if (device.outputs.get(fact.component) !== fact.isOn) {
          device.outputs.set(fact.component, fact.isOn);
          this.deviceState(device, atMs);
        }
        return;
      case 'cover':
        if (applyCover(device.covers, fact)) this.deviceState(device, atMs);
        return;
      case 'identity':
        if (fact.id && fact.id !== device.row.shellyId) registry.setShellyId(device, fact.id);
        if (fact.model) device.row.model = fact.model;
        if (fact.name) {
          if (fact.nameLength !== undefined && fact.name !== device.row.name)
            this.longName(device, fact.nameLength, atMs);
          device.row.name = fact.name;
        }
        if (fact.firmware) device.row.firmware = fact.firmware;
        return;
      case 'rpc-reply':
        this.deps.events.emit('rpc.reply', {
          deviceKey: device.row.key,
          requestId: fact.requestId,
          ...(fact.error && { error: fact.error }),
        });
        return;
      case 'component-names':
        this.componentNames(device, fact.names, atMs);
        return;
      case 'config-changed':
        this.deps.events.emit('config.changed', { device });
        return;
      case 'bthome-config': {
        const { component, address, objectId, model, name, nameLength } = fact;
        const isRenamed = this.deps.sensors.config(device, component, address, objectId, model, name);
        if (isRenamed && nameLength !== undefined) this.longName(device, nameLength, atMs, address);
        this.labelMessage('sensor-config');
        return;
      }
      case 'bthome-status': {
        const sensor = this.deps.sensors.status(device, fact.component, fact.status);
        if (sensor) {
          this.deps.events.emit('sensor.reading', { sensor: { ...sensor } });
          this.labelMessage('sensor');
        } else this.deps.events.emit('component.unknown', { device });
        return;
      }
      case 'climate':
        this.sensorReading(this.deps.sensors.deviceReading(device, registry.displayName(device), fact, atMs));
        return;
      case 'virtual-number': {
        const name = registry.displayName(device);
        const sensor = this.deps.sensors.deviceNumber(device, name, fact.component, fact.value, atMs);
        // A thermostat's numbers mean nothing without their roles: ask for its components' config.
        if (sensor === undefined) this.deps.events.emit('component.unknown', { device });
        else this.sensorReading(sensor);
        return;
      }
      case 'component-role': {
        const name = registry.displayName(device);
        this.sensorReading(this.deps.sensors.role(device, name, fact.component, fact.role, atMs));
        return;
      }
      case 'water': {
        const name = registry.displayName(device);
        const { sensor, wasWet } = this.deps.sensors.deviceWater(device, name, fact, atMs);
        this.sensorReading(sensor);
        // A first report of "dry" is no news; water, and the end of it, are.
        if (fact.isWet !== (wasWet ?? false)) this.waterAlert(device, fact.isWet, atMs);
        return;
      }
      case 'sensor': {
        const sensor = this.deps.sensors.scriptEvent(device, fact.sensor);
        if (sensor) this.deps.events.emit('sensor.reading', { sensor: { ...sensor } });
        this.labelMessage(sensor ? 'sensor' : 'duplicate');
        return;
      }
    }
  }

  private counter(device: Device, fact: CounterFact, atMs: number, isRetained: boolean): void {
    const { registry, writer } = this.deps;
    const { channel, isNew } = registry.channel(device, fact.component, fact.isGross, fact.isPhase);
    if (isNew) writer.batch.channels.set(channel.row.id, channel.row);
    // A site's counter is known to start at zero at its `since`; a Shelly's first reading is a baseline.
    const previous =
      this.deps.sites && fact.component === SITE_COMPONENT
        ? this.deps.sites.previous(channel, fact, device.memory, isRetained)
        : channel.counters[fact.direction];
    const decision = applyReading(previous, fact, device.memory, atMs / 1000, isRetained);
    writer.batch.readings++;
    if (decision.next) {
      channel.counters[fact.direction] = decision.next;
      const key = counterKey(channel.row.id, fact.direction);
      const slot = writer.batch.counters.get(key);
      if (slot) slot.memory = decision.next;
      else
        writer.batch.counters.set(key, {
          channelId: channel.row.id,
          direction: fact.direction,
          memory: decision.next,
        });
    }
    if (decision.countedUnits > 0) this.book(channel, fact, decision, atMs);
    if (!fact.isPhase) {
      const v = decision.verdict;
      this.label(fact.component, fact.direction, v === 'implausible-rate' ? 'rejected:implausible-rate' : v);
    }
    if (LEDGER_VERDICTS.has(decision.verdict)) {
      this.ledger(
        channel,
        fact.direction,
        atMs,
        decision.verdict === 'implausible-rate' ? 'rejected' : decision.verdict,
        decision.verdict === 'implausible-rate' ? 'implausible-rate' : null,
        previous?.valueUnits ?? null,
        fact.units,
        decision.countedUnits,
      );
    }
    if (decision.verdict === 'implausible-rate') {
      this.deps.stats.reject('implausible-rate', channel.row.component, atMs);
      const windowS = Math.max(atMs / 1000 - (previous?.arrivalS ?? 0), MIN_RATE_WINDOW_S);
      const risenWh = unitsToWh(fact.units - (previous?.valueUnits ?? 0));
      const reading = {
        reason: 'implausible-rate',
        impliedW: (risenWh * 3600) / windowS,
        detail: {
          direction: fact.direction,
          previousWh: unitsToWh(previous?.valueUnits ?? 0),
          valueWh: unitsToWh(fact.units),
          overS: Math.round(atMs / 1000 - (previous?.arrivalS ?? 0)),
        },
      };
      this.rejectedReading(device, channel.row.component, reading, atMs);
    }
    if (decision.verdict === 'rebased') {
      this.alert({
        id: alertId(`rebased:${channel.row.id}`, atMs),
        at: new Date(atMs).toISOString(),
        severity: 'warning',
        kind: 'implausible-jump',
        message:
          `${devicePath(registry, device)} ${channel.row.component}: the counter jumped from ` +
          `${unitsToWh(previous?.valueUnits ?? 0)} Wh to ${unitsToWh(fact.units)} Wh three times in a row. ` +
          `Treated as a swapped device or counter: counting continues from the new value, the jump is not counted.`,
        node: nodeId.channel(device.row.key, channel.row.component),
      });
    }
    if (decision.verdict === 'reset') {
      this.alert({
        id: alertId(`reset:${channel.row.id}`, atMs),
        at: new Date(atMs).toISOString(),
        severity: 'info',
        kind: 'counter-reset',
        message: `${devicePath(registry, device)} ${channel.row.component}: the counter restarted (reboot or reset); counted from zero.`,
        node: nodeId.channel(device.row.key, channel.row.component),
      });
    }
  }

  /** A device's own sensor read: the windows are told (after the message), and so is the diagnostics label. */
  private sensorReading(sensor: Sensor | null): void {
    if (!sensor) return;
    // Said once per message: a status carries several components of the same sensor.
    this.readSensors.add(sensor);
    this.labelMessage('sensor');
  }

  /** A whole-message label (sensors): kept only when no counter label says more. */
  private labelMessage(label: string): void {
    if (this.labels) this.labels['*'] = label;
  }

  private label(component: string, direction: 'import' | 'return', label: string): void {
    if (this.labels) this.labels[direction === 'return' ? `${component}.ret` : component] = label;
  }

  /**
   * Where a channel's energy goes, worked out once per placement: its node ids, running-total
   * rows, rollup node ids and room. The hot path then only adds numbers.
   */
  private booking(channel: Channel, atMs: number): Booking {
    const device = channel.device;
    const known = this.bookings.get(channel);
    if (known && known.placement === device.placement && known.routingVersion === this.deps.routing.version)
      return known;
    const booking = this.newBooking(channel, device.placement, atMs);
    this.bookings.set(channel, booking);
    return booking;
  }

  /**
   * Where a minute's energy goes. A minute row remembers one place, so a minute is counted where
   * its first energy was: energy counted after an assignment within that minute stays with it, and
   * the assignment applies from the device's next minute. Minutes, rollups and totals then agree.
   */
  private minuteBooking(channel: Channel, minute: number, atMs: number): Booking {
    const last = this.lastMinute.get(channel);
    if (last?.minute === minute) return last.booking;
    let booking = this.booking(channel, atMs);
    // Only after a restart or with a minute going back can the minute already be counted elsewhere.
    if (!last || minute < last.minute) {
      const earlier = this.deps.writer.placeOfMinute(channel.row.id, minute);
      if (earlier && earlier.id !== booking.placeId) {
        booking =
          last?.booking.placeId === earlier.id
            ? last.booking
            : this.newBooking(
                channel,
                earlier.company === '' ? { reason: 'no-placement' } : { place: { ...earlier, device: '' } },
                atMs,
              );
      }
    }
    if (!last || minute > last.minute) this.lastMinute.set(channel, { minute, booking });
    return booking;
  }

  private newBooking(channel: Channel, placement: Placement, atMs: number): Booking {
    const { batch } = this.deps.writer;
    const place = 'place' in placement ? placement.place : UNASSIGNED_PLACE;
    const placeId = this.deps.placeIds.id(placeKey(place.company, place.office, place.room), (id) =>
      batch.places.set(id, { id, company: place.company, office: place.office, room: place.room }),
    );
    const booked = bookChannel(this.deps, batch, channel, placement, atMs);
    // Every field named, not spread: V8 gave each spread copy a hidden class of its own, 500 B
    // more per channel (5 MB of the core's heap at 10,000 channels, bench memory-peak).
    return {
      nodes: booked.nodes,
      nodeIds: booked.nodeIds,
      totals: booked.totals,
      shaped: booked.shaped,
      shapedIds: booked.shapedIds,
      bookingId: booked.bookingId,
      placement,
      routingVersion: this.deps.routing.version,
      placeId,
      today: [],
      shapedToday: [],
      todayDay: -1,
      inBatch: -1,
    };
  }

  /** Adds counted energy to the channel's minute and to every node above it. */
  private book(channel: Channel, fact: CounterFact, decision: Decision, atMs: number): void {
    const { today, writer } = this.deps;
    const { batch } = writer;
    const counted = decision.countedUnits;
    // aenergy includes returned energy, so for switch/pm1 consumed = Δimport − Δreturn (§4.1).
    const energyUnits = fact.direction === 'import' ? counted : channel.row.isGross ? -counted : 0;
    const returnedUnits = fact.direction === 'return' ? counted : 0;
    const gapFromS = decision.spansGap ? decision.fromS : null;
    // A total read at the start of a minute (aenergy's minute_ts) holds energy up to then: the
    // rise belongs to the minute that just ended, not to the one beginning.
    const minute = Math.floor(fact.order.primaryS / 60) - (fact.isMinuteStart ? 1 : 0);
    const b = this.minuteBooking(channel, minute, atMs);
    // The room is remembered with the minute, so rollups can always be rebuilt as they were counted.
    batch.addMinute(
      channel.row.id,
      minute,
      energyUnits,
      returnedUnits,
      gapFromS,
      b.placeId,
      b.nodeIds,
      b.bookingId,
      b.shapedIds,
    );
    if (decision.spansGap && decision.fromS !== null) {
      this.ledger(channel, fact.direction, atMs, 'gap', null, null, fact.units, counted);
      batch.gaps.push({
        channelId: channel.row.id,
        placeId: b.placeId,
        fromS: decision.fromS,
        toS: fact.order.primaryS,
      });
    }
    // The rows are live objects: the batch writes their values as they are when it commits, so
    // putting them in once per batch is enough, instead of six Set adds for every reading.
    if (b.inBatch !== batch.generation) {
      for (const row of b.totals) batch.totals.add(row);
      for (const { total } of b.shaped) batch.totals.add(total);
      b.inBatch = batch.generation;
    }
    for (const row of b.totals) {
      row.energyUnits += energyUnits;
      row.returnedUnits += returnedUnits;
    }
    for (const { shape, total } of b.shaped) {
      const [e, r] = shaped(shape, energyUnits, returnedUnits);
      total.energyUnits += e;
      total.returnedUnits += r;
    }
    if (today.isToday(minute * 60_000)) {
      if (b.todayDay !== today.day) {
        b.today = b.nodes.map((node) => today.row(node));
        b.shapedToday = b.shaped.map(({ total }) => today.row(total.node));
        b.todayDay = today.day;
      }
      for (const u of b.today) {
        u.energyUnits += energyUnits;
        u.returnedUnits += returnedUnits;
      }
      for (let i = 0; i < b.shaped.length; i++) {
        const [e, r] = shaped((b.shaped[i] as { shape: Shape }).shape, energyUnits, returnedUnits);
        const u = b.shapedToday[i] as TodayUnits;
        u.energyUnits += e;
        u.returnedUnits += r;
      }
    }
  }

  private ledger(
    channel: Channel,
    direction: 'import' | 'return',
    atMs: number,
    kind: string,
    reason: string | null,
    previousUnits: number | null,
    valueUnits: number | null,
    countedUnits: number,
  ): void {
    this.deps.writer.batch.addLedger({
      atMs,
      channelId: channel.row.id,
      direction,
      kind,
      reason,
      previousUnits,
      valueUnits,
      countedUnits,
    });
  }

  private deviceState(device: Device, atMs: number): void {
    this.deps.events.emit('device.state', {
      device,
      payload: {
        id: device.row.shellyId ?? device.row.key,
        online: device.memory.isOnline,
        lastSeen: new Date(atMs).toISOString(),
        outputs: Object.fromEntries(device.outputs),
        ...(device.covers.size > 0 && { covers: coverStatuses(device.covers) }),
      },
    });
  }

  private alert(alert: RaisedAlert): void {
    this.deps.events.emit('alert', { alert });
  }

  /**
   * One reading of one channel refused (over 1 MW, an impossible counter): one alert per channel
   * and reason, counted, naming the place; the periodic summary of rejections leaves it out.
   */
  private rejectedReading(
    device: Device,
    component: string,
    reading: RejectedReading & { direction?: string; detail?: Record<string, unknown> },
    atMs: number,
  ): void {
    const { registry, stats } = this.deps;
    stats.attribute(reading.reason);
    const node = device.channels.has(component)
      ? nodeId.channel(device.row.key, component)
      : nodeId.device(device.row.key);
    const where = nodePath(registry, node) ?? devicePath(registry, device);
    this.alert({
      id: alertId(`rejected-reading:${device.row.key}|${component}|${reading.reason}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: 'warning',
      kind: 'message-rejected',
      message: rejectedReadingWords(where, reading),
      node,
      detail: {
        reason: reading.reason,
        device: device.row.shellyId ?? device.row.key,
        component,
        ...(reading.direction !== undefined && { direction: reading.direction }),
        ...(reading.value !== undefined && { value: reading.value }),
        ...(reading.impliedW !== undefined && { impliedW: Math.round(reading.impliedW) }),
        ...reading.detail,
      },
    });
  }

  private availabilityAlert(device: Device, isOnline: boolean, atMs: number): void {
    // The full path: a site has many CoffeeMachines, and the alert must say which one.
    const name = devicePath(this.deps.registry, device);
    this.alert({
      id: alertId(`availability:${device.row.key}`, atMs),
      at: new Date(atMs).toISOString(),
      severity: isOnline ? 'info' : 'warning',
      kind: isOnline ? 'device-online' : 'device-offline',
      message: isOnline ? `${name} is back online.` : `${name} went offline.`,
      node: nodeId.device(device.row.key),
    });
  }
}
