/// <reference lib="dom" />
/**
 * Renderer (issue #8 §5), in Debian's headless Chromium against the real headless console: a
 * fleet of Plus 1PMs under `Bench/Office<k>/Room<j>/Dev<i>` reports to a private Mosquitto until
 * the core knows every device, then keeps reporting once a minute per device (as Shellies do),
 * so `totals.live` flows at its coalesced 4 per second. Three rows:
 *   renderer-first-tree    navigation start → the first frame with tree rows (fresh context each run;
 *                          the rows of the first screenful, the whole tree's time is in the notes)
 *   renderer-longest-task  the longest main-thread task during the live window, from a Chromium
 *                          trace (every task, not only the ≥ 50 ms ones a PerformanceObserver
 *                          reports; its longtask entries are kept as a cross-check)
 *   renderer-scroll-fps    requestAnimationFrame callbacks per second while a script scrolls the
 *                          `[role="tree"]` element 100 px per frame, bouncing at the ends
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/support/browser';
import { freePort } from '../../test/support/mosquitto';
import { benchBroker } from '../lib/broker';
import { Child } from '../lib/child';
import { command, healthz, spawnHeadless, waitUntil, type Stats } from '../lib/headless';
import { repeat } from '../lib/repeat';
import { minuteSAgo, type FleetSpec } from '../lib/shelly-fleet';
import { median } from '../lib/stats';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/types';

interface BenchProbe {
  firstTreeMs: number | null;
  firstTreeFrameMs: number | null;
  longTasks: Array<{ startMs: number; durationMs: number }>;
  liveEvents: number;
}

declare global {
  interface Window {
    __bench: BenchProbe;
  }
}

/**
 * What the probe writes to the page's console once the first frame with tree rows is drawn.
 * Playwright's `waitForFunction` would poll on the page's main thread every frame (its injected
 * script first), competing with the very load being timed: 1,080 against 923 ms at the median,
 * 12 loads each, interleaved. A console message costs the page nothing.
 */
const FIRST_FRAME_SIGNAL = 'kilowatch-bench: first tree frame';

/** Installed before the app's own scripts: timings, and a count of totals.live pushes. */
function installProbe(firstFrameSignal: string): void {
  const probe: BenchProbe = { firstTreeMs: null, firstTreeFrameMs: null, longTasks: [], liveEvents: 0 };
  window.__bench = probe;
  const rows = new MutationObserver(() => {
    if (probe.firstTreeMs !== null || !document.querySelector('[role="treeitem"][data-node-id]')) return;
    probe.firstTreeMs = performance.now();
    rows.disconnect();
    requestAnimationFrame(() => {
      probe.firstTreeFrameMs = performance.now();
      console.debug(firstFrameSignal);
    });
  });
  rows.observe(document, { childList: true, subtree: true });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data === 'string' && event.data.startsWith('{"event":"totals.live"'))
          probe.liveEvents++;
      });
    }
  };
}

/** Long tasks from now on (started for the live window, not while the first runs time the load). */
function watchLongTasks(): void {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      window.__bench.longTasks.push({ startMs: e.startTime, durationMs: e.duration });
  }).observe({ type: 'longtask' });
}

async function openConsolePage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(…)`; functions
  // serialised into the page need that helper there too.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  const page = await context.newPage();
  await page.addInitScript(installProbe, FIRST_FRAME_SIGNAL);
  const firstFrame = page.waitForEvent('console', {
    predicate: (message) => message.text() === FIRST_FRAME_SIGNAL,
    timeout: 60_000,
  });
  await page.goto(url);
  await firstFrame;
  return { page, close: () => context.close() };
}

/** When the whole tree had been drawn and totals.get had been read (ms since navigation). */
async function wholeTreeIn(page: Page, devices: number): Promise<{ wholeTreeMs: number; totalsMs: number }> {
  const whole = await page.waitForFunction(
    (atLeast) => {
      const rows = Number(document.querySelector('[role="tree"]')?.getAttribute('data-row-count'));
      const totals = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/totals.get'));
      return !document.querySelector('[data-testid="tree-more"]') && rows >= atLeast && totals
        ? { wholeTreeMs: performance.now(), totalsMs: (totals as PerformanceResourceTiming).responseEnd }
        : false;
    },
    devices,
    { timeout: 60_000, polling: 'raf' },
  );
  return (await whole.jsonValue()) as { wholeTreeMs: number; totalsMs: number };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/** The longest task on the busiest renderer main thread of a Chromium trace, ms. */
function longestTask(trace: Buffer): { longestMs: number; tasks: number; over50: number } {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, number[]>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || !mains.has(thread)) continue;
    const list = byThread.get(thread) ?? [];
    list.push((e.dur ?? 0) / 1000);
    byThread.set(thread, list);
  }
  const busiest = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  return {
    longestMs: busiest.length > 0 ? Math.max(...busiest) : Number.NaN,
    tasks: busiest.length,
    over50: busiest.filter((d) => d >= 50).length,
  };
}

export const scenario: Scenario = {
  name: 'renderer',
  rows: ['renderer-first-tree', 'renderer-longest-task', 'renderer-scroll-fps'],
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const size = ctx.isQuick
      ? { devices: 1000, offices: 5, roomsPerOffice: 10, liveS: 10, scrollS: 2 }
      : { devices: 10_000, offices: 10, roomsPerOffice: 50, liveS: 60, scrollS: 5 };
    const spec: FleetSpec = {
      devices: size.devices,
      channelsPerDevice: 1,
      offices: size.offices,
      roomsPerOffice: size.roomsPerOffice,
    };
    const broker = await benchBroker(ctx);
    const headless = spawnHeadless(
      ['--broker', broker.url, '--db', join(ctx.tmp, 'renderer.db'), '--subscribe', 'Bench/#'],
      await freePort(),
      ctx.tmp,
    );
    ctx.defer(() => headless.stop());
    await waitUntil(async () => (await healthz(headless.url))?.broker === 'connected', 'the console', 30_000);

    const fleet = Child.start('publisher.ts');
    ctx.defer(() => fleet.stop());
    await fleet.ask({ type: 'open', url: broker.url, spec, startMinuteS: minuteSAgo(1), qos: 0 }, 'opened');
    const burstStarted = Date.now();
    await fleet.ask({ type: 'minute' }, 'minute-done');
    let stats: Stats | null = null;
    await waitUntil(
      async () => {
        stats = await command<Stats>(headless.url, 'stats.get');
        return stats.devices >= size.devices && stats.applied >= size.devices;
      },
      `the core to know ${size.devices} devices`,
      120_000,
      200,
    );
    ctx.log(
      `renderer: the core knows ${size.devices} devices (${Date.now() - burstStarted} ms after the burst)`,
    );
    // Each device once a minute from now on: a fleet's steady state, and totals.live every 250 ms.
    await fleet.ask({ type: 'stream', ratePerS: size.devices / 60 }, 'streaming');

    const browser = await launchChromium();
    ctx.defer(() => browser.close());

    const firstTree = await repeat(ctx, 'renderer-first-tree', async () => {
      const opened = await openConsolePage(browser, headless.url);
      try {
        const first = await opened.page.evaluate(() => {
          const tree = performance
            .getEntriesByType('resource')
            .find((e) => e.name.includes('/api/site.tree')) as PerformanceResourceTiming | undefined;
          return {
            frameMs: window.__bench.firstTreeFrameMs as number,
            domMs: window.__bench.firstTreeMs as number,
            firstScreenDataMs: tree?.responseEnd ?? Number.NaN,
            rows: document.querySelectorAll('[role="treeitem"]').length,
          };
        });
        // The first frame is a first screenful; the whole tree and the totals follow. Waited for
        // here too, so that they are reported and the next run does not start while the core
        // still answers this one.
        const whole = await wholeTreeIn(opened.page, size.devices);
        return { ...first, ...whole };
      } finally {
        await opened.close();
      }
    });

    const { page, close } = await openConsolePage(browser, headless.url);
    ctx.defer(close);
    // The window measures the page at work on live totals, not the rest of its loading.
    await wholeTreeIn(page, size.devices);
    await page.waitForTimeout(1000);
    await page.evaluate(watchLongTasks);
    await page.evaluate(() => {
      window.__bench.longTasks = [];
      window.__bench.liveEvents = 0;
    });
    ctx.log(`renderer: watching ${size.liveS} s of totals.live…`);
    let trace: ReturnType<typeof longestTask> | null = null;
    let traceError: string | null = null;
    await browser.startTracing(page, { categories: ['toplevel'] });
    await page.waitForTimeout(size.liveS * 1000);
    try {
      trace = longestTask(await browser.stopTracing());
    } catch (e) {
      traceError = e instanceof Error ? e.message : String(e);
    }
    const live = await page.evaluate(() => ({
      events: window.__bench.liveEvents,
      longTasks: window.__bench.longTasks.map((t) => t.durationMs),
    }));
    const observedMax = live.longTasks.length > 0 ? Math.max(...live.longTasks) : 0;
    const livePerS = live.events / size.liveS;

    const scroll = await repeat(ctx, 'renderer-scroll-fps', () =>
      page.evaluate(async (seconds) => {
        const tree = document.querySelector('[role="tree"]') as HTMLElement;
        let direction = 1;
        let frames = 0;
        let worstGapMs = 0;
        const rowsSeen = new Set<string>();
        const longTasksBefore = window.__bench.longTasks.length;
        return new Promise<{
          fps: number;
          worstGapMs: number;
          rowsSeen: number;
          scrollHeight: number;
          longTasks: number[];
        }>((resolve) => {
          let first = 0;
          let last = 0;
          const step = (t: number) => {
            if (frames === 0) first = t;
            else worstGapMs = Math.max(worstGapMs, t - last);
            last = t;
            frames++;
            const row = tree.querySelector('[role="treeitem"]');
            if (row) rowsSeen.add(row.getAttribute('data-node-id') ?? '');
            if (tree.scrollTop + tree.clientHeight >= tree.scrollHeight - 1) direction = -1;
            else if (tree.scrollTop <= 0) direction = 1;
            tree.scrollTop += 100 * direction;
            if (t - first < seconds * 1000) requestAnimationFrame(step);
            else
              resolve({
                fps: ((frames - 1) * 1000) / (t - first),
                worstGapMs,
                rowsSeen: rowsSeen.size,
                scrollHeight: tree.scrollHeight,
                longTasks: window.__bench.longTasks.slice(longTasksBefore).map((l) => l.durationMs),
              });
          };
          requestAnimationFrame(step);
        });
      }, size.scrollS),
    );
    await fleet.ask({ type: 'close' }, 'closed');

    const tree = firstTree[0];
    const sizeNote =
      `${size.devices.toLocaleString('en-US')} devices (${size.offices} offices × ${size.roomsPerOffice} rooms), ` +
      `${tree?.rows ?? 0} rows in the DOM of a virtualised tree`;
    return [
      {
        name: 'renderer-first-tree',
        metric: 'navigation → first frame with tree rows',
        unit: 'ms',
        samples: firstTree.map((r) => r.frameMs),
        target: { of: 'value', below: 1000 },
        notes: [
          `${sizeNote}; the first screenful's site.tree reply complete at median ` +
            `${Math.round(median(firstTree.map((r) => r.firstScreenDataMs)))} ms, its rows in the DOM at ` +
            `${Math.round(median(firstTree.map((r) => r.domMs)))} ms; the whole tree drawn at ` +
            `${Math.round(median(firstTree.map((r) => r.wholeTreeMs)))} ms, totals.get complete at ` +
            `${Math.round(median(firstTree.map((r) => r.totalsMs)))} ms (fresh browser context per run).`,
        ],
        details: { runs: firstTree },
      },
      {
        name: 'renderer-longest-task',
        metric: `longest main-thread task, ${size.liveS} s of totals.live`,
        unit: 'ms',
        samples: [trace && Number.isFinite(trace.longestMs) ? trace.longestMs : observedMax],
        target: { of: 'value', below: 50 },
        notes: [
          `one ${size.liveS} s window with ${live.events} totals.live pushes (${livePerS.toFixed(1)}/s) while the ` +
            `fleet reports once a minute per device (${Math.round(size.devices / 60)} msg/s); ` +
            (trace
              ? `${trace.tasks} main-thread tasks traced, ${trace.over50} of them ≥ 50 ms; `
              : `trace failed (${traceError}), value from PerformanceObserver; `) +
            `PerformanceObserver('longtask') saw ${live.longTasks.length} (longest ${Math.round(observedMax)} ms).`,
        ],
        details: { trace, longTasks: live.longTasks, liveEvents: live.events, seconds: size.liveS },
      },
      {
        name: 'renderer-scroll-fps',
        metric: 'frames/s scrolling the tree',
        unit: 'fps',
        samples: scroll.map((s) => s.fps),
        target: { of: 'value', atLeast: 55 },
        notes: [
          `${size.scrollS} s per run at 100 px per frame over ${scroll[0]?.scrollHeight ?? 0} px while totals.live ` +
            `flows; worst frame gap per run ${scroll.map((s) => Math.round(s.worstGapMs)).join(', ')} ms; ` +
            `long tasks (≥ 50 ms) while scrolling: ${scroll.flatMap((s) => s.longTasks).length}` +
            `${scroll.some((s) => s.longTasks.length > 0) ? ` (longest ${Math.round(Math.max(...scroll.flatMap((s) => s.longTasks)))} ms)` : ''}.`,
        ],
        details: { runs: scroll },
      },
    ];
  },
};
