/** `power-ceiling`: a place's or device's live power above its ceiling (not inherited: see rule-kinds.ts). */
import type { NodeTotals } from '../../../shared/contract';
import { iso, subjectOf, type Finding } from './finding';
import type { JudgeContext } from './judge-context';
import { nodeName, powerText } from './words';

/** What the chart shows around the moment: the hour before it. */
const CHART_MS = 3_600_000;

export function judgePower(ctx: JudgeContext, totals: ReadonlyMap<string, NodeTotals>): Finding[] {
  const out: Finding[] = [];
  const judged = [...ctx.nodes.places, ...ctx.nodes.devices];
  for (const node of judged) {
    const rule = ctx.rules.inForce(node.chain, 'power-ceiling');
    const live = totals.get(node.id);
    // Nothing under it reports: no power known, so nothing to judge (never "0 W, fine").
    if (!rule || !live || live.reporting === 0 || live.powerW <= rule.watts) continue;
    out.push({
      kind: 'power-ceiling',
      subject: subjectOf('power-ceiling', node.id),
      node: node.id,
      quiet: rule.quiet,
      message: `${nodeName(ctx.registry, node.id)} draws ${powerText(live.powerW)}, above its ceiling of ${powerText(rule.watts)}.`,
      detail: {
        rule: 'power-ceiling',
        figure: live.powerW,
        threshold: rule.watts,
        unit: 'W',
        from: iso(ctx.nowMs - CHART_MS),
        to: iso(ctx.nowMs),
      },
    });
  }
  return out;
}
