/** `silent`: a device that has said nothing for longer than its rule's minutes (never heard: not judged). */
import { iso, subjectOf, type Finding } from './finding';
import type { JudgeContext } from './judge-context';
import { nodeName } from './words';

const MINUTE = 60_000;

export function judgeSilent(ctx: JudgeContext): Finding[] {
  const out: Finding[] = [];
  for (const node of ctx.nodes.devices) {
    const rule = ctx.rules.inForce(node.chain, 'silent');
    const lastSeen = node.device.row.lastSeenMs;
    if (!rule || lastSeen <= 0) continue;
    const minutes = (ctx.nowMs - lastSeen) / MINUTE;
    if (minutes <= rule.minutes) continue;
    out.push({
      kind: 'silent',
      subject: subjectOf('silent', node.id),
      node: node.id,
      quiet: rule.quiet,
      message:
        `${nodeName(ctx.registry, node.id)} has not reported for ${Math.floor(minutes)} minutes ` +
        `(last at ${iso(lastSeen)}); its rule allows ${rule.minutes}.`,
      detail: {
        rule: 'silent',
        figure: Math.floor(minutes),
        threshold: rule.minutes,
        unit: 'min',
        from: iso(lastSeen - 60 * MINUTE),
        to: iso(ctx.nowMs),
        lastSeen: iso(lastSeen),
      },
    });
  }
  return out;
}
