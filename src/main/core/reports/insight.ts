/**
 * `insight.get`: what a node's history says, in figures staff can check — today and this month
 * against the same stretch of the week or month before, the base load of the last night, the
 * children using most and those whose use moved most, and the rooms' nights. Everything is read
 * from the same minutes and rollups as history.query, so every figure can be found again in a
 * chart or a CSV; nothing is estimated. Days and nights are the site's (its time zone). With a
 * tariff, each figure's energy is priced from the same buckets (insight-cost.ts).
 */
import { DateTime } from 'luxon';
import type { Comparison, Insight } from '../../../shared/contract';
import { toMinor } from '../cost/cost-engine';
import { emptySum, type PricedSum } from '../cost/priced-rollups';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import type { ChildLabel } from '../site/children';
import { nodeId } from '../site/placement';
import { resolveNode, type ResolvedNode } from '../site/resolve-node';
import type { Resolution } from '../store/calendar';
import { UNITS_PER_WATT_MINUTE, unitsToWh } from '../units';
import { childSeries, type ChildSeries } from './child-rows';
import { formerPlace, nodeBuckets, type Bucket, type HistoryDeps } from './history';
import { costMinorOf, costPct, joined, pricedBuckets, steadyLoadCost } from './insight-cost';

/** A night window in the site's local time, on whole hours (`[insight] nightFrom/nightTo`). */
export interface NightWindow {
  fromHour: number;
  toHour: number;
}

/** Hotels' usual quiet hours, when `[insight]` does not say. */
export const DEFAULT_NIGHT: NightWindow = { fromHour: 22, toHour: 7 };

export interface InsightDeps extends HistoryDeps {
  nowMs: number;
  night: NightWindow;
  /** Minute rows older than this are no longer kept (retention): older stretches are read by the hour. */
  minutesKeptFromMs: number;
}

const MINUTE = 60_000;
/** "Sustained": the base load is the lowest mean over this many consecutive minutes. */
const SUSTAINED_MINUTES = 15;
const TOP = 5;
const TOP_ROOMS = 10;

const iso = (ms: number) => new Date(ms).toISOString();
const sumUnits = (buckets: readonly Bucket[]) => buckets.reduce((s, b) => s + b.energyUnits, 0);
const pct = (now: number, before: number) => (before === 0 ? null : ((now - before) / before) * 100);

interface Energy {
  units: number;
  isToTheHour: boolean;
  /** Its energy priced; null without a tariff or when any unit of it had no price. */
  priced: PricedSum | null;
}

/**
 * A node's energy over [fromMs, toMs) (toMs on a minute): whole local days from the day rollups,
 * the rest from minutes, or from whole hours where those minutes are no longer kept. Its cost
 * comes from the same buckets.
 */
async function energyBetween(
  deps: InsightDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
): Promise<Energy> {
  let sum: Energy = { units: 0, isToTheHour: false, priced: deps.pricing ? emptySum() : null };
  const add = async (from: number, to: number, resolution: 'day' | 'hour' | 'minute') => {
    const buckets = await nodeBuckets(deps, node, from, to, resolution);
    sum = {
      units: sum.units + sumUnits(buckets),
      isToTheHour: sum.isToTheHour || resolution === 'hour',
      priced: joined(sum.priced, await pricedBuckets(deps, node.id, buckets, resolution)),
    };
  };
  if (toMs <= fromMs) return sum;
  let cursor = fromMs;
  const lastDayStart = deps.calendar.floor(toMs, 'day');
  if (deps.calendar.floor(fromMs, 'day') === fromMs && lastDayStart > fromMs) {
    await add(fromMs, lastDayStart, 'day');
    cursor = lastDayStart;
  }
  if (cursor >= toMs) return sum;
  if (cursor >= deps.minutesKeptFromMs) await add(cursor, toMs, 'minute');
  else await add(cursor, deps.calendar.floor(toMs, 'hour'), 'hour');
  return sum;
}

async function compare(
  deps: InsightDeps,
  node: ResolvedNode,
  now: { from: number; to: number },
  before: { from: number; to: number },
): Promise<{ comparison: Comparison; units: number }> {
  const current = await energyBetween(deps, node, now.from, now.to);
  const previous = await energyBetween(deps, node, before.from, before.to);
  const energyWh = unitsToWh(current.units);
  const previousWh = unitsToWh(previous.units);
  const costMinor = costMinorOf(current.priced);
  const previousCostMinor = costMinorOf(previous.priced);
  const comparison: Comparison = {
    from: iso(now.from),
    to: iso(now.to),
    energyWh,
    previousFrom: iso(before.from),
    previousTo: iso(before.to),
    previousWh,
    changeWh: unitsToWh(current.units - previous.units),
    changePct: pct(current.units, previous.units),
    isToTheHour: current.isToTheHour || previous.isToTheHour,
    ...(costMinor !== undefined && { costMinor }),
    ...(previousCostMinor !== undefined && { previousCostMinor }),
    ...(current.priced &&
      previous.priced && {
        changeCostMinor: (costMinor as number) - (previousCostMinor as number),
        changeCostPct: costPct(current.priced.costUnits, previous.priced.costUnits),
      }),
  };
  return { comparison, units: current.units };
}

/** The last night that has ended by `nowMs`, in the site's zone. */
function lastNight(deps: InsightDeps): { from: number; to: number } {
  const zone = deps.calendar.timeZone;
  const now = DateTime.fromMillis(deps.nowMs, { zone });
  let end = now.startOf('day').set({ hour: deps.night.toHour });
  if (end.toMillis() > deps.nowMs) end = end.minus({ days: 1 });
  const crossesMidnight = deps.night.fromHour >= deps.night.toHour;
  const start = end
    .startOf('day')
    .minus({ days: crossesMidnight ? 1 : 0 })
    .set({ hour: deps.night.fromHour });
  return { from: start.toMillis(), to: end.toMillis() };
}

async function baseLoad(
  deps: InsightDeps,
  node: ResolvedNode,
  night: { from: number; to: number },
): Promise<Insight['baseLoad']> {
  if (night.from < deps.minutesKeptFromMs) return null;
  const minutes = await nodeBuckets(deps, node, night.from, night.to, 'minute');
  const byMinute = new Map(minutes.map((b) => [b.startMs, b.energyUnits]));
  let best: { units: number; from: number } | null = null;
  // Windows with a minute missing are skipped: silence is no data, not no use.
  for (let from = night.from; from + SUSTAINED_MINUTES * MINUTE <= night.to; from += MINUTE) {
    let units = 0;
    let isWhole = true;
    for (let m = 0; m < SUSTAINED_MINUTES && isWhole; m++) {
      const u = byMinute.get(from + m * MINUTE);
      if (u === undefined) isWhole = false;
      else units += u;
    }
    if (isWhole && (best === null || units < best.units)) best = { units, from };
  }
  if (!best) return null;
  const watts = best.units / (SUSTAINED_MINUTES * UNITS_PER_WATT_MINUTE);
  const perDayWh = watts * 24;
  const dayStart = deps.calendar.floor(deps.nowMs, 'day');
  const yesterdayStart = deps.calendar.floor(dayStart - 1, 'day');
  const yesterday = await energyBetween(deps, node, yesterdayStart, dayStart);
  const yesterdayWh = unitsToWh(yesterday.units);
  // The base load priced minute by minute over yesterday: what it cost that day, at that day's prices.
  const cost = steadyLoadCost(deps, best.units, SUSTAINED_MINUTES, yesterdayStart, dayStart);
  const yesterdayCost = yesterday.priced?.costUnits;
  return {
    watts: Math.round(watts * 10) / 10,
    from: iso(best.from),
    to: iso(best.from + SUSTAINED_MINUTES * MINUTE),
    night: { from: iso(night.from), to: iso(night.to) },
    perDayWh: Math.round(perDayWh * 1000) / 1000,
    shareOfDay: yesterdayWh > 0 ? perDayWh / yesterdayWh : null,
    ...(cost && {
      dayCostMinor: toMinor(cost.scaledCostUnits, cost.scale),
      shareOfDayCost:
        yesterdayCost === undefined || yesterdayCost === 0n
          ? null
          : Number(cost.scaledCostUnits) / Number(cost.scale) / Number(yesterdayCost),
    }),
  };
}

function nameOf(deps: InsightDeps, label: ChildLabel): string {
  return (
    deps.registry.names.get(label.id) ??
    (label.channel || label.device || label.room || label.office || label.company)
  );
}

interface ChildTotal {
  label: ChildLabel;
  units: number;
  series: ChildSeries;
}

async function childTotals(
  deps: InsightDeps,
  node: ResolvedNode,
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<Map<string, ChildTotal>> {
  const out = new Map<string, ChildTotal>();
  for (const child of await childSeries(deps, node, fromMs, toMs, resolution))
    if (!child.partOf)
      out.set(child.label.id, { label: child.label, units: sumUnits(child.buckets), series: child });
  return out;
}

/**
 * What a child's day buckets cost, priced by its own twins (a device's share of a room: by the
 * device's, `pricedBy`). wholePricedSum gives none when any day's priced energy is not the row's,
 * so a device that also counted elsewhere that day gets no cost rather than another room's.
 */
async function childCost(deps: InsightDeps, child: ChildSeries): Promise<number | undefined> {
  const pricedBy = child.node ?? child.pricedBy;
  if (!deps.pricing || pricedBy === undefined) return undefined;
  return costMinorOf(await pricedBuckets(deps, pricedBy, child.buckets, 'day'));
}

/** The rooms a node holds (or is), with their labels. */
function roomsOf(deps: InsightDeps, node: ResolvedNode): Array<{ id: string; name: string }> {
  const rooms = new Map<string, string>();
  for (const device of deps.registry.devices.values()) {
    if (!('place' in device.placement)) continue;
    const p = device.placement.place;
    const inside =
      (node.kind === 'company' && nodeId.company(p) === node.id) ||
      (node.kind === 'office' && nodeId.office(p) === node.id) ||
      (node.kind === 'room' && nodeId.room(p) === node.id);
    if (inside) rooms.set(nodeId.room(p), deps.registry.names.get(nodeId.room(p)) ?? p.room);
  }
  return [...rooms].map(([id, name]) => ({ id, name }));
}

export async function insightOf(deps: InsightDeps, ref: string): Promise<Result<Insight, ApiError>> {
  const node = resolveNode(deps.registry, ref) ?? formerPlace(deps, ref);
  if (!node) return err('not-found', `No node "${ref}".`);
  const zone = deps.calendar.timeZone;
  const nowMin = Math.floor(deps.nowMs / MINUTE) * MINUTE;
  const local = DateTime.fromMillis(nowMin, { zone });
  const dayStart = local.startOf('day');
  const monthStart = local.startOf('month');
  // Wall-clock arithmetic: a week or a month back keeps the local time (luxon clamps the 31st).
  const today = await compare(
    deps,
    node,
    { from: dayStart.toMillis(), to: nowMin },
    { from: dayStart.minus({ weeks: 1 }).toMillis(), to: local.minus({ weeks: 1 }).toMillis() },
  );
  const month = await compare(
    deps,
    node,
    { from: monthStart.toMillis(), to: nowMin },
    { from: monthStart.minus({ months: 1 }).toMillis(), to: local.minus({ months: 1 }).toMillis() },
  );

  const monthUnits = month.units;
  const consumers: Insight['topConsumers'] = [];
  for (const c of [...(await childTotals(deps, node, monthStart.toMillis(), nowMin, 'day')).values()]
    .filter((c) => c.units > 0)
    .sort((a, b) => b.units - a.units)
    .slice(0, TOP)) {
    const costMinor = await childCost(deps, c.series);
    consumers.push({
      node: c.label.id,
      name: nameOf(deps, c.label),
      energyWh: unitsToWh(c.units),
      share: monthUnits > 0 ? c.units / monthUnits : null,
      ...(costMinor !== undefined && { costMinor }),
    });
  }

  const weekEnd = dayStart;
  const weekStart = dayStart.minus({ days: 7 });
  const before = await childTotals(
    deps,
    node,
    weekStart.minus({ days: 7 }).toMillis(),
    weekStart.toMillis(),
    'day',
  );
  const after = await childTotals(deps, node, weekStart.toMillis(), weekEnd.toMillis(), 'day');
  const movers = [...new Set([...before.keys(), ...after.keys()])]
    .map((id) => {
      const label = (after.get(id) ?? before.get(id))?.label as ChildLabel;
      const units = after.get(id)?.units ?? 0;
      const previous = before.get(id)?.units ?? 0;
      return { label, units, previous };
    })
    .filter((m) => m.units !== m.previous)
    .sort((a, b) => Math.abs(b.units - b.previous) - Math.abs(a.units - a.previous))
    .slice(0, TOP)
    .map((m) => ({
      node: m.label.id,
      name: nameOf(deps, m.label),
      energyWh: unitsToWh(m.units),
      previousWh: unitsToWh(m.previous),
      changeWh: unitsToWh(m.units - m.previous),
      changePct: pct(m.units, m.previous),
    }));

  const night = lastNight(deps);
  const rooms: Insight['nights']['rooms'] = [];
  let nightUnits = 0;
  const roomUnits: Array<{ id: string; name: string; units: number; priced: PricedSum | null }> = [];
  for (const room of roomsOf(deps, node)) {
    const resolved = resolveNode(deps.registry, room.id);
    if (!resolved) continue;
    // The night is on whole hours: the hour rollups hold it exactly, and are kept for good.
    const buckets = await nodeBuckets(deps, resolved, night.from, night.to, 'hour');
    const units = sumUnits(buckets);
    nightUnits += units;
    roomUnits.push({ ...room, units, priced: await pricedBuckets(deps, resolved.id, buckets, 'hour') });
  }
  // By cost (exact) when every room's night is priced: a cheap-hours night can outrank a dearer one by kWh.
  const byCost = deps.pricing !== null && roomUnits.every((r) => r.priced);
  const order = (a: (typeof roomUnits)[number], b: (typeof roomUnits)[number]) => {
    if (byCost) {
      const diff = (b.priced as PricedSum).costUnits - (a.priced as PricedSum).costUnits;
      if (diff !== 0n) return diff > 0n ? 1 : -1;
    }
    return b.units - a.units;
  };
  for (const r of roomUnits.sort(order).slice(0, TOP_ROOMS)) {
    const costMinor = costMinorOf(r.priced);
    rooms.push({
      node: r.id,
      name: r.name,
      energyWh: unitsToWh(r.units),
      share: nightUnits > 0 ? r.units / nightUnits : null,
      ...(costMinor !== undefined && { costMinor }),
    });
  }

  return ok({
    node: node.id,
    zone,
    ...(deps.pricing && { currency: deps.pricing.currency }),
    at: iso(deps.nowMs),
    today: today.comparison,
    month: month.comparison,
    baseLoad: await baseLoad(deps, node, night),
    topConsumers: consumers,
    topMovers: movers,
    nights: { from: iso(night.from), to: iso(night.to), rooms },
  });
}
