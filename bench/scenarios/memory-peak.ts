/**
 * Memory (issue #8 §6 and issue #4's "flat over a one-hour simulated stream of 10,000 channels"):
 * the built headless core ingests a fleet of Plus 2PMs simulated minute by minute, every channel
 * one reading per simulated minute, as fast as it takes them. After each simulated minute has been
 * applied the core's resident set is read from /proc; the row reports the peak (VmHWM) and the
 * stream is flat when the RSS at the end is less than 10 % above the RSS after minute 5. The RSS
 * is a sawtooth (V8 collects its old generation every few minutes), so "at the end" and "after
 * minute 5" are medians over a window of a sixth of the stream (full: minutes 5–14 and 51–60).
 */
import { join } from 'node:path';
import { freePort } from '../../test/support/mosquitto';
import { benchBroker } from '../lib/broker';
import { Child } from '../lib/child';
import { command, healthz, spawnHeadless, waitUntil, type Stats } from '../lib/headless';
import { summariseProfile } from '../lib/cpu-profile';
import { readRss } from '../lib/proc';
import { repeat } from '../lib/repeat';
import { minuteSAgo, type FleetSpec } from '../lib/shelly-fleet';
import { median } from '../lib/stats';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types';

const FLAT_FROM_MINUTE = 5;
const FLAT_GROWTH = 0.1;
const PEAK_LIMIT_MB = 250;

interface MemoryRun {
  peakMB: number;
  rssByMinuteMB: number[];
  growthAfterMinute1: number;
  growthAfterMinute5: number;
  seconds: number;
  /** With --profile: V8 heap before → after each full (mark-compact) collection, MB. */
  fullGcs?: Array<{ beforeMB: number; afterMB: number }>;
}

/** `Mark-Compact 250.1 (270.3) -> 180.2 (275.0) MB` lines of `node --trace-gc`. */
function parseFullGcs(log: string): Array<{ beforeMB: number; afterMB: number }> {
  const out: Array<{ beforeMB: number; afterMB: number }> = [];
  for (const m of log.matchAll(/Mark-Compact[^\d]*([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g))
    out.push({ beforeMB: Number(m[1]), afterMB: Number(m[2]) });
  return out;
}

export const scenario: Scenario = {
  name: 'memory-peak',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const size = ctx.isQuick ? { devices: 1000, minutes: 10 } : { devices: 5000, minutes: 60 };
    const spec: FleetSpec = { devices: size.devices, channelsPerDevice: 2, offices: 10, roomsPerOffice: 50 };
    const channels = size.devices * 2;

    const runs = await repeat(
      ctx,
      'memory-peak',
      async ({ index, isWarmup }): Promise<MemoryRun> => {
        // The warm-up only warms caches (broker, page cache, the publisher): ten minutes are enough.
        const minutes = isWarmup ? Math.min(10, size.minutes) : size.minutes;
        const broker = await benchBroker(ctx);
        // --profile: the last run also traces V8's full collections, to tell live memory from garbage.
        const isProfiled = ctx.profileDir !== null && !isWarmup && index === Math.min(ctx.repetitions, 3) - 1;
        let gcLog = '';
        const keepFullGcs = (text: string) => {
          for (const line of text.split('\n')) if (line.includes('Mark-Compact')) gcLog += `${line}\n`;
        };
        const db = join(ctx.tmp, `memory-${index}-${isWarmup}.db`);
        const headless = spawnHeadless(
          ['--broker', broker.url, '--db', db, '--subscribe', 'Bench/#'],
          await freePort(),
          ctx.tmp,
          isProfiled ? ['--trace-gc', '--cpu-prof', '--cpu-prof-dir', ctx.profileDir as string] : [],
          isProfiled ? keepFullGcs : undefined,
        );
        const fleet = Child.start('publisher.ts');
        const measure = async (): Promise<MemoryRun> => {
          await waitUntil(
            async () => (await healthz(headless.url))?.broker === 'connected',
            'the console',
            30_000,
          );
          await fleet.ask(
            { type: 'open', url: broker.url, spec, startMinuteS: minuteSAgo(size.minutes + 1), qos: 0 },
            'opened',
          );
          const started = Date.now();
          const rssByMinuteMB: number[] = [];
          for (let m = 1; m <= minutes; m++) {
            await fleet.ask({ type: 'minute' }, 'minute-done');
            await waitUntil(
              async () => (await command<Stats>(headless.url, 'stats.get')).applied >= m * size.devices,
              `simulated minute ${m} to be applied`,
              120_000,
              25,
            );
            rssByMinuteMB.push(readRss(headless.pid).rssMB);
          }
          const { peakMB } = readRss(headless.pid);
          const window = Math.max(1, Math.floor(minutes / 6));
          const from = (minute: number) => median(rssByMinuteMB.slice(minute - 1, minute - 1 + window));
          const end = median(rssByMinuteMB.slice(-window));
          return {
            peakMB,
            rssByMinuteMB: rssByMinuteMB.map((mb) => Math.round(mb * 10) / 10),
            growthAfterMinute1: end / from(1) - 1,
            growthAfterMinute5: end / from(FLAT_FROM_MINUTE) - 1,
            seconds: (Date.now() - started) / 1000,
          };
        };
        let run: MemoryRun;
        let code: number | null;
        try {
          run = await measure();
        } finally {
          await fleet.stop();
          code = await headless.stop();
          await broker.stop();
        }
        if (code !== 0) throw new Error(`headless stopped with ${code}:\n${headless.output()}`);
        if (isProfiled) run.fullGcs = parseFullGcs(gcLog);
        return run;
      },
      { repetitions: Math.min(ctx.repetitions, 3) },
    );

    const isFlat = runs.every((r) => r.growthAfterMinute5 < FLAT_GROWTH);
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
    const shown = runs[runs.length - 1] as MemoryRun;
    const gcs = shown.fullGcs ?? [];
    const profile = ctx.profileDir ? await summariseProfile(ctx.profileDir, ctx.root) : null;
    return {
      name: 'memory-peak',
      metric: `peak RSS, ${channels.toLocaleString('en-US')} channels × ${size.minutes} simulated min`,
      unit: 'MB',
      samples: runs.map((r) => r.peakMB),
      target: { of: 'value', below: PEAK_LIMIT_MB },
      conditions: [
        {
          label:
            `flat: RSS at the end vs after minute ${FLAT_FROM_MINUTE} (medians over a sixth of the stream) ` +
            `${runs.map((r) => pct(r.growthAfterMinute5)).join(', ')} (limit +${FLAT_GROWTH * 100}%)`,
          isMet: isFlat,
        },
      ],
      notes: [
        `${channels.toLocaleString('en-US')} channels (${size.devices} Plus 2PM), one reading per channel per simulated ` +
          `minute, each minute published as fast as the core takes it (median ${Math.round(
            median(runs.map((r) => r.seconds)),
          )} s per run); growth after minute 1: ${runs.map((r) => pct(r.growthAfterMinute1)).join(', ')}.`,
        `RSS (MB) at each simulated minute, last run: ${shown.rssByMinuteMB.map((mb) => Math.round(mb)).join(' ')}`,
        ...(gcs.length > 0
          ? [
              `V8 heap at its ${gcs.length} full collections (last run, --trace-gc): before ` +
                `${Math.round(Math.min(...gcs.map((g) => g.beforeMB)))}–${Math.round(Math.max(...gcs.map((g) => g.beforeMB)))} MB, ` +
                `live after ${Math.round(Math.min(...gcs.map((g) => g.afterMB)))}–${Math.round(Math.max(...gcs.map((g) => g.afterMB)))} MB ` +
                `(first ${Math.round(gcs[0]?.afterMB ?? 0)}, last ${Math.round(gcs[gcs.length - 1]?.afterMB ?? 0)})`,
            ]
          : []),
        ...(profile?.lines ?? []),
      ],
      details: { runs },
    };
  },
};
