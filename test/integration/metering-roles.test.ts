/**
 * Issue #13, item 3: metering roles. A building's main meter (a Pro 3EM on the incoming supply of
 * the office, in its plant room), two sub-metered rooms and a balcony solar inverter, all through a
 * real Mosquitto into a console on a real SQLite file:
 *
 * - before any role is set, everything is a load (the office counts the main meter on top of the
 *   rooms it feeds: the double count the issue found);
 * - once the Pro 3EM is the office's main meter and the inverter is generation, the office's
 *   consumption is import − export + production, `unmetered` = consumption − Σ sub-meters,
 *   production, export and self-consumption are reported, and the company follows the office;
 * - the energy counted before the change stays as it was counted; the change is in the ledger;
 * - the tree, today, every history resolution, the CSV, a rollup rebuild and the retained
 *   aggregates agree; roles from kilowatch.toml survive a restart and the console will not change them.
 */
import { parse } from 'csv-parse/sync';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';
import { dispatch } from '../../src/main/core/dispatch';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';
import { openConsole, type OpenOptions } from '../../src/main/core/open-console';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { retainedJson, testClient, waitFor } from '../support/mqtt-client';
import { switchNotify } from '../support/core';
import { tempDir } from '../support/temp-dir';

const MAIN = { id: 'shellypro3em-0a0b0c0d0e01', prefix: 'Acme/HQ/PlantRoom/MainBoard' };
const HEATER = { id: 'shellyplus1pm-0a0b0c0d0e02', prefix: 'Acme/HQ/Room1/Heater' };
const LAMP = { id: 'shellyplus1pm-0a0b0c0d0e03', prefix: 'Acme/HQ/Room2/Lamp' };
const PV = { id: 'shellyplus1pm-0a0b0c0d0e04', prefix: 'Acme/HQ/Balcony/PV' };
const OFFICE = 'office:Acme/HQ';
const COMPANY = 'company:Acme';
const START_S = Date.parse('2026-03-10T09:00:00Z') / 1000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function emdata(importWh: number, exportWh: number, atS: number): string {
  return JSON.stringify({
    src: MAIN.id,
    dst: `${MAIN.prefix}/events`,
    method: 'NotifyStatus',
    params: { ts: atS + 0.4, 'emdata:0': { id: 0, total_act: importWh, total_act_ret: exportWh } },
  });
}

/** A Plus 1PM on an inverter: aenergy counts both ways, ret_aenergy what went back (production). */
function inverter(totalWh: number, returnedWh: number, minuteS: number): string {
  return JSON.stringify({
    src: PV.id,
    dst: `${PV.prefix}/events`,
    method: 'NotifyStatus',
    params: {
      ts: minuteS + 0.3,
      'switch:0': {
        id: 0,
        aenergy: { by_minute: [0, 0, 0], minute_ts: minuteS, total: totalWh },
        ret_aenergy: { by_minute: [0, 0, 0], minute_ts: minuteS, total: returnedWh },
      },
    },
  });
}

interface Site {
  mosquitto: Mosquitto;
  dir: { path: string };
  publisher: MqttClient;
  setTime(s: number): void;
  open(extra?: Partial<OpenOptions>): Promise<ReturnType<typeof openConsoleOrThrow>>;
  send(topic: string, payload: string): Promise<void>;
}

function openConsoleOrThrow(options: OpenOptions) {
  const opened = openConsole(options);
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

async function site(): Promise<Site> {
  const mosquitto = await startMosquitto();
  cleanups.push(() => mosquitto.stop());
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const publisher = await testClient(mosquitto.url);
  cleanups.push(() => publisher.endAsync());
  let nowMs = START_S * 1000;
  let seen = 0;
  let current: ReturnType<typeof openConsoleOrThrow> | null = null;
  return {
    mosquitto,
    dir,
    publisher,
    setTime: (s) => void (nowMs = s * 1000),
    async open(extra = {}) {
      if (current) {
        await current.console.close();
        current.store.close();
      }
      current = openConsoleOrThrow({
        dbPath: `${dir.path}/kw.db`,
        outPrefix: 'kilowatch',
        publishIntervalS: 3600,
        clock: () => nowMs,
        timeZone: 'UTC',
        observe: () => void seen++,
        ...extra,
      });
      const opened = current;
      cleanups.push(async () => {
        if (current !== opened) return;
        await opened.console.close();
        opened.store.close();
        current = null;
      });
      expect(
        await opened.console.connect({
          name: 't',
          url: mosquitto.url,
          protocolVersion: 4,
          keepaliveS: 30,
          subscribe: ['Acme/#'],
        }),
      ).toBeNull();
      return opened;
    },
    async send(topic, payload) {
      const before = seen;
      await publisher.publishAsync(topic, payload, { qos: 1 });
      await waitFor(() => seen > before, 5000, `delivery on ${topic}`);
    },
  };
}

/** Publishes one minute of readings: counters as given, the console's clock a few seconds later. */
async function minute(
  s: Site,
  index: number,
  counters: { heater: number; lamp: number; main: [number, number]; pv: [number, number] },
) {
  const atS = START_S + index * 60;
  s.setTime(atS + 5);
  await s.send(`${HEATER.prefix}/events/rpc`, switchNotify(HEATER.id, HEATER.prefix, counters.heater, atS));
  await s.send(`${LAMP.prefix}/events/rpc`, switchNotify(LAMP.id, LAMP.prefix, counters.lamp, atS));
  await s.send(`${MAIN.prefix}/events/rpc`, emdata(counters.main[0], counters.main[1], atS));
  await s.send(`${PV.prefix}/events/rpc`, inverter(counters.pv[0], counters.pv[1], atS));
}

const byId = (totals: NodeTotals[]) => new Map(totals.map((t) => [t.id, t]));

describe('metering roles: main meters, sub-meters and solar (#13 item 3)', () => {
  it('takes a node from its main meter, shows the unmetered rest and production, and keeps what was counted before', async () => {
    const s = await site();
    // A flat tariff, so each figure's cost is its energy × 0.25 €/kWh (exports credited at 1 €/kWh).
    const tariff = TariffSchema.parse({
      currency: 'EUR',
      periods: [
        { from: '2026-01-01', feedInPerKWh: '1', standingPerDay: '0.35', bands: [{ perKWh: '0.25' }] },
      ],
    });
    const { console: core } = await s.open({ tariff });
    // Baselines, then one minute where everything is still a load.
    await minute(s, 0, { heater: 1000, lamp: 500, main: [10_000, 0], pv: [200, 100] });
    await minute(s, 1, { heater: 1050, lamp: 520, main: [10_120, 0], pv: [230, 130] });
    let tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    // The double count the issue found: the main meter summed with the rooms it feeds.
    expect(byId(tree.value.totals).get(OFFICE)?.energyWh).toBe(190);

    const main = await core.handlers['meter.role']({
      meter: `device:${MAIN.prefix}`,
      role: 'main',
      scope: 'office',
    });
    expect(main).toEqual({
      ok: true,
      value: { meter: `device:${MAIN.prefix}`, role: { role: 'main', scope: 'office', source: 'console' } },
    });
    const pv = await core.handlers['meter.role']({ meter: PV.id, role: 'generation' });
    expect(pv.ok).toBe(true);
    // A main meter needs its scope, and a phase is part of its meter: both said no clearly.
    const missingScope = await dispatch(
      core.handlers,
      'meter.role',
      { meter: PV.id, role: 'main' },
      () => {},
    );
    expect(missingScope).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const phase = await core.handlers['meter.role']({
      meter: `channel:${MAIN.prefix}|emdata:0/a`,
      role: 'generation',
    });
    expect(phase.ok).toBe(false);

    // Minute 3: 100 + 40 Wh of sub-metered loads, 60 Wh of solar, 130 Wh in and 10 Wh out at the main.
    await minute(s, 3, { heater: 1150, lamp: 560, main: [10_250, 10], pv: [290, 190] });
    tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    const totals = byId(tree.value.totals);
    const office = totals.get(OFFICE);
    // Before: 190 as counted. After: 130 − 10 + 60 = 180 (import − export + production).
    expect(office).toMatchObject({
      energyWh: 370,
      todayWh: 370,
      hasMain: true,
      unmeteredWh: 40, // 180 − (100 + 40)
      productionWh: 60,
      exportWh: 10,
      selfConsumptionWh: 50,
    });
    expect(totals.get(COMPANY)).toMatchObject({ energyWh: 370, productionWh: 60 });
    expect(totals.get(COMPANY)?.unmeteredWh).toBeUndefined(); // the company has no main meter of its own
    expect(totals.get('room:Acme/HQ/Room1')?.energyWh).toBe(150);
    expect(totals.get('room:Acme/HQ/Room2')?.energyWh).toBe(60);
    // The plant room housing the office's main meter does not consume what the meter measures.
    expect(totals.get('room:Acme/HQ/PlantRoom')?.energyWh).toBe(120);
    expect(totals.get('room:Acme/HQ/Balcony')).toMatchObject({ energyWh: 0, productionWh: 60 });
    // The meters themselves still show what they measured.
    expect(totals.get(`device:${MAIN.prefix}`)).toMatchObject({ energyWh: 250, returnedWh: 10 });

    const mainNode = tree.value.nodes
      .flatMap((c) => c.children)
      .flatMap((o) => o.children)
      .flatMap((r) => r.children)
      .find((d) => d.id === `device:${MAIN.prefix}`);
    expect(mainNode?.role).toEqual({ role: 'main', scope: 'office', source: 'console' });

    // Every resolution tells the same story, minutes included.
    const range = { from: '2026-03-10T00:00:00Z', to: '2026-03-11T00:00:00Z' };
    for (const resolution of ['minute', 'hour', 'day', 'month'] as const) {
      const history = await core.handlers['history.query']({ node: OFFICE, ...range, resolution });
      if (!history.ok) throw new Error(history.error.message);
      expect(history.value.total, resolution).toMatchObject({
        energyWh: 370,
        unmeteredWh: 40,
        productionWh: 60,
        exportWh: 10,
        selfConsumptionWh: 50,
        costMinor: 9, // 370 Wh: 9.25 c
        unmeteredCostMinor: 1, // 40 Wh
        // returnedWh 40 at 1 €/kWh: the inverter's 30 while it was still a load, then 10 exported.
        exportCreditMinor: 4,
      });
      expect(history.value.total.standingMinor, resolution).toBeUndefined(); // an office
      const company = await core.handlers['history.query']({ node: COMPANY, ...range, resolution });
      if (!company.ok) throw new Error(company.error.message);
      // The site's one supply contract: one day's standing charge, beside (not in) the energy's cost.
      expect(company.value.total, resolution).toMatchObject({ costMinor: 9, standingMinor: 35 });
    }
    const minutes = await core.handlers['history.query']({ node: OFFICE, ...range, resolution: 'minute' });
    if (!minutes.ok) throw new Error(minutes.error.message);
    // A switch's total stamped at the start of a minute belongs to the minute before (aenergy's
    // minute_ts); the Pro 3EM's counters carry no minute stamp. Per minute the remainder can be
    // negative (the sub-meters' minute is not the main meter's); over the range it is 40.
    expect(
      minutes.value.points.map((p) => [p.start.slice(11, 16), p.energyWh, p.unmeteredWh ?? null]),
    ).toEqual([
      ['09:00', 70, null], // heater 50 + lamp 20, loads (the inverter consumed nothing)
      ['09:01', 120, null], // the Pro 3EM, still a load
      ['09:02', 60, -80], // production 60; sub-meters 140 now below the office's main
      ['09:03', 120, 120], // main: 130 in − 10 out
    ]);

    // The CSV's energy follows the roles too.
    const csv = await core.handlers['report.csv']({
      node: OFFICE,
      ...range,
      resolution: 'hour',
      perChild: false,
      zone: 'utc',
    });
    if (!csv.ok) throw new Error(csv.error.message);
    const rows = parse(csv.value.csv, { columns: true }) as Array<Record<string, string>>;
    const isTotal = (r: Record<string, string>) => (r.note ?? '').startsWith('total');
    const kwh = rows.filter((r) => !isTotal(r)).reduce((sum, r) => sum + Number(r.energy_kwh), 0);
    expect(kwh).toBeCloseTo(0.37, 9);
    expect(Number(rows.find(isTotal)?.energy_kwh)).toBe(0.37);

    // The change is in the ledger of the channels it affects.
    const ledger = await core.handlers['ledger.query']({ node: `device:${MAIN.prefix}`, limit: 50 });
    if (!ledger.ok) throw new Error(ledger.error.message);
    expect(ledger.value.entries.filter((e) => e.kind === 'role').map((e) => e.reason)).toEqual([
      'load → main (office), set in the console',
    ]);

    // A rebuild from the minutes attributes every row exactly as ingest did.
    expect(core.rebuildRollups().differed).toBe(0);

    // The aggregates on the broker say the same.
    await core.publishAggregates();
    const published = await retainedJson(s.mosquitto.url, 'kilowatch/#');
    expect(published.get('kilowatch/Acme/HQ/energy')).toMatchObject({
      energyWh: 370,
      unmeteredWh: 40,
      productionWh: 60,
      exportWh: 10,
      selfConsumptionWh: 50,
    });
  });

  it('flags a negative unmetered remainder (sub-meters reading more than the main meter)', async () => {
    const s = await site();
    const { console: core } = await s.open({
      meterRoles: [{ device: MAIN.id, role: 'main', scope: 'office' }],
    });
    await minute(s, 0, { heater: 1000, lamp: 500, main: [10_000, 0], pv: [200, 100] });
    // The sub-meters saw 150 Wh, the main only 100: a wiring or role mistake.
    await minute(s, 1, { heater: 1100, lamp: 550, main: [10_100, 0], pv: [200, 100] });
    const tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    expect(byId(tree.value.totals).get(OFFICE)).toMatchObject({
      energyWh: 100,
      unmeteredWh: -50,
      hasMain: true,
    });
  });

  it('takes roles from kilowatch.toml, keeps them across a restart and will not change them from the console', async () => {
    const s = await site();
    const configured = { meterRoles: [{ device: MAIN.id, role: 'main' as const, scope: 'office' as const }] };
    let { console: core } = await s.open(configured);
    await minute(s, 0, { heater: 1000, lamp: 500, main: [10_000, 0], pv: [200, 100] });
    const refused = await core.handlers['meter.role']({ meter: `device:${MAIN.prefix}`, role: 'load' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('kilowatch.toml');

    ({ console: core } = await s.open(configured));
    await minute(s, 1, { heater: 1010, lamp: 505, main: [10_030, 0], pv: [200, 100] });
    let tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    expect(byId(tree.value.totals).get(OFFICE)).toMatchObject({ energyWh: 30, unmeteredWh: 15 });

    // Taken out of the file: a load again from then on, and the ledger says where it came from.
    ({ console: core } = await s.open({ meterRoles: [] }));
    await minute(s, 2, { heater: 1020, lamp: 510, main: [10_060, 0], pv: [200, 100] });
    tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    expect(byId(tree.value.totals).get(OFFICE)?.energyWh).toBe(30 + 10 + 5 + 30);
    const ledger = await core.handlers['ledger.query']({ node: `device:${MAIN.prefix}`, limit: 50 });
    if (!ledger.ok) throw new Error(ledger.error.message);
    expect(ledger.value.entries.filter((e) => e.kind === 'role').map((e) => e.reason)).toEqual([
      'main (office) → load, set in kilowatch.toml',
    ]);
  });
});
