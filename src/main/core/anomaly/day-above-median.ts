/**
 * `day-above-median`: the last complete day's energy more than X % above the median of the same
 * weekday over the 4 weeks before, from the day rollups. At least MIN_WEEKS of those days must
 * have data.
 */
import { unitsToWh } from '../units';
import { iso, subjectOf, type Finding } from './finding';
import type { JudgeContext, RollupRead } from './judge-context';
import { lastDayAndWeekdays, windowSums } from './local-windows';
import { median } from './median';
import { dayText, energyText, nodeName, percentText } from './words';

const WEEKS = 4;
export const MIN_WEEKS = 2;

export function judgeDays(ctx: JudgeContext, read: RollupRead): Finding[] {
  const out: Finding[] = [];
  const windows = lastDayAndWeekdays(ctx.nowMs, ctx.zone, WEEKS);
  const day = windows[0];
  const first = windows[WEEKS];
  if (!day || !first) return out;
  for (const place of ctx.nodes.places) {
    const rule = ctx.rules.inForce(place.chain, 'day-above-median');
    if (!rule) continue;
    const sums = windowSums(windows, read('day', place.id, first.from, day.to));
    const dayUnits = sums[0];
    const before = sums.slice(1).filter((u): u is number => u !== null);
    const usual = median(before);
    if (
      dayUnits === null ||
      dayUnits === undefined ||
      before.length < MIN_WEEKS ||
      usual === null ||
      usual <= 0
    )
      continue;
    const figureWh = unitsToWh(dayUnits);
    const usualWh = unitsToWh(usual);
    const thresholdWh = usualWh * (1 + rule.percent / 100);
    if (figureWh <= thresholdWh) continue;
    const abovePct = ((figureWh - usualWh) / usualWh) * 100;
    out.push({
      kind: 'day-above-median',
      subject: subjectOf('day-above-median', place.id),
      node: place.id,
      quiet: rule.quiet,
      message:
        `${nodeName(ctx.registry, place.id)} used ${energyText(figureWh)} on ${dayText(day.from, ctx.zone)}, ` +
        `${percentText(abovePct)} above the median of the same weekday over the ${before.length} weeks before ` +
        `(${energyText(usualWh)}); its rule allows ${percentText(rule.percent)} above.`,
      detail: {
        rule: 'day-above-median',
        figure: figureWh,
        threshold: Math.round(thresholdWh * 1000) / 1000,
        unit: 'Wh',
        from: iso(day.from),
        to: iso(day.to),
        usualWh,
        percent: rule.percent,
        weeks: before.length,
      },
    });
  }
  return out;
}
