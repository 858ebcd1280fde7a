/**
 * Fault drill: one Plus 1PM-like device floods 1,000 messages/s for 30 s (each 1 mWh more, stamped
 * with its clock's "now") while five others report once a second, all through a real Mosquitto
 * into the built headless console. The flood guard (src/main/core/flood-guard.ts) must notice it
 * and say so once, naming the device, its place, the rate and what it does about it; thin it to the
 * latest message per second; and say when it calmed down. Nothing of the others may be lost, the
 * flooder's own total must be exact (its counter is cumulative: the last reading carries every
 * rise), every dropped message must be counted, and the console's memory must stay flat.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  command,
  killHard,
  sleep,
  startConsole,
  until,
  watchAggregates,
  type AggregateWatch,
} from '../support/console-run';
import { assertBuilt, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';
import { EventLog, type PushedEvent } from './support/console-watch';
import { drillFleet, MinuteStream, SimDevice } from './support/fleet';
import { drillRng } from './support/prng';
import { baselinesStored, expectedMWh, settleExact } from './support/readback';

const FLOOD_PER_S = 1_000;
const FLOOD_S = 30;
const OTHERS = 5;
/** The others report once a second: a normal rate (a real Plus 1PM sends aenergy once a minute). */
const OTHERS_PACE_MS = 1_000;
const FLOODER_PREFIX = 'Site/Office/Room3/Flooder';
/**
 * The console's resident memory may grow by this much over its level just before the flood. The
 * guard keeps at most one message per topic of the flooder (a few hundred bytes) and nothing per
 * dropped message, so what is left is the garbage of parsing 1,000 JSON messages a second before
 * V8 collects it (its young generation is 16–32 MiB) and SQLite's page cache filling up: 64 MiB is
 * well above that and far below what keeping 30,000 messages' worth of work (or a queue of them)
 * would take.
 */
const RSS_HEADROOM_KIB = 64 * 1024;

interface Stats {
  received: number;
  applied: number;
  ignored: number;
  rejected: Record<string, number>;
}

function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

describe(`one device flooding ${FLOOD_PER_S} messages/s for ${FLOOD_S} s among ${OTHERS} normal ones`, () => {
  const random = drillRng('flood');
  let broker: Mosquitto | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  let dbPath = '';
  let headless: Headless | undefined;
  let events: EventLog | undefined;
  let watch: AggregateWatch | undefined;
  let others: SimDevice[] = [];
  let flooder: SimDevice | undefined;
  let exact: Awaited<ReturnType<typeof settleExact>> | undefined;
  let stats: Stats | undefined;
  let floodAlerts: PushedEvent[] = [];
  let sent = 0;
  let floodSeconds = 0;
  let rssBeforeKiB = 0;
  let rssPeakKiB = 0;
  let failure: unknown = null;

  beforeAll(async () => {
    assertBuilt();
    broker = await startMosquitto();
    dir = tempDir('kw-drill-flood-');
    dbPath = `${dir.path}/kw.db`;
    headless = await startConsole({ brokerUrl: broker.url, dbPath, dir: dir.path });
    const console_ = headless;
    events = await EventLog.open(console_);
    watch = await watchAggregates(broker.url);

    others = drillFleet(OTHERS, random);
    flooder = new SimDevice(FLOODER_PREFIX, 'plus1pm', 99, 7_000_000);
    const device = flooder;
    for (const d of [...others, device]) await d.connect(broker.url, false);
    const stream = new MinuteStream(others, random, 200);
    // The flooder's clock says "now": a device talking now, not history delivered late.
    const now = () => {
      const tsS = Date.now() / 1000;
      return { tsS, minuteTsS: Math.floor(tsS / 60) * 60 };
    };
    await stream.next();
    await device.report(now());
    await baselinesStored(dbPath, [...others, device], 20_000);

    let isRunning = true;
    const pump = (async () => {
      while (isRunning) {
        await stream.next();
        await sleep(OTHERS_PACE_MS);
      }
    })().catch((e: unknown) => (failure = e));
    const pid = console_.child.pid as number;
    rssBeforeKiB = rssKiB(pid);
    rssPeakKiB = rssBeforeKiB;
    const sampler = setInterval(() => (rssPeakKiB = Math.max(rssPeakKiB, rssKiB(pid))), 250);

    // Paced by the clock: every few ms, publish what 1,000/s asks for by now.
    const acks: Array<Promise<boolean>> = [];
    const startedMs = Date.now();
    for (;;) {
      const elapsedMs = Date.now() - startedMs;
      if (elapsedMs >= FLOOD_S * 1000) break;
      const due = Math.floor((elapsedMs * FLOOD_PER_S) / 1000);
      for (; sent < due; sent++) {
        device.meter([1]);
        acks.push(device.report(now()));
      }
      await sleep(5);
    }
    floodSeconds = (Date.now() - startedMs) / 1000;
    await Promise.all(acks).catch((e: unknown) => (failure = e));

    // The guard ends a flood after five quiet seconds, at its once-a-second tick.
    const isCalm = (e: PushedEvent) =>
      e.event === 'alert' && e.payload.severity === 'info' && String(e.payload.message).includes(device.src);
    await until(
      async () => events?.events.some(isCalm) ?? false,
      (calm) => calm,
      20_000,
    );
    clearInterval(sampler);
    isRunning = false;
    await pump;
    exact = await settleExact(console_, watch, dbPath, [...others, device], 30_000);
    stats = await command<Stats>(console_, 'stats.get');
    floodAlerts = events.events.filter(
      (e) => e.event === 'alert' && (e.payload.detail as { reason?: string } | undefined)?.reason === 'flood',
    );
  }, 120_000);

  afterAll(async () => {
    const dropped = stats?.rejected.flood ?? 0;
    console.log(
      `[drill] flood: ${sent} messages in ${floodSeconds.toFixed(1)} s (${Math.round(sent / floodSeconds)}/s); ` +
        `${dropped} dropped by the guard; RSS ${Math.round(rssBeforeKiB / 1024)} MiB before, ` +
        `peak ${Math.round(rssPeakKiB / 1024)} MiB; alerts: ${floodAlerts.map((a) => a.payload.message).join(' | ')}`,
    );
    events?.close();
    await watch?.stop();
    for (const d of [...others, ...(flooder ? [flooder] : [])]) await d.close();
    if (headless) await killHard(headless.child);
    await broker?.stop();
    dir?.remove();
  });

  it('published the flood at the rate asked for, without a publisher error', () => {
    expect(failure).toBeNull();
    expect(sent).toBeGreaterThanOrEqual(FLOOD_PER_S * (FLOOD_S - 1));
    expect(sent / floodSeconds).toBeGreaterThan(0.95 * FLOOD_PER_S);
  });

  it('nothing of the others was lost: their channels, devices and rooms are exact everywhere', () => {
    const otherNodes = [...expectedMWh(others).keys()].filter(
      (n) => !n.startsWith('office') && !n.startsWith('company'),
    );
    const about = (lines: string[] | undefined) =>
      (lines ?? []).filter((l) => otherNodes.some((n) => l.includes(n)));
    expect(about(exact?.api)).toEqual([]);
    expect(about(exact?.aggregates)).toEqual([]);
    expect(about(exact?.stored)).toEqual([]);
  });

  it('the flooder’s total is exact too, and so are the office and company above it', () => {
    expect(exact).toEqual({ api: [], aggregates: [], stored: [] });
  });

  it('one warning names the flooder, its place, the rate and what is done; one info says it calmed down', () => {
    const device = flooder as SimDevice;
    expect(floodAlerts.map((a) => a.payload.severity)).toEqual(['warning', 'info']);
    const [start, end] = floodAlerts as [PushedEvent, PushedEvent];
    const detail = start.payload.detail as {
      device: string;
      path: string[];
      ratePerS: number;
      action: string;
    };
    expect(detail.device).toBe(device.src);
    expect(detail.path).toEqual(['Site', 'Office', 'Room3', 'Flooder']);
    // The rate the console saw over the five loud seconds: the flood's, give or take scheduling.
    expect(detail.ratePerS).toBeGreaterThan(0.8 * FLOOD_PER_S);
    expect(detail.ratePerS).toBeLessThan(1.2 * FLOOD_PER_S);
    expect(start.payload.message).toContain(
      `${device.src} (Site / Office / Room3 / Flooder) is flooding: ${detail.ratePerS} messages/s`,
    );
    expect(start.payload.message).toContain('only its latest message per topic is read each second');
    expect(start.payload.node).toBe(`device:${FLOODER_PREFIX}`);
    expect(end.payload.message).toContain(`${device.src} (Site / Office / Room3 / Flooder) calmed down`);
  });

  it('every dropped message is counted under rejected.flood, and every message is accounted for', () => {
    const s = stats as Stats;
    const dropped = s.rejected.flood ?? 0;
    const end = floodAlerts[1]?.payload.detail as { count: number };
    expect(end.count).toBe(dropped);
    // At most the first ~6 s are read in full, then one message a second: the rest is dropped.
    expect(dropped).toBeGreaterThan(sent - 8 * FLOOD_PER_S);
    expect(dropped).toBeLessThan(sent - 4 * FLOOD_PER_S);
    const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    expect(s.applied + s.ignored + rejected).toBe(s.received);
  });

  it(`the console's memory stayed within ${RSS_HEADROOM_KIB / 1024} MiB of its level before the flood`, () => {
    expect(rssPeakKiB - rssBeforeKiB).toBeLessThan(RSS_HEADROOM_KIB);
  });
});
