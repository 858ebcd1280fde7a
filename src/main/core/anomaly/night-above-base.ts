/**
 * `night-above-base`: last night's energy more than X % above the node's usual night, the median
 * of the 14 nights before it, read from the hour rollups (kept for good, unlike minutes). A night
 * with no hour of data is no night: at least MIN_NIGHTS of the 14 must have data.
 */
import type { NightWindow } from '../reports/insight';
import { unitsToWh } from '../units';
import { iso, subjectOf, type Finding } from './finding';
import type { JudgeContext, RollupRead } from './judge-context';
import { lastNights, windowSums } from './local-windows';
import { median } from './median';
import { clockText, energyText, nodeName, percentText } from './words';

const NIGHTS = 14;
export const MIN_NIGHTS = 7;

export function judgeNights(ctx: JudgeContext, read: RollupRead, night: NightWindow): Finding[] {
  const out: Finding[] = [];
  const windows = lastNights(ctx.nowMs, ctx.zone, night, NIGHTS + 1);
  const last = windows[0];
  const first = windows[NIGHTS];
  if (!last || !first) return out;
  for (const place of ctx.nodes.places) {
    const rule = ctx.rules.inForce(place.chain, 'night-above-base');
    if (!rule) continue;
    const sums = windowSums(windows, read('hour', place.id, first.from, last.to));
    const lastUnits = sums[0];
    const before = sums.slice(1).filter((u): u is number => u !== null);
    const usual = median(before);
    // A usual night of nothing has no "X % above": any use is infinitely more.
    if (
      lastUnits === null ||
      lastUnits === undefined ||
      before.length < MIN_NIGHTS ||
      usual === null ||
      usual <= 0
    )
      continue;
    const figureWh = unitsToWh(lastUnits);
    const usualWh = unitsToWh(usual);
    const thresholdWh = usualWh * (1 + rule.percent / 100);
    if (figureWh <= thresholdWh) continue;
    const abovePct = ((figureWh - usualWh) / usualWh) * 100;
    out.push({
      kind: 'night-above-base',
      subject: subjectOf('night-above-base', place.id),
      node: place.id,
      quiet: rule.quiet,
      message:
        `${nodeName(ctx.registry, place.id)} used ${energyText(figureWh)} last night ` +
        `(${clockText(last.from, ctx.zone)}–${clockText(last.to, ctx.zone)}), ${percentText(abovePct)} above ` +
        `its usual ${energyText(usualWh)} (the median of ${before.length} nights before); ` +
        `its rule allows ${percentText(rule.percent)} above.`,
      detail: {
        rule: 'night-above-base',
        figure: figureWh,
        threshold: Math.round(thresholdWh * 1000) / 1000,
        unit: 'Wh',
        from: iso(last.from),
        to: iso(last.to),
        usualWh,
        percent: rule.percent,
        nights: before.length,
      },
    });
  }
  return out;
}
