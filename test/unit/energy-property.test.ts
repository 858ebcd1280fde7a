/**
 * Property: whatever a realistic MQTT history of a few Plus 1PM devices looks like — duplicates,
 * adjacent reorders, retained replays of older messages, disconnect gaps, reboots that keep the
 * counter or restart it from 0 — the totals the real pipeline (decoder → energy rules → SQLite →
 * running totals → site.tree) reports for each device and room equal the energy the devices truly
 * metered after their first delivered reading.
 *
 * The ground truth is computed here from the simulated devices, never by calling the engine. The
 * generator keeps it well defined: a reboot that restarts the counter happens right after a
 * delivered reading (so no energy falls between the last reading and the reset), the reading right
 * after it is delivered and stays in place, and it is below the last value (otherwise no rule could
 * tell a restarted counter from a rise). Gaps only drop messages: the next reading carries the
 * energy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import { nodeId } from '../../src/main/core/site/placement';
import { notifyStatus, plus1pmId, scheduledRestart } from '../support/gen-plus1pm';
import { tempDir } from '../support/temp-dir';

/** A minute-aligned epoch second (2025-03-10T08:00:00Z). */
const T0 = 1_741_593_600;
/** 3 kW for one minute, in mWh: the most a step can add. */
const MAX_STEP_MWH = 50_000;
const WH_TOLERANCE = 1e-6;

interface Step {
  /** Energy metered during this minute, mWh. */
  deltaMWh: number;
  /** Seconds after minute_ts at which the reading is sent (2 decimals). */
  sendAfterCs: number;
  /** Start a disconnect gap at this minute: this many readings are lost (0 = none). */
  gap: number;
  /** The broker also sees the device go offline and online around the gap. */
  gapHasOnline: boolean;
  /** When the console is back after the gap, the broker first hands it the retained last value. */
  hasRetainedOnReconnect: boolean;
  isDuplicated: boolean;
  /** Swap this reading with the next one if they end up adjacent. */
  isSwapped: boolean;
  /** After this minute's reading: nothing, a reboot keeping the counter, or one restarting it at 0. */
  reboot: 'none' | 'keep' | 'reset';
  /** Replay this reading later as a retained copy, this many messages later (0 = never). */
  retainedReplayAfter: number;
}

interface DeviceHistory {
  room: number;
  startMWh: number;
  steps: Step[];
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  deltaMWh: fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: MAX_STEP_MWH }) },
  ),
  sendAfterCs: fc.integer({ min: 0, max: 5_999 }),
  gap: fc.oneof(
    { weight: 12, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) },
  ),
  gapHasOnline: fc.boolean(),
  hasRetainedOnReconnect: fc.boolean(),
  isDuplicated: fc.oneof(
    { weight: 8, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  isSwapped: fc.oneof(
    { weight: 6, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
  reboot: fc.oneof(
    { weight: 14, arbitrary: fc.constant('none' as const) },
    { weight: 1, arbitrary: fc.constant('keep' as const) },
    { weight: 2, arbitrary: fc.constant('reset' as const) },
  ),
  retainedReplayAfter: fc.oneof(
    { weight: 8, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }) },
  ),
});

const deviceArb: fc.Arbitrary<DeviceHistory> = fc.record({
  room: fc.integer({ min: 1, max: 2 }),
  // Small starting counters make drops large relative to the value; big ones make them small.
  startMWh: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 1_000_000_000 })),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }),
});

const historyArb = fc.record({
  devices: fc.array(deviceArb, { minLength: 1, maxLength: 4 }),
  interleaveSeed: fc.integer(),
});

interface Message {
  topic: string;
  payload: string;
  isRetained: boolean;
  /** Device time the message belongs to, for the arrival clock. */
  atS: number;
  /** The minute of a reading, or null for events and availability. */
  minute: number | null;
  /** A reading that must stay where it is (the first one after a counter restart). */
  isPinned: boolean;
  isSwapped: boolean;
}

interface Simulated {
  prefix: string;
  room: string;
  messages: Message[];
  truthMWh: number;
}

/** Builds one device's delivered messages and, independently of the engine, what it truly metered. */
function simulate(index: number, h: DeviceHistory): Simulated {
  const n = h.steps.length;
  const room = `Room${h.room}`;
  const prefix = `Site/Office/${room}/Dev${index}`;
  const src = plus1pmId(index);
  const topic = `${prefix}/events/rpc`;

  // Which readings are lost: gaps, except around a reboot (it happens right after a delivered
  // reading, and the reading after it is delivered too).
  const isLost = new Array<boolean>(n).fill(false);
  h.steps.forEach((s, m) => {
    for (let k = m; k < Math.min(n, m + s.gap); k++) isLost[k] = true;
  });
  h.steps.forEach((s, m) => {
    if (s.reboot !== 'none' && m + 1 < n) isLost[m] = isLost[m + 1] = false;
  });

  // The device itself: its counter, and the running sum of everything it metered.
  const metered: number[] = [];
  const pinned = new Set<number>();
  const list: Message[] = [];
  let counter = h.startMWh;
  let total = 0;
  let restartedFrom: number | null = null; // the counter value a restart dropped from
  let gapStart: Step | null = null; // the step that opened the current run of lost readings
  let lastLost: Message | null = null;
  for (let m = 0; m < n; m++) {
    const step = h.steps[m] as Step;
    let delta = step.deltaMWh;
    if (restartedFrom !== null) {
      // The first reading after a restart must be below the last one, or it would look like a rise.
      if (restartedFrom > 0) delta %= restartedFrom;
      restartedFrom = null;
    }
    counter += delta;
    total += delta;
    metered.push(total);
    const minuteTs = T0 + 60 * m;
    const tsS = minuteTs + step.sendAfterCs / 100;
    const reading: Message = {
      topic,
      payload: notifyStatus(src, prefix, { tsS, minuteTsS: minuteTs, totalMWh: counter }),
      isRetained: false,
      atS: tsS,
      minute: m,
      isPinned: pinned.has(m),
      isSwapped: step.isSwapped,
    };
    if (isLost[m]) {
      if (!gapStart) {
        gapStart = step;
        if (step.gapHasOnline) list.push(online(prefix, false, tsS));
      }
      lastLost = reading;
    } else {
      if (gapStart) {
        // Back after the gap: availability, and the broker's retained last value of the topic.
        if (gapStart.gapHasOnline) list.push(online(prefix, true, tsS - 1));
        if (gapStart.hasRetainedOnReconnect && lastLost)
          list.push({ ...lastLost, isRetained: true, atS: tsS - 1 });
        gapStart = null;
      }
      list.push(reading);
      if (step.isDuplicated) list.push({ ...reading });
    }
    if (step.reboot !== 'none' && m + 1 < n) {
      list.push({
        topic,
        payload: scheduledRestart(src, prefix, tsS + 1),
        isRetained: false,
        atS: tsS + 1,
        minute: null,
        isPinned: false,
        isSwapped: false,
      });
      list.push(online(prefix, false, tsS + 2), online(prefix, true, tsS + 5));
      if (step.reboot === 'reset') {
        restartedFrom = counter;
        counter = 0;
        pinned.add(m + 1);
      }
    }
  }
  // The history ends inside a gap: when the console comes back it only gets the retained last value.
  if (gapStart?.hasRetainedOnReconnect && lastLost) list.push({ ...lastLost, isRetained: true });

  // Adjacent readings swapped in delivery (never the pinned first reading after a restart).
  for (let j = 0; j + 1 < list.length; j++) {
    const a = list[j] as Message;
    const b = list[j + 1] as Message;
    if (
      a.isSwapped &&
      a.minute !== null &&
      b.minute !== null &&
      a.minute !== b.minute &&
      !a.isPinned &&
      !b.isPinned
    ) {
      list[j] = b;
      list[j + 1] = a;
      j++;
    }
  }

  // Retained copies of readings already delivered, replayed later (as a UNS broker would).
  const replays: Array<{ at: number; message: Message }> = [];
  list.forEach((msg, j) => {
    const step = msg.minute === null ? undefined : h.steps[msg.minute];
    if (!step || step.retainedReplayAfter === 0 || msg.isRetained) return;
    const at = Math.min(list.length, j + 1 + step.retainedReplayAfter);
    if (!replays.some((r) => r.message.payload === msg.payload))
      replays.push({ at, message: { ...msg, isRetained: true } });
  });
  replays.sort((a, b) => b.at - a.at);
  for (const r of replays) list.splice(r.at, 0, r.message);

  // Ground truth: everything metered after the first delivered reading up to the newest one.
  const readings = list.filter((msg) => msg.minute !== null);
  let truthMWh = 0;
  if (readings.length > 0) {
    const first = (readings[0] as Message).minute as number;
    const newest = Math.max(...readings.map((msg) => msg.minute as number));
    truthMWh = (metered[newest] as number) - (metered[first] as number);
  }
  return { prefix, room, messages: list, truthMWh };
}

function online(prefix: string, isOnline: boolean, atS: number): Message {
  return {
    topic: `${prefix}/online`,
    payload: String(isOnline),
    isRetained: false,
    atS,
    minute: null,
    isPinned: false,
    isSwapped: false,
  };
}

/** mulberry32: a tiny deterministic PRNG for interleaving the devices' streams. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Interleaves the devices' streams, keeping each device's own order. */
function interleave(streams: Message[][], seed: number): Message[] {
  const random = prng(seed);
  const cursors = streams.map(() => 0);
  const out: Message[] = [];
  for (;;) {
    const open = streams
      .map((s, i) => i)
      .filter((i) => (cursors[i] as number) < (streams[i] as Message[]).length);
    if (open.length === 0) return out;
    const i = open[Math.floor(random() * open.length)] as number;
    out.push((streams[i] as Message[])[cursors[i] as number] as Message);
    cursors[i] = (cursors[i] as number) + 1;
  }
}

async function totalsOf(core: KilowatchConsole): Promise<Map<string, number>> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return new Map(tree.value.totals.map((t: NodeTotals) => [t.id, t.energyWh]));
}

describe('energy property: totals equal what the devices truly metered', () => {
  it('holds for random Plus 1PM histories with duplicates, reorders, retained replays, gaps and reboots', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        async ({ devices, interleaveSeed }, restartAt) => {
          const simulated = devices.map((h, i) => simulate(i + 1, h));
          const stream = interleave(
            simulated.map((s) => s.messages),
            interleaveSeed,
          );

          const dir = tempDir('kw-prop-');
          let nowMs = T0 * 1000;
          const dbPath = `${dir.path}/kw.db`;
          const open = () => {
            const opened = openConsole({
              dbPath,
              outPrefix: 'kilowatch',
              publishIntervalS: 3600,
              clock: () => nowMs,
            });
            if (!opened.ok) throw new Error(opened.error.message);
            return opened.value;
          };
          let { console: core, store } = open();
          try {
            // The console itself restarts at a random point (or not at all): nothing it judged may change.
            const restartIndex = restartAt === null ? -1 : Math.floor(restartAt * stream.length);
            for (const [index, msg] of stream.entries()) {
              if (index === restartIndex) {
                expect(core.writer.flush()).toBe(true);
                await core.close();
                store.close();
                ({ console: core, store } = open());
              }
              // Arrival: after the device sent it, never before the previous arrival.
              nowMs = Math.max(nowMs + 1, Math.round(msg.atS * 1000) + 250);
              core.ingest.handle(msg.topic, Buffer.from(msg.payload, 'utf8'), msg.isRetained);
            }
            const check = (totals: Map<string, number>, when: string) => {
              const rooms = new Map<string, number>();
              for (const s of simulated) {
                const want = s.truthMWh / 1000;
                const got = totals.get(nodeId.device(s.prefix)) ?? 0;
                expect(
                  Math.abs(got - want),
                  `${when}: device ${s.prefix} got ${got} Wh, want ${want} Wh`,
                ).toBeLessThanOrEqual(WH_TOLERANCE);
                rooms.set(s.room, (rooms.get(s.room) ?? 0) + s.truthMWh);
              }
              for (const [room, mWh] of rooms) {
                const got = totals.get(`room:Site/Office/${room}`) ?? 0;
                expect(
                  Math.abs(got - mWh / 1000),
                  `${when}: room ${room} got ${got} Wh, want ${mWh / 1000} Wh`,
                ).toBeLessThanOrEqual(WH_TOLERANCE);
              }
              const all = [...rooms.values()].reduce((a, b) => a + b, 0) / 1000;
              expect(Math.abs((totals.get('office:Site/Office') ?? 0) - all)).toBeLessThanOrEqual(
                WH_TOLERANCE,
              );
              expect(Math.abs((totals.get('company:Site') ?? 0) - all)).toBeLessThanOrEqual(WH_TOLERANCE);
            };
            check(await totalsOf(core), 'live');
            expect(core.writer.flush()).toBe(true);
            // What was committed comes back after a restart: nothing lost, nothing repeated.
            await core.close();
            store.close();
            ({ console: core, store } = open());
            check(await totalsOf(core), 'after reopening the database');
          } finally {
            await core.close();
            store.close();
            dir.remove();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
