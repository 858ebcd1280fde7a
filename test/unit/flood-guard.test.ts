/**
 * The flood guard (src/main/core/flood-guard.ts) with a hand-driven clock: a source is a flood
 * only after five whole seconds above 50 messages each, then only its latest message per topic is
 * read once a second until five quiet seconds end it; memory stays bounded. Then the same through
 * the real pipeline: one alert naming the device and its place, exact totals, dropped messages
 * counted under `rejected.flood`, and an info alert when it calms down. A counter reset inside the
 * flood loses nothing (the last reading before it is read, not replaced), and a persistent
 * session's backlog of `status/switch:N` (device-timed by `minute_ts` only) is history, not a flood.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, EventMessage } from '../../src/shared/contract';
import { FloodGuard, isLateHistory } from '../../src/main/core/flood-guard';
import { decodeShelly } from '../../src/main/core/shelly/decode';
import type { CounterFact, Fact } from '../../src/main/core/shelly/types';
import { testCore } from '../support/core';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { tempDir } from '../support/temp-dir';

const T0 = Date.parse('2025-03-10T08:00:00Z');

/** Sends `perSecond` messages in each of `seconds` seconds from `fromS`, evenly spread. */
function send(
  guard: FloodGuard<string>,
  source: string,
  o: { fromS: number; seconds: number; perSecond: number; topic?: string },
): Array<{ id: string; verdict: string; started: boolean }> {
  const out: Array<{ id: string; verdict: string; started: boolean }> = [];
  for (let s = 0; s < o.seconds; s++) {
    for (let i = 0; i < o.perSecond; i++) {
      const atMs = T0 + (o.fromS + s) * 1000 + Math.floor((i * 1000) / o.perSecond);
      const id = `${source}#${o.fromS + s}.${i}`;
      const a = guard.admit(source, o.topic ?? `${source}/events/rpc`, id, 100, atMs);
      out.push({ id, verdict: a.verdict, started: a.started !== undefined });
    }
  }
  return out;
}

describe('FloodGuard', () => {
  it('never flags a device at exactly 50 messages/s, however long', () => {
    const guard = new FloodGuard<string>();
    const results = send(guard, 'dev', { fromS: 0, seconds: 60, perSecond: 50 });
    expect(results.filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect(guard.isFlooding('dev')).toBe(false);
  });

  it('flags 1,000/s on the first message after five loud seconds, once, with the rate', () => {
    const guard = new FloodGuard<string>();
    const before = send(guard, 'dev', { fromS: 0, seconds: 5, perSecond: 1000 });
    expect(before.every((r) => r.verdict === 'pass')).toBe(true);
    const first = guard.admit('dev', 'dev/events/rpc', 'first', 100, T0 + 5000);
    expect(first).toEqual({
      verdict: 'held',
      dropped: 0,
      started: { source: 'dev', sinceMs: T0 + 5000, ratePerS: 1000 },
    });
    const rest = send(guard, 'dev', { fromS: 6, seconds: 3, perSecond: 1000 });
    expect(rest.filter((r) => r.started)).toEqual([]);
  });

  it('a burst, or loud seconds with a quiet one between, is not a flood', () => {
    const guard = new FloodGuard<string>();
    const burst = send(guard, 'a', { fromS: 0, seconds: 1, perSecond: 5000 });
    const loud = [
      ...send(guard, 'b', { fromS: 0, seconds: 4, perSecond: 200 }),
      ...send(guard, 'b', { fromS: 4, seconds: 1, perSecond: 50 }),
      ...send(guard, 'b', { fromS: 5, seconds: 4, perSecond: 200 }),
    ];
    expect([...burst, ...loud].filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect(guard.isFlooding('a') || guard.isFlooding('b')).toBe(false);
  });

  it('while flooding, reads the latest message per topic once a second and drops the rest', () => {
    const guard = new FloodGuard<string>();
    send(guard, 'dev', { fromS: 0, seconds: 5, perSecond: 100 });
    const events = send(guard, 'dev', { fromS: 5, seconds: 1, perSecond: 100, topic: 'dev/events/rpc' });
    const status = send(guard, 'dev', { fromS: 5, seconds: 1, perSecond: 10, topic: 'dev/status/switch:0' });
    expect(events.filter((r) => r.verdict === 'held')).toHaveLength(100);
    expect(guard.heldMessages).toBe(2);
    const { release, calmed } = guard.tick(T0 + 6000);
    expect(release).toEqual(['dev#5.99', 'dev#5.9']);
    expect(calmed).toEqual([]);
    expect(guard.heldMessages).toBe(0);
    expect(status.at(-1)?.verdict).toBe('held');
  });

  it('other sources pass untouched while one floods', () => {
    const guard = new FloodGuard<string>();
    send(guard, 'flooder', { fromS: 0, seconds: 6, perSecond: 1000 });
    const others = ['d1', 'd2', 'd3'].flatMap((d) => send(guard, d, { fromS: 0, seconds: 10, perSecond: 2 }));
    expect(guard.isFlooding('flooder')).toBe(true);
    expect(others.filter((r) => r.verdict !== 'pass')).toEqual([]);
  });

  it('ends the flood after five quiet seconds, says how many were dropped, and lets messages through', () => {
    const guard = new FloodGuard<string>();
    send(guard, 'dev', { fromS: 0, seconds: 5, perSecond: 100 }); // 500 read
    // Seconds 5, 6 and 7 flood: each keeps its latest (read at the next tick) and drops 99.
    send(guard, 'dev', { fromS: 5, seconds: 1, perSecond: 100 });
    expect(guard.tick(T0 + 6000).release).toEqual(['dev#5.99']);
    send(guard, 'dev', { fromS: 6, seconds: 1, perSecond: 100 });
    expect(guard.tick(T0 + 7000).release).toEqual(['dev#6.99']);
    send(guard, 'dev', { fromS: 7, seconds: 1, perSecond: 100 });
    let calmedAt = -1;
    let calmed: ReturnType<FloodGuard<string>['tick']>['calmed'] = [];
    for (let s = 8; s <= 20 && calmedAt < 0; s++) {
      const step = guard.tick(T0 + s * 1000);
      if (s === 8) expect(step.release).toEqual(['dev#7.99']);
      if (step.calmed.length > 0) {
        calmedAt = s;
        calmed = step.calmed;
      }
    }
    // Second 7 was the last loud one; 8, 9, 10, 11 and 12 are quiet: over at the tick of second 13.
    expect(calmedAt).toBe(13);
    expect(calmed).toEqual([
      { source: 'dev', sinceMs: T0 + 5000, untilMs: T0 + 13_000, dropped: 3 * 99, peakPerS: 100 },
    ]);
    expect(guard.isFlooding('dev')).toBe(false);
    expect(guard.admit('dev', 'dev/events/rpc', 'after', 100, T0 + 13_500).verdict).toBe('pass');
    expect(guard.tick(T0 + 14_000)).toEqual({ release: [], calmed: [] });
  });

  it('tracks at most maxSources, forgetting the least recently active but never a flood', () => {
    const guard = new FloodGuard<string>({ maxSources: 3 });
    send(guard, 'flooder', { fromS: 0, seconds: 6, perSecond: 60 });
    for (let i = 0; i < 50; i++) guard.admit(`dev${i}`, `dev${i}/online`, 'x', 10, T0 + 6000 + i);
    expect(guard.trackedSources).toBe(3);
    expect(guard.isFlooding('flooder')).toBe(true);
  });

  it('a held message the predicate says must be read first comes back at once, once per topic a second', () => {
    // Messages are counter values; a lower one is a reset after the held one.
    const guard = new FloodGuard<number>({}, (held, next) => next < held);
    for (let i = 0; i < 5 * 60; i++) guard.admit('dev', 'dev/t', 1, 10, T0 + Math.floor(i / 60) * 1000);
    const at = T0 + 5000;
    expect(guard.admit('dev', 'dev/t', 100, 10, at)).toMatchObject({ verdict: 'held', dropped: 0 });
    expect(guard.admit('dev', 'dev/t', 101, 10, at)).toEqual({ verdict: 'held', dropped: 1 });
    expect(guard.admit('dev', 'dev/t', 5, 10, at)).toEqual({ verdict: 'held', dropped: 0, readNow: 101 });
    expect(guard.admit('dev', 'dev/t', 6, 10, at)).toEqual({ verdict: 'held', dropped: 1 });
    // A second reset in the same second is a plain replacement: going up and down cannot read a flood whole.
    expect(guard.admit('dev', 'dev/t', 2, 10, at)).toEqual({ verdict: 'held', dropped: 1 });
    expect(guard.tick(at + 1000).release).toEqual([2]);
    expect(guard.admit('dev', 'dev/t', 50, 10, at + 1000)).toEqual({ verdict: 'held', dropped: 0 });
    expect(guard.admit('dev', 'dev/t', 1, 10, at + 1000)).toEqual({
      verdict: 'held',
      dropped: 0,
      readNow: 50,
    });
  });

  it('holds at most maxHeldPerSource topics and maxHeldBytes; beyond, the message is dropped', () => {
    const guard = new FloodGuard<string>({ maxHeldPerSource: 2, maxHeldBytes: 1000 });
    send(guard, 'dev', { fromS: 0, seconds: 5, perSecond: 60 });
    const at = T0 + 5000;
    expect(guard.admit('dev', 'dev/a', 'a', 100, at).verdict).toBe('held');
    expect(guard.admit('dev', 'dev/b', 'b', 100, at).verdict).toBe('held');
    expect(guard.admit('dev', 'dev/c', 'c', 100, at)).toEqual({ verdict: 'dropped', dropped: 1 });
    expect(guard.admit('dev', 'dev/a', 'a2', 100, at)).toEqual({ verdict: 'held', dropped: 1 });
    // Too big to hold: dropped, and the held message of its topic stays.
    expect(guard.admit('dev', 'dev/b', 'b-huge', 5000, at)).toEqual({ verdict: 'dropped', dropped: 1 });
    expect(guard.tick(at + 1000).release).toEqual(['a2', 'b']);
  });
});

describe('isLateHistory', () => {
  const counter = (secondaryS: number, isDeviceTimed: boolean): CounterFact => ({
    type: 'counter',
    component: 'switch:0',
    direction: 'import',
    units: 60_000,
    order: { primaryS: secondaryS, secondaryS },
    isDeviceTimed,
    isGen1: false,
    isPhase: false,
    isGross: true,
  });
  it('a device-timed reading more than two minutes before its arrival is history, not a flood', () => {
    const nowS = T0 / 1000;
    expect(isLateHistory([counter(nowS - 121, true)], T0)).toBe(true);
    expect(isLateHistory([counter(nowS - 120, true)], T0)).toBe(false);
    expect(isLateHistory([counter(nowS - 3600, false)], T0)).toBe(false);
    expect(isLateHistory([{ type: 'online', isOnline: true }], T0)).toBe(false);
  });

  /** `<id>/status/switch:0` as the device sends it: `minute_ts`, no `ts`, so ordered by arrival too. */
  const statusFacts = (minuteTsS: number, arrivalMs: number): Fact[] => {
    const payload = `{"id":0,"output":true,"apower":12.5,"aenergy":{"total":1523.117,"by_minute":[0,0,0],"minute_ts":${minuteTsS}}}`;
    const outcome = decodeShelly('shellyplus1pm-a8032ab10001/status/switch:0', Buffer.from(payload), {
      arrivalS: arrivalMs / 1000,
      isRetained: false,
    });
    if (outcome.kind !== 'device') throw new Error(`not decoded: ${JSON.stringify(outcome)}`);
    return outcome.facts;
  };

  it('reads the device time of status/switch:N from minute_ts, not from its arrival', () => {
    const nowS = T0 / 1000;
    // A backlog delivered an hour late: its minute_ts says so, though it arrives now.
    expect(isLateHistory(statusFacts(nowS - 3600, T0), T0)).toBe(true);
    // Live: minute_ts is the start of the current minute, up to a minute (plus a slow link) ago.
    expect(isLateHistory(statusFacts(nowS - 59, T0), T0)).toBe(false);
    expect(isLateHistory(statusFacts(nowS - 120, T0), T0)).toBe(false);
  });
});

describe('a flooding device through the pipeline', () => {
  const dirs: Array<{ remove(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('one alert naming it and its place, exact totals, drops counted, an info alert when calm', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`, new Date(T0).toISOString());
    const alerts: Alert[] = [];
    t.core.on((m: EventMessage) => {
      if (m.event === 'alert') alerts.push(m.payload as Alert);
    });
    const prefix = 'Aurora/Lisbon/Lab/Flooder';
    const src = plus1pmId(77);
    let mWh = 1_000_000;
    let sent = 0;
    // 200 messages/s for 10 s, each 1 mWh more, stamped by the device "now".
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 200; i++) {
        const atMs = T0 + s * 1000 + i * 5;
        t.setTime(atMs);
        const tsS = atMs / 1000;
        t.feed(
          `${prefix}/events/rpc`,
          notifyStatus(src, prefix, { tsS, minuteTsS: tsS - (tsS % 60), totalMWh: mWh }),
        );
        mWh++;
        sent++;
      }
      t.setTime(T0 + (s + 1) * 1000);
      t.core.ingest.releaseHeld();
    }
    for (let s = 11; s <= 17; s++) {
      t.setTime(T0 + s * 1000);
      t.core.ingest.releaseHeld();
    }
    t.core.alertRejections();

    const flood = alerts.filter((a) => (a.detail as { reason?: string } | undefined)?.reason === 'flood');
    expect(flood.map((a) => a.severity)).toEqual(['warning', 'info']);
    expect(flood[0]?.message).toContain(
      `${src} (Aurora / Lisbon / Lab / Flooder) is flooding: 200 messages/s`,
    );
    expect(flood[0]?.node).toBe(`device:${prefix}`);
    expect(flood[0]?.detail).toMatchObject({ device: src, path: ['Aurora', 'Lisbon', 'Lab', 'Flooder'] });
    // Seconds 0–4 read in full (1,000); seconds 5–9 keep one each: 5 × 199 dropped.
    const stats = await t.core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.rejected.flood).toBe(5 * 199);
    expect(stats.value.received).toBe(sent);
    expect(stats.value.applied).toBe(1000 + 5);
    expect(flood[1]?.detail).toMatchObject({ count: 5 * 199, device: src });
    // Every rise after the baseline reading: exact, though most messages were never read.
    expect(await t.totalWh(`device:${prefix}`)).toBe((sent - 1) / 1000);
    await t.close();
  });

  it('a counter reset in the middle of the flood: the last reading before it is read, the total is exact', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`, new Date(T0).toISOString());
    const resets: Alert[] = [];
    t.core.on((m: EventMessage) => {
      if (m.event === 'alert' && (m.payload as Alert).kind === 'counter-reset')
        resets.push(m.payload as Alert);
    });
    const prefix = 'Aurora/Lisbon/Lab/Rebooter';
    const src = plus1pmId(78);
    // 200 messages/s for 10 s; the device restarts in second 7 (flooding since second 5), just
    // after its 100th message there: its counter starts again from 0.
    const resetAt = 7 * 200 + 100;
    let before = 0;
    let after = 0;
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 200; i++) {
        const n = s * 200 + i;
        const atMs = T0 + s * 1000 + i * 5;
        t.setTime(atMs);
        const tsS = atMs / 1000;
        const mWh = n < resetAt ? 1_000_000 + n : n - resetAt;
        if (n < resetAt) before = mWh;
        else after = mWh;
        t.feed(
          `${prefix}/events/rpc`,
          notifyStatus(src, prefix, { tsS, minuteTsS: tsS - (tsS % 60), totalMWh: mWh }),
        );
      }
      t.setTime(T0 + (s + 1) * 1000);
      t.core.ingest.releaseHeld();
    }
    for (let s = 11; s <= 17; s++) {
      t.setTime(T0 + s * 1000);
      t.core.ingest.releaseHeld();
    }
    // Every rise up to the last reading before the reset, then everything counted since.
    expect(before - 1_000_000).toBe(1499);
    expect(after).toBe(499);
    expect(await t.totalWh(`device:${prefix}`)).toBe((1499 + 499) / 1000);
    expect(resets).toHaveLength(1);
    const stats = await t.core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    // As above, plus the reading before the reset, read at once instead of dropped.
    expect(stats.value.applied).toBe(1000 + 5 + 1);
    expect(stats.value.rejected.flood).toBe(5 * 199 - 1);
    await t.close();
  });

  it('a persistent session backlog of status/switch:0 at 200 messages/s is history: read in full', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`, new Date(T0).toISOString());
    const alerts: Alert[] = [];
    t.core.on((m: EventMessage) => {
      if (m.event === 'alert') alerts.push(m.payload as Alert);
    });
    const topic = `${plus1pmId(79)}/status/switch:0`;
    // One message a minute for 2,000 minutes up to 10 minutes ago, queued by the broker while the
    // console was away.
    const firstMinuteS = T0 / 1000 - 2010 * 60;
    let sent = 0;
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 200; i++) {
        t.setTime(T0 + s * 1000 + i * 5);
        const mWh = 1_000_000 + sent;
        const payload = `{"id":0,"output":true,"apower":60.0,"aenergy":{"total":${mWh / 1000},"by_minute":[0,0,0],"minute_ts":${firstMinuteS + sent * 60}}}`;
        t.feed(topic, payload);
        sent++;
      }
      t.setTime(T0 + (s + 1) * 1000);
      t.core.ingest.releaseHeld();
    }
    const stats = await t.core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.applied).toBe(sent);
    expect(stats.value.rejected.flood).toBeUndefined();
    expect(alerts.filter((a) => (a.detail as { reason?: string } | undefined)?.reason === 'flood')).toEqual(
      [],
    );
    expect(await t.totalWh(`device:${topic.split('/')[0]}`)).toBe((sent - 1) / 1000);
    await t.close();
  });
});
