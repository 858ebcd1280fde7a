/**
 * Issue #18, item 4: anomaly rules staff can read and tune. Devices of a Lisbon hotel publish
 * through a real Mosquitto into a console on a real SQLite file, with a clock the test drives.
 * Each rule kind fires on a scenario built to trigger it and stays silent on one built not to;
 * rules inherit (a company default, overridden by a room), quiet hours hold an alert back, rules
 * and episodes survive a restart, and each alert is marked as over when its condition clears.
 *
 * Lisbon is on UTC in January and February 2026, so local and UTC times agree throughout.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AuditEntry, Caller, EffectiveRule } from '../../src/shared/contract';
import { dispatch } from '../../src/main/core/dispatch';
import { openConsole } from '../../src/main/core/open-console';
import type { KilowatchConsole } from '../../src/main/core/console';
import { switchNotify } from '../support/core';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';
import type { MqttClient } from 'mqtt';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

interface Dev {
  src: string;
  prefix: string;
}
const BUSY: Dev = { src: 'shellyplus1pm-b0570000aa01', prefix: 'Hotel/Lisbon/Busy/Heater' };
const CALM: Dev = { src: 'shellyplus1pm-b0570000aa02', prefix: 'Hotel/Lisbon/Calm/Heater' };
const AC: Dev = { src: 'shellyplus1pm-b0570000aa03', prefix: 'Hotel/Porto/Kitchen/AC' };
const LAMP: Dev = { src: 'shellyplus1pm-b0570000aa04', prefix: 'Hotel/Porto/Kitchen/Lamp' };
const LOBBY_HT: Dev = { src: 'shellyhtg3-b0570000aa05', prefix: 'Hotel/Faro/Lobby/Thermo' };
const SPA_HT: Dev = { src: 'shellyhtg3-b0570000aa06', prefix: 'Hotel/Faro/Spa/Thermo' };

const COMPANY = 'company:Hotel';
const AC_RELAY = `channel:${AC.prefix}|switch:0`;
const LAMP_RELAY = `channel:${LAMP.prefix}|switch:0`;
const LOG = () => undefined;
const DESK: Caller = { via: 'web', session: 'desk-1', user: 'clerk', grant: 'desk' };

let mosquitto: Mosquitto;
let publisher: MqttClient;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  mosquitto = await startMosquitto();
  publisher = await testClient(mosquitto.url);
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});
afterAll(async () => {
  await publisher?.endAsync();
  await mosquitto?.stop();
});

/** A console on a fresh file (or `dbPath` again), subscribed to the hotel through Mosquitto. */
async function site(startIso: string, dbPath?: string) {
  const dir = dbPath ? null : tempDir();
  if (dir) cleanups.push(() => dir.remove());
  const path = dbPath ?? `${dir?.path}/kw.db`;
  let nowMs = at(startIso);
  // Per topic: the console also hears its own requests to the devices under Hotel/#.
  const seen = new Map<string, number>();
  const opened = openConsole({
    dbPath: path,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
    timeZone: 'Europe/Lisbon',
    observe: (topic) => void seen.set(topic, (seen.get(topic) ?? 0) + 1),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  let isClosed = false;
  const close = async () => {
    if (isClosed) return;
    isClosed = true;
    await core.close();
    store.close();
  };
  cleanups.push(close);
  expect(
    await core.connect({
      name: 't',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['Hotel/#'],
    }),
  ).toBeNull();

  const publish = async (dev: Dev, atMs: number, params: Record<string, unknown>, raw?: string) => {
    nowMs = atMs;
    const topic = `${dev.prefix}/events/rpc`;
    const before = seen.get(topic) ?? 0;
    const payload =
      raw ??
      JSON.stringify({
        src: dev.src,
        dst: `${dev.prefix}/events`,
        method: 'NotifyStatus',
        params: { ts: atMs / 1000, ...params },
      });
    await publisher.publishAsync(topic, payload, { qos: 1 });
    await waitFor(
      () => (seen.get(topic) ?? 0) > before,
      5000,
      `delivery to ${dev.prefix} at ${new Date(atMs).toISOString()}`,
    );
  };
  return {
    core,
    path,
    close,
    setTime: (ms: number) => void (nowMs = ms),
    /** A Plus 1PM's energy counter at `atMs` (its rise is booked in the minute before). */
    energy: (dev: Dev, atMs: number, totalWh: number) =>
      publish(dev, atMs, {}, switchNotify(dev.src, dev.prefix, totalWh, atMs / 1000)),
    /** A relay's state and power; its counter stays (these tests judge no energy of relays). */
    relay: (dev: Dev, atMs: number, on: boolean, apowerW: number) =>
      publish(dev, atMs, {
        'switch:0': {
          id: 0,
          output: on,
          apower: apowerW,
          aenergy: { by_minute: [0, 0, 0], minute_ts: Math.floor(atMs / MIN) * 60, total: 5000 },
        },
      }),
    climate: (dev: Dev, atMs: number, tC: number, rh: number) =>
      publish(dev, atMs, { 'temperature:0': { id: 0, tC }, 'humidity:0': { id: 0, rh } }),
    call: (command: string, params: unknown, caller?: Caller) =>
      dispatch(core.handlers, command, params, LOG, caller),
  };
}
type Site = Awaited<ReturnType<typeof site>>;

async function setRule(s: Site, node: string, kind: string, params: unknown): Promise<EffectiveRule> {
  const reply = await s.call('rules.set', { node, kind, params });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as EffectiveRule;
}

async function rulesAt(s: Site, node: string): Promise<Record<string, EffectiveRule>> {
  const reply = await s.call('rules.get', { node });
  if (!reply.ok) throw new Error(reply.error.message);
  const { rules } = reply.value as { rules: EffectiveRule[] };
  return Object.fromEntries(rules.map((r) => [r.kind, r]));
}

async function anomalies(core: KilowatchConsole): Promise<Alert[]> {
  const reply = await core.handlers['alerts.query']({
    kinds: ['anomaly'],
    includeCleared: false,
    limit: 500,
  });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value.alerts;
}

/** What each open anomaly alert is about: `rule node` → whether it is over. */
const summary = (alerts: readonly Alert[]) =>
  Object.fromEntries(
    alerts.map((a) => [
      `${(a.detail as { rule: string }).rule} ${a.node}`,
      a.resolvedAt === null ? 'on' : 'over',
    ]),
  );

describe('anomaly rules', () => {
  it('night-above-base and day-above-median fire for the room built to, not for the calm room or the places above', async () => {
    // 6 January to 3 February: each night 300 Wh (booked at 01:59), each day 1000 Wh more (at 11:59).
    // The busy room used 2000 Wh by day on Tuesday 3 February and 500 Wh last night (3–4 February).
    const s = await site('2026-01-05T12:00:00Z');
    const totals = new Map<Dev, number>([
      [BUSY, 10_000],
      [CALM, 20_000],
    ]);
    const read = async (dev: Dev, atMs: number, riseWh: number) => {
      totals.set(dev, (totals.get(dev) as number) + riseWh);
      await s.energy(dev, atMs, totals.get(dev) as number);
    };
    for (const dev of [BUSY, CALM]) await read(dev, at('2026-01-05T12:00:00Z'), 0);
    // Set before the history: a rule set is judged at once, and these are judged at 10:00 below.
    await setRule(s, COMPANY, 'night-above-base', { percent: 50 });
    await setRule(s, COMPANY, 'day-above-median', { percent: 50 });
    for (let day = at('2026-01-06T00:00:00Z'); day <= at('2026-02-04T00:00:00Z'); day += DAY) {
      const isLastNight = day === at('2026-02-04T00:00:00Z');
      for (const dev of [BUSY, CALM])
        await read(dev, day + 2 * HOUR, dev === BUSY && isLastNight ? 500 : 300);
      if (isLastNight) break;
      const isYesterday = day === at('2026-02-03T00:00:00Z');
      for (const dev of [BUSY, CALM])
        await read(dev, day + 12 * HOUR, dev === BUSY && isYesterday ? 2000 : 1000);
    }
    s.setTime(at('2026-02-04T10:00:00Z'));
    const checked = s.core.checkAnomalies();

    // Busy: night 500 vs 300 (+67 %), day 2300 vs 1300 (+77 %). Office and company: 800 vs 600
    // (+33 %), 3600 vs 2600 (+38 %). The calm room: exactly its usual.
    expect(checked.raised.map((f) => `${f.kind} ${f.node}`).sort()).toEqual([
      'day-above-median room:Hotel/Lisbon/Busy',
      'night-above-base room:Hotel/Lisbon/Busy',
    ]);
    const alerts = await anomalies(s.core);
    const night = alerts.find((a) => (a.detail as { rule: string }).rule === 'night-above-base') as Alert;
    expect(night).toMatchObject({
      kind: 'anomaly',
      severity: 'warning',
      node: 'room:Hotel/Lisbon/Busy',
      path: 'Hotel / Lisbon / Busy',
      detail: {
        rule: 'night-above-base',
        figure: 500,
        threshold: 450,
        unit: 'Wh',
        usualWh: 300,
        percent: 50,
        nights: 14,
        from: '2026-02-03T22:00:00.000Z',
        to: '2026-02-04T07:00:00.000Z',
      },
    });
    expect(night.message).toBe(
      'Busy used 500 Wh last night (22:00–07:00), 67 % above its usual 300 Wh (the median of 14 nights before); its rule allows 50 % above.',
    );
    const day = alerts.find((a) => (a.detail as { rule: string }).rule === 'day-above-median') as Alert;
    expect(day).toMatchObject({
      node: 'room:Hotel/Lisbon/Busy',
      detail: {
        figure: 2300,
        threshold: 1950,
        usualWh: 1300,
        weeks: 4,
        from: '2026-02-03T00:00:00.000Z',
        to: '2026-02-04T00:00:00.000Z',
      },
    });
    expect(day.message).toContain('Busy used 2.3 kWh on Tuesday 3 February, 77 % above the median');

    // Once per episode: the next checks raise nothing, and the alerts are counted once.
    s.setTime(at('2026-02-04T10:01:00Z'));
    expect(s.core.checkAnomalies()).toEqual({ raised: [], ended: [] });
    expect((await anomalies(s.core)).map((a) => a.count)).toEqual([1, 1]);

    // Wednesday used 1500 Wh (its weekday's median is 1300: +15 %), last night was 300 again: both over.
    for (const dev of [BUSY, CALM]) await read(dev, at('2026-02-04T12:00:00Z'), 1000);
    for (const dev of [BUSY, CALM]) await read(dev, at('2026-02-05T02:00:00Z'), 300);
    s.setTime(at('2026-02-05T10:00:00Z'));
    const cleared = s.core.checkAnomalies();
    expect(cleared.raised).toEqual([]);
    expect(cleared.ended.sort()).toEqual([
      'anomaly:day-above-median:room:Hotel/Lisbon/Busy',
      'anomaly:night-above-base:room:Hotel/Lisbon/Busy',
    ]);
    const over = await anomalies(s.core);
    expect(summary(over)).toEqual({
      'day-above-median room:Hotel/Lisbon/Busy': 'over',
      'night-above-base room:Hotel/Lisbon/Busy': 'over',
    });
    expect(over.every((a) => a.resolvedAt === '2026-02-05T10:00:00.000Z')).toBe(true);
  });

  it('on-too-long and power-ceiling fire for the relay built to, and are over once it switches off', async () => {
    const s = await site('2026-02-04T08:00:00Z');
    await s.relay(AC, at('2026-02-04T08:00:00Z'), true, 2500);
    await s.relay(LAMP, at('2026-02-04T18:00:00Z'), true, 60);
    // A company default for every relay; ceilings are each device's own.
    await setRule(s, COMPANY, 'on-too-long', { hours: 12 });
    await setRule(s, `device:${AC.prefix}`, 'power-ceiling', { watts: 2000 });
    await setRule(s, `device:${LAMP.prefix}`, 'power-ceiling', { watts: 2000 });
    expect((await rulesAt(s, LAMP_RELAY))['on-too-long']).toEqual({
      kind: 'on-too-long',
      source: 'inherited',
      from: COMPANY,
      params: { hours: 12 },
      judgedHere: true,
      settableHere: true,
    });
    // A ceiling is not passed down: the room below the company has none.
    expect((await rulesAt(s, 'room:Hotel/Porto/Kitchen'))['power-ceiling']).toMatchObject({
      source: 'off',
      from: null,
    });

    // 11 h 59 min on: not yet.
    await s.relay(AC, at('2026-02-04T19:59:00Z'), true, 2500);
    expect(s.core.checkAnomalies().raised.map((f) => `${f.kind} ${f.node}`)).toEqual([
      `power-ceiling device:${AC.prefix}`,
    ]);
    // 12 h 30 min for the AC, 2 h 30 for the lamp.
    await s.relay(AC, at('2026-02-04T20:29:00Z'), true, 2500);
    await s.relay(LAMP, at('2026-02-04T20:29:30Z'), true, 60);
    s.setTime(at('2026-02-04T20:30:00Z'));
    const late = s.core.checkAnomalies();
    expect(late.raised.map((f) => `${f.kind} ${f.node}`)).toEqual([`on-too-long ${AC_RELAY}`]);
    expect(late.raised[0]?.detail).toEqual({
      rule: 'on-too-long',
      figure: 12.5,
      threshold: 12,
      unit: 'h',
      from: '2026-02-04T08:00:00.000Z',
      to: '2026-02-04T20:30:00.000Z',
    });
    expect(late.raised[0]?.message).toBe(
      'AC (Relay 1) has been on for 12.5 h, longer than the 12 h its rule allows.',
    );
    const power = (await anomalies(s.core)).find((a) => a.node === `device:${AC.prefix}`) as Alert;
    expect(power.message).toBe('AC draws 2500 W, above its ceiling of 2000 W.');
    expect(power.detail).toMatchObject({ figure: 2500, threshold: 2000, unit: 'W' });

    await s.relay(AC, at('2026-02-04T21:00:00Z'), false, 0);
    const off = s.core.checkAnomalies();
    expect(off.ended.sort()).toEqual([
      `anomaly:on-too-long:${AC_RELAY}`,
      `anomaly:power-ceiling:device:${AC.prefix}`,
    ]);
    expect(summary(await anomalies(s.core))).toEqual({
      [`on-too-long ${AC_RELAY}`]: 'over',
      [`power-ceiling device:${AC.prefix}`]: 'over',
    });
  });

  it('silent and climate-band: a room overrides the company default, and both clear when readings come back', async () => {
    const s = await site('2026-02-04T09:00:00Z');
    await s.climate(LOBBY_HT, at('2026-02-04T09:00:00Z'), 28, 50);
    await s.climate(SPA_HT, at('2026-02-04T09:00:00Z'), 24, 50);
    // Each set is judged at once: the lobby's own band first, so the company's never applies there.
    await setRule(s, 'office:Hotel/Faro', 'silent', { minutes: 30 });
    await setRule(s, 'room:Hotel/Faro/Lobby', 'climate-band', { maxC: 30 });
    await setRule(s, COMPANY, 'climate-band', { maxC: 26, maxPct: 70 });
    expect(await anomalies(s.core)).toEqual([]);
    const lobby = await rulesAt(s, 'room:Hotel/Faro/Lobby');
    const spa = await rulesAt(s, 'room:Hotel/Faro/Spa');
    expect(lobby['climate-band']).toMatchObject({
      source: 'own',
      from: 'room:Hotel/Faro/Lobby',
      params: { maxC: 30 },
    });
    expect(spa['climate-band']).toMatchObject({
      source: 'inherited',
      from: COMPANY,
      params: { maxC: 26, maxPct: 70 },
    });
    expect(spa.silent).toMatchObject({ source: 'inherited', from: 'office:Hotel/Faro', judgedHere: false });
    expect(spa['on-too-long']).toMatchObject({ source: 'off', from: null, params: null });

    await s.climate(SPA_HT, at('2026-02-04T09:25:00Z'), 28, 50);
    s.setTime(at('2026-02-04T09:40:00Z'));
    const checked = s.core.checkAnomalies();
    expect(checked.raised.map((f) => `${f.kind} ${f.node}`).sort()).toEqual([
      'climate-band room:Hotel/Faro/Spa',
      `silent device:${LOBBY_HT.prefix}`,
    ]);
    const [climate, silent] = [...checked.raised].sort((a, b) => a.kind.localeCompare(b.kind));
    expect(climate?.message).toBe('Spa: Thermo reads 28 °C temperature, above the band’s maximum of 26 °C.');
    expect(climate?.detail).toMatchObject({ figure: 28, threshold: 26, unit: '°C', quantity: 'temperature' });
    expect(silent?.message).toBe(
      'Thermo has not reported for 40 minutes (last at 2026-02-04T09:00:00.000Z); its rule allows 30.',
    );

    // Humidity is judged too, on its own episode.
    await s.climate(SPA_HT, at('2026-02-04T09:41:00Z'), 28, 75);
    expect(s.core.checkAnomalies().raised.map((f) => f.subject)).toEqual([
      `anomaly:climate-band:room:Hotel/Faro/Spa:${SPA_HT.src}:humidity`,
    ]);

    await s.climate(LOBBY_HT, at('2026-02-04T09:45:00Z'), 25, 50);
    await s.climate(SPA_HT, at('2026-02-04T09:45:00Z'), 24, 50);
    const back = s.core.checkAnomalies();
    expect(back.raised).toEqual([]);
    expect(back.ended).toHaveLength(3);
    expect((await anomalies(s.core)).map((a) => a.resolvedAt)).toEqual([
      '2026-02-04T09:45:00.000Z',
      '2026-02-04T09:45:00.000Z',
      '2026-02-04T09:45:00.000Z',
    ]);
  });

  it('quiet hours hold an alert back until they end, if the condition still holds', async () => {
    const s = await site('2026-02-04T21:00:00Z');
    await s.relay(AC, at('2026-02-04T21:00:00Z'), true, 1500);
    await setRule(s, `device:${AC.prefix}`, 'power-ceiling', {
      watts: 2000,
      quiet: { fromHour: 22, toHour: 7 },
    });
    await s.relay(AC, at('2026-02-04T23:00:00Z'), true, 2500);
    expect(s.core.checkAnomalies().raised).toEqual([]);
    await s.relay(AC, at('2026-02-05T06:59:00Z'), true, 2500);
    expect(s.core.checkAnomalies().raised).toEqual([]);
    await s.relay(AC, at('2026-02-05T07:00:00Z'), true, 2500);
    expect(s.core.checkAnomalies().raised.map((f) => f.kind)).toEqual(['power-ceiling']);
    // Without quiet hours the same scenario raises at once: the rule is what held it back.
    const t = await site('2026-02-04T21:00:00Z');
    await t.relay(AC, at('2026-02-04T21:00:00Z'), true, 1500);
    await setRule(t, `device:${AC.prefix}`, 'power-ceiling', { watts: 2000 });
    await t.relay(AC, at('2026-02-04T23:00:00Z'), true, 2500);
    expect(t.core.checkAnomalies().raised.map((f) => f.kind)).toEqual(['power-ceiling']);
  });

  it('keeps rules, episodes and since when a relay is on across a restart', async () => {
    const s = await site('2026-02-04T08:00:00Z');
    await s.relay(AC, at('2026-02-04T08:00:00Z'), true, 2500);
    await setRule(s, COMPANY, 'on-too-long', { hours: 12 });
    // Judged at once: the AC draws 2500 W.
    await setRule(s, `device:${AC.prefix}`, 'power-ceiling', { watts: 2000 });
    expect(summary(await anomalies(s.core))).toEqual({ [`power-ceiling device:${AC.prefix}`]: 'on' });
    await setRule(s, 'room:Hotel/Porto/Kitchen', 'on-too-long', {
      hours: 10,
      quiet: { fromHour: 1, toHour: 5 },
    });
    expect(s.core.checkAnomalies()).toEqual({ raised: [], ended: [] });
    const before = await rulesAt(s, AC_RELAY);
    await s.close();

    const again = await site('2026-02-04T15:00:00Z', s.path);
    expect(await rulesAt(again, AC_RELAY)).toEqual(before);
    expect(before['on-too-long']).toMatchObject({ from: 'room:Hotel/Porto/Kitchen', params: { hours: 10 } });
    // The power episode is still under way: not raised again.
    await again.relay(AC, at('2026-02-04T15:00:00Z'), true, 2500);
    expect(again.core.checkAnomalies().raised).toEqual([]);
    // On since 08:00 (before the restart), not since the console came back at 15:00.
    await again.relay(AC, at('2026-02-04T18:30:00Z'), true, 2500);
    const late = again.core.checkAnomalies();
    expect(late.raised.map((f) => [f.kind, f.detail.figure, f.detail.from])).toEqual([
      ['on-too-long', 10.5, '2026-02-04T08:00:00.000Z'],
    ]);
    expect(
      (await anomalies(again.core)).map((a) => [(a.detail as { rule: string }).rule, a.count]).sort(),
    ).toEqual([
      ['on-too-long', 1],
      ['power-ceiling', 1],
    ]);
    // Removing the room's rule: the company's 12 h is in force again, and 10.5 h is within it.
    await setRule(again, 'room:Hotel/Porto/Kitchen', 'on-too-long', null);
    expect((await rulesAt(again, AC_RELAY))['on-too-long']).toMatchObject({
      source: 'inherited',
      from: COMPANY,
    });
    expect(summary(await anomalies(again.core))).toEqual({
      [`on-too-long ${AC_RELAY}`]: 'over',
      [`power-ceiling device:${AC.prefix}`]: 'on',
    });
    // Turning it off at the device stops what it inherits.
    await setRule(again, `device:${AC.prefix}`, 'on-too-long', { off: true });
    expect((await rulesAt(again, AC_RELAY))['on-too-long']).toMatchObject({
      source: 'off',
      from: `device:${AC.prefix}`,
      params: null,
    });
  });

  it('refuses rules.set at the desk and with bad figures, in words, and audits it', async () => {
    const s = await site('2026-02-04T08:00:00Z');
    await s.relay(AC, at('2026-02-04T08:00:00Z'), true, 2500);
    const desk = await s.call(
      'rules.set',
      { node: COMPANY, kind: 'on-too-long', params: { hours: 5 } },
      DESK,
    );
    expect(desk).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await rulesAt(s, COMPANY))['on-too-long']).toMatchObject({ source: 'off', from: null });
    // The desk may read them.
    expect(await s.call('rules.get', { node: COMPANY }, DESK)).toMatchObject({ ok: true });

    const bad = async (params: unknown) => s.call('rules.set', params);
    expect(await bad({ node: COMPANY, kind: 'on-too-long', params: { hours: -1 } })).toEqual({
      ok: false,
      error: { code: 'invalid-params', message: 'params.hours: hours must be more than 0' },
    });
    expect(await bad({ node: COMPANY, kind: 'on-too-long', params: { hourz: 3 } })).toMatchObject({
      ok: false,
      error: { code: 'invalid-params', message: expect.stringContaining('on-too-long has no hourz') },
    });
    expect(await bad({ node: COMPANY, kind: 'climate-band', params: { minC: 25, maxC: 20 } })).toMatchObject({
      error: { code: 'invalid-params', message: 'params: minC must be below maxC' },
    });
    expect(
      await bad({ node: COMPANY, kind: 'silent', params: { minutes: 5, quiet: { fromHour: 7, toHour: 7 } } }),
    ).toMatchObject({
      error: {
        code: 'invalid-params',
        message: expect.stringMatching(/^params.quiet: quiet hours from and to must differ/),
      },
    });
    expect(
      await bad({ node: `device:${AC.prefix}`, kind: 'night-above-base', params: { percent: 50 } }),
    ).toEqual({
      ok: false,
      error: {
        code: 'invalid-params',
        message: 'node: a night-above-base rule is set on companies, offices and rooms, not on devices.',
      },
    });
    expect(
      await bad({ node: 'room:Hotel/Nowhere/Attic', kind: 'silent', params: { minutes: 5 } }),
    ).toMatchObject({
      error: { code: 'not-found' },
    });
    expect(await bad({ node: COMPANY, kind: 'no-such-rule', params: {} })).toMatchObject({
      error: { code: 'invalid-params' },
    });

    await setRule(s, COMPANY, 'on-too-long', { hours: 5 });
    await setRule(s, COMPANY, 'on-too-long', { hours: 6 });
    const trail = await s.call('audit.query', { action: 'rules.set' });
    if (!trail.ok) throw new Error(trail.error.message);
    const entries = (trail.value as { entries: AuditEntry[] }).entries;
    expect(entries.map((e) => [e.outcome, e.role, e.target, e.before, e.after])).toEqual([
      ['done', 'manager', 'on-too-long of company:Hotel', '{"hours":5}', '{"hours":6}'],
      ['done', 'manager', 'on-too-long of company:Hotel', 'none of its own', '{"hours":5}'],
      ['failed', 'manager', 'silent of room:Hotel/Nowhere/Attic', 'none of its own', '{"minutes":5}'],
      [
        'failed',
        'manager',
        'night-above-base of device:Hotel/Porto/Kitchen/AC',
        'none of its own',
        '{"percent":50}',
      ],
      ['denied', 'desk', 'on-too-long of company:Hotel', 'none of its own', '{"hours":5}'],
    ]);
  });
});
