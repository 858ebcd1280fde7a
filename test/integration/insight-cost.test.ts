/**
 * insight.get with a tariff (issue #18, item 3: "energy and cost, with %"). A hotel in Lisbon
 * (UTC until 29 March 2026) feeds six weeks of readings through the real ingest into a real
 * SQLite file, with a clock the test drives. The tariff, written again here as plain numbers:
 *
 *   from 10 Feb: 0.10 €/kWh 00:00–06:00, 0.30 €/kWh 06:00–24:00
 *   from 12 Mar: 0.12 €/kWh 00:00–06:00, 0.40 €/kWh 06:00–24:00
 *
 * so everything before 10 February has no price. Every expected cost is worked out here from
 * what was fed: each booked rise (a reading books its rise in the minute before its own) times
 * the price of that minute, added exactly (bigint) and rounded once, half away from zero.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insight } from '../../src/shared/contract';
import { TariffSchema } from '../../src/main/core/cost/tariff-schema';
import { openConsole } from '../../src/main/core/open-console';
import type { KilowatchConsole } from '../../src/main/core/console';
import type { Store } from '../../src/main/core/store/store';
import { switchNotify } from '../support/core';
import { tempDir } from '../support/temp-dir';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-03-18T10:30:00Z'); // a Wednesday

const TARIFF = TariffSchema.parse({
  currency: 'EUR',
  periods: [
    {
      from: '2026-02-10',
      bands: [
        { from: '00:00', to: '06:00', perKWh: '0.10' },
        { from: '06:00', to: '24:00', perKWh: '0.30' },
      ],
    },
    {
      from: '2026-03-12',
      bands: [
        { from: '00:00', to: '06:00', perKWh: '0.12' },
        { from: '06:00', to: '24:00', perKWh: '0.40' },
      ],
    },
  ],
});

/** The price of the minute starting at `ms`, in tenths of a cent per kWh (exact); null unpriced. */
function priceAt(ms: number): bigint | null {
  if (ms < at('2026-02-10T00:00:00Z')) return null;
  const isCheap = new Date(ms).getUTCHours() < 6;
  if (ms < at('2026-03-12T00:00:00Z')) return isCheap ? 100n : 300n;
  return isCheap ? 120n : 400n;
}

const DEVICES = [
  {
    src: 'shellyplus1pm-f00000000001',
    prefix: 'Hotel/Lisbon/Kitchen/Fridge',
    room: 'room:Hotel/Lisbon/Kitchen',
  },
  { src: 'shellyplus1pm-f00000000002', prefix: 'Hotel/Lisbon/Q101/Heater', room: 'room:Hotel/Lisbon/Q101' },
] as const;
const FRIDGE_DEVICE = 'device:Hotel/Lisbon/Kitchen/Fridge';
const OFFICE = 'office:Hotel/Lisbon';

/** Wh a device uses in the hour or minute starting at `ms` (local = UTC here). */
function use(device: 0 | 1, ms: number, minutes: number): number {
  const hour = new Date(ms).getUTCHours();
  if (device === 0) {
    // The fridge: 30 W at night, 120 W by day, and a 20-minute lull at 12 W last night from 03:00.
    const isNight = hour >= 22 || hour < 7;
    const lull = ms >= at('2026-03-18T03:00:00Z') && ms < at('2026-03-18T03:20:00Z');
    const watts = lull ? 12 : isNight ? 30 : 120;
    return (watts * minutes) / 60;
  }
  // The heater: 1 kW from 18:00 to 19:00, and 240 W from 22:00 to 23:00 (less energy than the
  // fridge's night, all of it at the dear price: it costs the night more).
  const watts = hour === 18 ? 1000 : hour === 22 ? 240 : 0;
  return (watts * minutes) / 60;
}

const booked: Array<{ device: 0 | 1; minuteMs: number; wh: number }> = [];
const dir = tempDir('kw-insight-cost-');
let nowMs = at('2026-02-01T00:00:00Z');
let opened: { core: KilowatchConsole; store: Store } | null = null;

function open(withTariff: boolean): { core: KilowatchConsole; store: Store } {
  const result = openConsole({
    dbPath: `${dir.path}/insight-cost.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
    timeZone: 'Europe/Lisbon',
    ...(withTariff && { tariff: TARIFF }),
  });
  if (!result.ok) throw new Error(result.error.message);
  return { core: result.value.console, store: result.value.store };
}

const totals = [1000, 5000];

/** A device's counter read at `minuteMs`, risen by `wh` since its last reading. */
function read(core: KilowatchConsole, device: 0 | 1, minuteMs: number, wh: number, isFirst = false): void {
  totals[device] = Math.round(((totals[device] as number) + wh) * 1000) / 1000;
  if (!isFirst && wh > 0) booked.push({ device, minuteMs: minuteMs - MIN, wh });
  nowMs = minuteMs + 59_000;
  const d = DEVICES[device];
  core.ingest.handle(
    `${d.prefix}/events/rpc`,
    Buffer.from(switchNotify(d.src, d.prefix, totals[device] as number, minuteMs / 1000)),
    false,
  );
}

/** Every minute from `fromMs` (its first reading books the minute before it) to before `toMs`. */
function feedMinutes(core: KilowatchConsole, fromMs: number, toMs: number): void {
  for (let ms = fromMs; ms < toMs; ms += MIN)
    for (const device of [0, 1] as const) read(core, device, ms, use(device, ms - MIN, 1));
}

function feedStream(core: KilowatchConsole): void {
  const start = at('2026-02-01T00:00:00Z');
  const perMinuteFrom = at('2026-03-17T21:00:00Z');
  for (const device of [0, 1] as const) read(core, device, start, 0, true);
  for (let ms = start + HOUR; ms <= perMinuteFrom; ms += HOUR)
    for (const device of [0, 1] as const) read(core, device, ms, use(device, ms - HOUR, 60));
  feedMinutes(core, perMinuteFrom + MIN, NOW);
  nowMs = NOW;
}

const inRange = (from: number, to: number, devices: ReadonlyArray<0 | 1>) =>
  booked.filter((b) => devices.includes(b.device) && b.minuteMs >= from && b.minuteMs < to);

/**
 * Exact cost of Wh at tenths of a cent per kWh: mWh × tenth-cents per kWh, in units of 10⁻⁷ cent
 * (1 mWh = 10⁻⁶ kWh, a tenth of a cent = 10⁻¹ cent). Every rise fed is a whole number of mWh.
 */
const exact = (wh: number, tenthCentsPerKWh: bigint): bigint =>
  BigInt(Math.round(wh * 1000)) * tenthCentsPerKWh;
const PER_CENT = 10n ** 7n;

/** The cost of [from, to) in exact units of 10⁻⁷ cent; null when any booked rise had no price. */
function costOf(from: number, to: number, devices: ReadonlyArray<0 | 1> = [0, 1]): bigint | null {
  let sum = 0n;
  for (const b of inRange(from, to, devices)) {
    const price = priceAt(b.minuteMs);
    if (price === null) return null;
    sum += exact(b.wh, price);
  }
  return sum;
}

/** Exact units → whole cents, half away from zero (all costs here are positive). */
function roundCents(units: bigint): number {
  let cents = units / PER_CENT;
  if ((units % PER_CENT) * 2n >= PER_CENT) cents += 1n;
  return Number(cents);
}
const cents = (from: number, to: number, devices?: ReadonlyArray<0 | 1>): number | undefined => {
  const c = costOf(from, to, devices);
  return c === null ? undefined : roundCents(c);
};

async function insight(node: string): Promise<Insight> {
  const reply = await (opened as { core: KilowatchConsole }).core.handlers['insight.get']({ node });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

beforeAll(() => {
  opened = open(true);
  feedStream(opened.core);
});

afterAll(async () => {
  await opened?.core.close();
  opened?.store.close();
  dir.remove();
});

describe('insight.get with a tariff', () => {
  it('checks its own arithmetic: 1 Wh at 0.40 €/kWh is 0.04 c', () => {
    // 1 Wh × 400 tenth-cents/kWh = 0.04 c: 4·10⁵ units of 10⁻⁷ cent.
    expect(exact(1, 400n)).toBe(4n * 10n ** 5n);
    expect(roundCents(exact(1000, 400n))).toBe(40);
  });

  it('prices today and this month against before, and leaves out a cost with unpriced energy', async () => {
    const office = await insight(OFFICE);
    expect(office.currency).toBe('EUR');

    const today = costOf(at('2026-03-18T00:00:00Z'), NOW) as bigint;
    const lastWeek = costOf(at('2026-03-11T00:00:00Z'), at('2026-03-11T10:30:00Z')) as bigint;
    // Today's prices are the new ones, last week's the old: the cost moves more than the energy.
    expect(office.today).toMatchObject({
      costMinor: roundCents(today),
      previousCostMinor: roundCents(lastWeek),
      changeCostMinor: roundCents(today) - roundCents(lastWeek),
    });
    expect(office.today.changeCostPct).toBeCloseTo((Number(today - lastWeek) / Number(lastWeek)) * 100, 9);
    expect(office.today.costMinor).toBeGreaterThan(0);

    // 1–18 February 10:30: its first nine days had no price, so no cost (never a cost of part of it).
    expect(office.month.costMinor).toBe(cents(at('2026-03-01T00:00:00Z'), NOW));
    expect(office.month.previousWh).toBeGreaterThan(0);
    expect(office.month).not.toHaveProperty('previousCostMinor');
    expect(office.month).not.toHaveProperty('changeCostMinor');
    expect(office.month).not.toHaveProperty('changeCostPct');
  });

  it('prices the base load over yesterday, minute by minute, and gives its share of yesterday’s cost', async () => {
    const office = await insight(OFFICE);
    expect(office.baseLoad).toMatchObject({ watts: 12, perDayWh: 288 });
    // 12 W is 0.2 Wh a minute: 360 minutes at 0.12 and 1080 at 0.40 on 17 March.
    let base = 0n;
    for (let m = at('2026-03-17T00:00:00Z'); m < at('2026-03-18T00:00:00Z'); m += MIN)
      base += exact(0.2, priceAt(m) as bigint);
    expect(roundCents(base)).toBe(Math.round(360 * 0.2 * 0.012 + 1080 * 0.2 * 0.04)); // 9.504 c
    const yesterday = costOf(at('2026-03-17T00:00:00Z'), at('2026-03-18T00:00:00Z')) as bigint;
    expect(office.baseLoad?.dayCostMinor).toBe(roundCents(base));
    expect(office.baseLoad?.shareOfDayCost).toBeCloseTo(Number(base) / Number(yesterday), 12);
  });

  it('gives the top consumers’ cost this month, for rooms and for a device’s share of its room', async () => {
    const month = { from: at('2026-03-01T00:00:00Z'), to: NOW };
    const office = await insight(OFFICE);
    expect(office.topConsumers.map((c) => [c.node, c.costMinor])).toEqual([
      [DEVICES[0].room, cents(month.from, month.to, [0])],
      [DEVICES[1].room, cents(month.from, month.to, [1])],
    ]);
    const kitchen = await insight(DEVICES[0].room);
    expect(kitchen.topConsumers.map((c) => [c.node, c.costMinor])).toEqual([
      [FRIDGE_DEVICE, cents(month.from, month.to, [0])],
    ]);
  });

  it('ranks the rooms by last night’s cost, which here is not the order of their energy', async () => {
    const office = await insight(OFFICE);
    const night = { from: at('2026-03-17T22:00:00Z'), to: at('2026-03-18T07:00:00Z') };
    const wh = (d: 0 | 1) =>
      Math.round(inRange(night.from, night.to, [d]).reduce((s, b) => s + b.wh * 1000, 0)) / 1000;
    // The heater: 240 Wh at 0.40 = 9.6 c; the fridge 264 Wh, 174 of them at 0.12: 5.688 c.
    expect([wh(0), wh(1)]).toEqual([264, 240]);
    expect(cents(night.from, night.to, [1])).toBe(10);
    expect(cents(night.from, night.to, [0])).toBe(6);
    expect(office.nights.rooms.map((r) => [r.node, r.costMinor])).toEqual([
      [DEVICES[1].room, cents(night.from, night.to, [1])],
      [DEVICES[0].room, cents(night.from, night.to, [0])],
    ]);
  });

  it('prices a stretch read to the hour from the hour twins, to the same hour as its energy', async () => {
    const set = await (opened as { core: KilowatchConsole }).core.handlers['settings.set']({ minuteDays: 5 });
    expect(set.ok).toBe(true);
    const office = await insight(OFFICE);
    // 11 March is a week back: its minutes are gone, so its morning is read to 10:00.
    expect(office.today).toMatchObject({
      isToTheHour: true,
      previousCostMinor: cents(at('2026-03-11T00:00:00Z'), at('2026-03-11T10:00:00Z')),
      costMinor: cents(at('2026-03-18T00:00:00Z'), NOW),
    });
  });

  it('shows no currency and no cost anywhere without a tariff', async () => {
    await opened?.core.close();
    opened?.store.close();
    opened = open(false);
    const office = await insight(OFFICE);
    expect(office.today.energyWh).toBeGreaterThan(0);
    expect(JSON.stringify(office)).not.toMatch(/currency|Cost/);
  });

  it('gives no cost for a day counted partly before the tariff (not a cost of part of it)', async () => {
    // Ten minutes counted without a tariff, then five with: today's day rollup is partly priced.
    const until = NOW + 10 * MIN;
    feedMinutes((opened as { core: KilowatchConsole }).core, NOW + MIN, until + MIN);
    await opened?.core.close();
    opened?.store.close();
    opened = open(true);
    const end = until + 5 * MIN;
    feedMinutes(opened.core, until + MIN, end + MIN);
    nowMs = end;
    const office = await insight(OFFICE);
    // Today's minutes are priced as they are read (as history.query prices minutes): all of them.
    expect(office.today.costMinor).toBe(cents(at('2026-03-18T00:00:00Z'), end));
    // This month's consumers are read by the day: the kitchen's today is not all priced; the
    // heater has used nothing today, so its month is.
    const costs = new Map(office.topConsumers.map((c) => [c.node, c.costMinor]));
    expect(costs).toEqual(
      new Map([
        [DEVICES[0].room, undefined],
        [DEVICES[1].room, cents(at('2026-03-01T00:00:00Z'), end, [1])],
      ]),
    );
    const kitchen = await insight(DEVICES[0].room);
    expect(kitchen.topConsumers.map((c) => [c.node, c.costMinor])).toEqual([[FRIDGE_DEVICE, undefined]]);
  });
});
