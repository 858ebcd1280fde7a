/**
 * The demo's past: on the first start of an empty demo database, 13 months of history for every
 * metered channel of the simulated fleet, so a newcomer's 30-day and 12-month charts have
 * something to show. It is written the way ingest writes: Batch rows committed by Store.commit,
 * rollups derived by planRollups from the minute rows, running totals on the console's own rows.
 * Minutes, rollups and totals therefore agree, and a rebuild or a later reading cannot tell the
 * backfill from counted energy.
 *
 * Minute rows only exist for the days retention keeps (one per 15 minutes, one per minute for
 * the last hours); older energy is planned from hourly rows that are never stored, exactly what
 * retention leaves behind. No counter state is written: the first live reading of every counter
 * is a baseline, so live counting continues from the backfilled totals without a jump.
 *
 * It runs beside live ingest in chunks that hand the event loop back, so the console serves
 * while it works; the totals are announced when it is done. Never on a real site (the console
 * must be the demo's), never on a database that already holds devices, never twice (a setting).
 */
import type { KilowatchConsole } from '../core/console';
import { shaped } from '../core/site/booking-targets';
import { bookChannel, type ChannelBooking } from '../core/site/channel-booking';
import type { Channel } from '../core/site/registry';
import { Batch } from '../core/store/batch';
import { placeKey, UNASSIGNED_PLACE } from '../core/store/key-index';
import { planRollups } from '../core/store/rollup-plan';
import { PRUNED_BEFORE_SETTING } from '../core/store/rollup-rebuild';
import type { MinuteRow } from '../core/store/rows';
import type { Store } from '../core/store/store';
import { dayFactor, type CurveKind } from './day-curve';
import { DEFAULT_SEED } from './fleet';
import { fleetChannels, type FleetDevice } from './fleet-channels';
import { planEvents, type Outage } from './history-events';
import { seasonalPowerW, seasonFactor, seasonOf, winterness, type Season } from './history-shape';
import { createPrng, deriveSeed, type Prng } from './prng';
import { officeOf, planSupplyMeters, supplyUnits, type SupplyPlan } from './supply-meters';

/** Set once a backfill began; its value says how far it got. A second start never backfills. */
export const BACKFILL_SETTING = 'demo-history-backfill';

export interface BackfillOptions {
  /** The fleet's seed: the same devices as the running demo (startDemo's). */
  seed?: number;
  clock?: () => number;
  /** Whole local months before the current one. */
  months?: number;
  /** Minute rows are written for this many days back; retention keeps 35. */
  minuteDays?: number;
  /** The last days get one minute row per quarter hour (one per hour before). */
  quarterDays?: number;
  /** The last minutes get one row per minute (a minute-resolution chart stays smooth). */
  fineMinutes?: number;
  /** Channel-steps per chunk: bounds how long one chunk holds the event loop. */
  chunkSize?: number;
}

export type BackfillReport =
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; message: string }
  | {
      status: 'done';
      fromMs: number;
      toMs: number;
      channels: number;
      minuteRows: number;
      rollupRows: number;
      gaps: number;
      resets: number;
      wroteMs: number;
    };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** 1 W held for one minute, in energy units (1 Wh = 60 000). */
const UNITS_PER_W_MINUTE = 1000;
/** A cover motor runs about this long per move, twice a working day. */
const COVER_MOVE_MS = 30_000;
const COVER_MOVE_HOURS = [8, 19];

interface Step {
  startMs: number;
  minutes: number;
  /** Inside the retention window: stored as a minute row, not only rolled up. */
  isStored: boolean;
}

interface ChannelPlan {
  channel: Channel;
  loadIndices: number[];
  placeId: number;
  booked: Booked;
  /** The simulated counters, for the ledger's reset and gap rows. */
  importUnits: number;
  returnUnits: number;
  /** Energy counted while the device was unreachable, booked when it comes back. */
  held: { energyUnits: number; returnedUnits: number; fromMs: number } | null;
  chunkEnergy: number;
  chunkReturned: number;
}

const NOT_BOOKED: Booked = { nodes: [], nodeIds: [], totals: [], shaped: [], shapedIds: [], bookingId: null };

interface DevicePlan {
  fleet: FleetDevice;
  channels: ChannelPlan[];
  seasons: Season[];
  prng: Prng;
  outages: Outage[];
  reboots: number[];
}

/** Where a channel's energy goes: what ingest books it to, metering roles included. */
type Booked = ChannelBooking;

/**
 * Asked once every device is registered, so a place's main meter is known whichever device comes
 * first.
 */
function booked(core: KilowatchConsole, batch: Batch, channel: Channel, fromMs: number): Booked {
  return bookChannel(core, batch, channel, channel.device.placement, fromMs);
}

/** Why this console must not be backfilled, or null when it should be. */
function refusal(core: KilowatchConsole, store: Store): string | null {
  if (!core.connectionState.demo) return 'not the demo console';
  if (store.setting(BACKFILL_SETTING) !== undefined) return 'history was backfilled before';
  // The demo's own polled plugs are read from the start, and may be heard before this is asked.
  const heard = store.loadDevices().filter((device) => !core.polledKeys.has(device.key));
  if (heard.length > 0) return 'the database already holds devices';
  return null;
}

/** Local month starts: the start of the month `months` before the one holding `nowMs`. */
function historyStart(core: KilowatchConsole, nowMs: number, months: number): number {
  let start = core.calendar.floor(nowMs, 'month');
  for (let i = 0; i < months; i++) start = core.calendar.floor(start - 1, 'month');
  return start;
}

/**
 * Hours before the retention window (rolled up, never stored), stored hours inside it, quarter
 * hours for the last days and single minutes for the last hours: a minute-resolution chart (at
 * most six hours wide) of the recent past looks like live data, and the row count stays small.
 */
function planSteps(
  fromMs: number,
  endMs: number,
  storedFromMs: number,
  quarterFromMs: number,
  fineFromMs: number,
): Step[] {
  const steps: Step[] = [];
  let t = fromMs;
  for (; t + HOUR_MS <= storedFromMs; t += HOUR_MS) steps.push({ startMs: t, minutes: 60, isStored: false });
  for (; t + HOUR_MS <= quarterFromMs; t += HOUR_MS) steps.push({ startMs: t, minutes: 60, isStored: true });
  for (; t + 15 * MINUTE_MS <= fineFromMs; t += 15 * MINUTE_MS)
    steps.push({ startMs: t, minutes: 15, isStored: true });
  for (; t < endMs; t += MINUTE_MS) steps.push({ startMs: t, minutes: 1, isStored: true });
  return steps;
}

/** What a cover motor used in a step: its moves at 08:00 and 19:00 (UTC, like the curves) on workdays. */
function coverUnits(peakW: number, step: Step): number {
  const endMs = step.startMs + step.minutes * MINUTE_MS;
  const dayMs = Math.floor(step.startMs / DAY_MS) * DAY_MS;
  let units = 0;
  for (const day of [dayMs, dayMs + DAY_MS]) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const hour of COVER_MOVE_HOURS) {
      const at = day + hour * HOUR_MS;
      if (at >= step.startMs && at < endMs) units += Math.round((peakW * COVER_MOVE_MS) / 60);
    }
  }
  return units;
}

/**
 * Starts the backfill when this console and database call for one. Devices, channels and nodes
 * are registered at once (before the fleet's first message, so live readings find them); the
 * energy follows in chunks. Resolves with what was written, or why nothing was.
 */
export function backfillDemoHistory(
  core: KilowatchConsole,
  store: Store,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const why = refusal(core, store);
  if (why) return Promise.resolve({ status: 'skipped', reason: why });
  const began = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const nowMs = (options.clock ?? Date.now)();
  const fromMs = historyStart(core, nowMs, options.months ?? 13);
  const endMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const minuteDays = options.minuteDays ?? 34;
  // Stored minutes start on a whole hour after the start, so hourly and finer steps meet exactly.
  const storedFromMs = Math.max(
    fromMs,
    fromMs + Math.ceil((endMs - minuteDays * DAY_MS - fromMs) / HOUR_MS) * HOUR_MS,
  );
  const quarterFromMs = endMs - (options.quarterDays ?? 2) * DAY_MS;
  const fineFromMs = endMs - (options.fineMinutes ?? 360) * MINUTE_MS;
  const steps = planSteps(fromMs, endMs, storedFromMs, quarterFromMs, fineFromMs);

  // Remembered before anything is written: a failure half-way must not lead to a second backfill
  // adding the same months again on the next start.
  const started = store.saveSetting(
    BACKFILL_SETTING,
    JSON.stringify({ state: 'started', fromMs, toMs: endMs }),
  );
  if (!started.ok) return Promise.resolve({ status: 'failed', message: started.error.message });
  // A rollup rebuild must keep the buckets before the first stored minute: their minutes never existed.
  const cutoff = store.saveSetting(PRUNED_BEFORE_SETTING, String(storedFromMs / MINUTE_MS));
  if (!cutoff.ok) return Promise.resolve({ status: 'failed', message: cutoff.error.message });

  const fleet = fleetChannels(seed, nowMs);
  const events = planEvents(fleet, fromMs, endMs, createPrng(deriveSeed(seed, 'history-events')));
  const registered = new Batch();
  const supply = planSupplyMeters(fleet.map((f) => f.spec));
  // Main meters last in every step: they measure what their office drew in it (supply-meters.ts).
  const devices = [
    ...fleet.filter((f) => !supply.suppliers.has(f.spec)),
    ...fleet.filter((f) => supply.suppliers.has(f.spec)),
  ].map((f) => registerDevice(core, registered, f, fromMs, seed, events));
  for (const d of devices) for (const c of d.channels) c.booked = booked(core, registered, c.channel, fromMs);
  const committed = store.commit(registered, { rollups: 'direct' });
  if (!committed.ok) return Promise.resolve({ status: 'failed', message: committed.error.message });

  const stats = { minuteRows: 0, rollupRows: 0, gaps: 0, resets: 0 };
  const chunkSize = options.chunkSize ?? 6_000;
  const loadsPerStep = Math.max(
    1,
    devices.reduce((n, d) => n + d.fleet.spec.loads.length, 0),
  );
  const stepsPerChunk = Math.max(1, Math.floor(chunkSize / loadsPerStep));

  return new Promise((resolve, reject) => {
    let next = 0;
    const work = () => {
      try {
        // The console closed the store meanwhile (a quick stop): nothing more can be written.
        if (!store.database.open) return resolve({ status: 'failed', message: 'stopped before it finished' });
        const chunk = steps.slice(next, next + stepsPerChunk);
        const failure = writeChunk(core, store, devices, supply, chunk, stats);
        if (failure) return resolve({ status: 'failed', message: failure });
        next += chunk.length;
        if (next < steps.length) return void setImmediate(work);
        const report = {
          status: 'done' as const,
          fromMs,
          toMs: endMs,
          channels: devices.reduce((n, d) => n + d.channels.length, 0),
          ...stats,
          wroteMs: Math.round(performance.now() - began),
        };
        const saved = store.saveSetting(BACKFILL_SETTING, JSON.stringify({ state: 'done', ...report }));
        if (!saved.ok) return resolve({ status: 'failed', message: saved.error.message });
        core.totalsChanged();
        resolve(report);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    setImmediate(work);
  });
}

/** The device and its channels in the registry, with where their energy goes. */
function registerDevice(
  core: KilowatchConsole,
  batch: Batch,
  fleet: FleetDevice,
  fromMs: number,
  seed: number,
  events: ReturnType<typeof planEvents>,
): DevicePlan {
  const { device } = core.registry.upsert(fleet.key, fleet.generation, fromMs);
  core.registry.setShellyId(device, fleet.shellyId);
  batch.devices.set(device.row.key, device.row);
  const place = 'place' in device.placement ? device.placement.place : UNASSIGNED_PLACE;
  const placeId = core.placeIds.id(placeKey(place.company, place.office, place.room), (id) =>
    batch.places.set(id, { id, company: place.company, office: place.office, room: place.room }),
  );
  const channels = fleet.channels.map((fc): ChannelPlan => {
    const { channel, isNew } = core.registry.channel(device, fc.component, fc.isGross, fc.isPhase);
    if (isNew) batch.channels.set(channel.row.id, channel.row);
    return {
      channel,
      loadIndices: fc.loadIndices,
      placeId,
      // Filled in once every device is registered (see booked).
      booked: NOT_BOOKED,
      importUnits: 0,
      returnUnits: 0,
      held: null,
      chunkEnergy: 0,
      chunkReturned: 0,
    };
  });
  return {
    fleet,
    channels,
    seasons: fleet.spec.loads.map((load) => seasonOf(fleet.spec, load)),
    prng: createPrng(deriveSeed(seed, `history:${fleet.key}`)),
    outages: events.outages.filter((o) => o.deviceKeys.has(fleet.key)),
    reboots: events.reboots
      .filter((r) => r.deviceKey === fleet.key)
      .map((r) => r.atMs)
      .sort((a, b) => a - b),
  };
}

/** Writes one chunk of steps in one commit; returns the storage error's message, if any. */
function writeChunk(
  core: KilowatchConsole,
  store: Store,
  devices: DevicePlan[],
  supply: SupplyPlan,
  steps: readonly Step[],
  stats: { minuteRows: number; rollupRows: number; gaps: number; resets: number },
): string | null {
  // What live ingest counted so far goes first, so the totals this batch writes (shared rows)
  // never get ahead of the minutes on disk.
  core.writer.flush();
  const batch = new Batch();
  const unstored: MinuteRow[] = [];
  /** Today's share, added to the console's "today" only once it is on disk. */
  const today: Array<{ booked: Booked; energyUnits: number; returnedUnits: number; atMs: number }> = [];
  const curves = new Map<CurveKind, number>();
  /** Per office, this step: the signed draw of its meters and what they consumed, in units. */
  const offices = new Map<string, { net: number; consumed: number }>();
  for (const step of steps) {
    const midMs = step.startMs + step.minutes * 30_000;
    curves.clear();
    offices.clear();
    const winter = winterness(midMs);
    for (const d of devices) {
      const imported: number[] = [];
      const exported: number[] = [];
      const office = officeOf(d.fleet.spec.prefix);
      const drawn = offices.get(office) ?? { net: 0, consumed: 0 };
      offices.set(office, drawn);
      d.fleet.spec.loads.forEach((load, i) => {
        const feed = supply.feeds.get(load);
        if (feed) {
          // A main meter: its share of what the office drew in this step (the others came first).
          const units = supplyUnits(feed.share, drawn.net, drawn.consumed);
          imported.push(Math.max(0, units));
          exported.push(Math.max(0, -units));
          return;
        }
        let factor = curves.get(load.curve);
        if (factor === undefined) {
          factor = dayFactor(load.curve, midMs);
          curves.set(load.curve, factor);
        }
        const jitter = 1 + (d.prng.next() * 2 - 1) * (load.noise ?? 0.08);
        if (d.fleet.spec.family === 'plus2pmcover') {
          const units = coverUnits(load.peakW, step);
          imported.push(units);
          exported.push(0);
          drawn.net += units;
          drawn.consumed += units;
          return;
        }
        const watts = seasonalPowerW(load, factor, seasonFactor(d.seasons[i] ?? 'none', winter), jitter);
        const importUnits = Math.round(Math.max(0, watts) * step.minutes * UNITS_PER_W_MINUTE);
        const exportUnits = Math.round(Math.max(0, -watts) * step.minutes * UNITS_PER_W_MINUTE);
        imported.push(importUnits);
        exported.push(exportUnits);
        drawn.net += importUnits - exportUnits;
        drawn.consumed += importUnits;
      });
      const outage = d.outages.find((o) => step.startMs >= o.fromMs && step.startMs < o.toMs);
      const isRebooted = d.reboots.length > 0 && (d.reboots[0] as number) <= step.startMs;
      if (isRebooted) d.reboots.shift();
      for (const c of d.channels) {
        let energyUnits = 0;
        let returnedUnits = 0;
        for (const i of c.loadIndices) {
          energyUnits += imported[i] ?? 0;
          returnedUnits += exported[i] ?? 0;
        }
        if (outage) {
          // The counters keep counting while nobody hears them: the rise arrives with the next reading.
          c.held ??= { energyUnits: 0, returnedUnits: 0, fromMs: outage.fromMs };
          c.held.energyUnits += energyUnits;
          c.held.returnedUnits += returnedUnits;
          continue;
        }
        let gapFromS: number | null = null;
        const atMs = step.startMs + step.minutes * MINUTE_MS;
        if (c.held) {
          energyUnits += c.held.energyUnits;
          returnedUnits += c.held.returnedUnits;
          gapFromS = c.held.fromMs / 1000;
          batch.gaps.push({
            channelId: c.channel.row.id,
            placeId: c.placeId,
            fromS: gapFromS,
            toS: step.startMs / 1000,
          });
          stats.gaps++;
          c.held = null;
        }
        const importRise = c.channel.row.isGross ? energyUnits + returnedUnits : energyUnits;
        if (isRebooted && !c.channel.row.isPhase) {
          // Old firmware restarts its counter at every reboot: counted from zero, as ingest would.
          batch.addLedger({
            atMs,
            channelId: c.channel.row.id,
            direction: 'import',
            kind: 'reset',
            reason: null,
            previousUnits: c.importUnits,
            valueUnits: importRise,
            countedUnits: importRise,
          });
          c.importUnits = 0;
          stats.resets++;
        }
        c.importUnits += importRise;
        c.returnUnits += returnedUnits;
        if (gapFromS !== null) {
          batch.addLedger({
            atMs,
            channelId: c.channel.row.id,
            direction: 'import',
            kind: 'gap',
            reason: null,
            previousUnits: null,
            valueUnits: c.importUnits,
            countedUnits: importRise,
          });
        }
        if (energyUnits === 0 && returnedUnits === 0) continue;
        const minute = step.startMs / MINUTE_MS;
        c.chunkEnergy += energyUnits;
        c.chunkReturned += returnedUnits;
        if (step.isStored) {
          batch.addMinute(
            c.channel.row.id,
            minute,
            energyUnits,
            returnedUnits,
            gapFromS,
            c.placeId,
            c.booked.nodeIds,
            c.booked.bookingId,
            c.booked.shapedIds,
          );
          if (core.today.isToday(step.startMs))
            today.push({ booked: c.booked, energyUnits, returnedUnits, atMs: step.startMs });
        } else {
          unstored.push({
            channelId: c.channel.row.id,
            minute,
            energyUnits,
            returnedUnits,
            gapFromS,
            nodeIds: c.booked.nodeIds,
            shaped: c.booked.shapedIds,
          });
        }
      }
    }
  }
  batch.rollups = planRollups(
    (function* () {
      yield* batch.minutes.values();
      yield* unstored;
    })(),
    core.calendar,
    // With the demo's tariff its history has a price too, as live minutes do.
    core.writer.twinFinder(batch),
  );
  // Node by node, in time order: each insert lands next to the previous one in the rollup
  // tables' (node, start) B-trees instead of on a random page; several times faster to write.
  batch.rollups = batch.rollups.sortedByNodeAndStart();
  const added = addToTotals(devices, batch, 1);
  const result = store.commit(batch, { rollups: 'direct' });
  if (!result.ok) {
    addToTotals(devices, batch, -1);
    return result.error.message;
  }
  for (const c of added) {
    c.chunkEnergy = 0;
    c.chunkReturned = 0;
  }
  for (const t of today) {
    for (const node of t.booked.nodes) core.today.add(node, t.energyUnits, t.returnedUnits, t.atMs);
    for (const { node, shape } of t.booked.shaped)
      core.today.add(node, ...shaped(shape, t.energyUnits, t.returnedUnits), t.atMs);
  }
  stats.minuteRows += batch.minutes.size;
  stats.rollupRows += batch.rollups.length;
  return null;
}

/** Adds (sign 1) or takes back (−1) the chunk's energy on every node of every channel. */
function addToTotals(devices: DevicePlan[], batch: Batch, sign: 1 | -1): ChannelPlan[] {
  const touched: ChannelPlan[] = [];
  for (const d of devices) {
    for (const c of d.channels) {
      if (c.chunkEnergy === 0 && c.chunkReturned === 0) continue;
      touched.push(c);
      for (const row of c.booked.totals) {
        row.energyUnits += sign * c.chunkEnergy;
        row.returnedUnits += sign * c.chunkReturned;
        batch.totals.add(row);
      }
      for (const { shape, total } of c.booked.shaped) {
        const [e, r] = shaped(shape, c.chunkEnergy, c.chunkReturned);
        total.energyUnits += sign * e;
        total.returnedUnits += sign * r;
        batch.totals.add(total);
      }
    }
  }
  return touched;
}

/** One line for the log: what the backfill wrote, or why it wrote nothing. */
export function describeBackfill(report: BackfillReport): string {
  switch (report.status) {
    case 'skipped':
      return `demo history: not backfilled (${report.reason})`;
    case 'failed':
      return `demo history: backfill stopped: ${report.message}`;
    case 'done':
      return (
        `demo history: backfilled ${new Date(report.fromMs).toISOString().slice(0, 10)} to ` +
        `${new Date(report.toMs).toISOString().slice(0, 16)}Z for ${report.channels} channels in ` +
        `${(report.wroteMs / 1000).toFixed(1)} s (${report.minuteRows} minute rows, ${report.rollupRows} ` +
        `rollup rows, ${report.gaps} gaps, ${report.resets} resets)`
      );
  }
}
