/** `on-too-long`: a relay channel on for longer than its rule's hours. */
import { hoursText, nodeName } from './words';
import { iso, subjectOf, type Finding } from './finding';
import type { JudgeContext } from './judge-context';

const HOUR = 3_600_000;

/** `onSince`: relay channel node → when it was seen switching on (kept across restarts). */
export function judgeOnTooLong(ctx: JudgeContext, onSince: ReadonlyMap<string, number>): Finding[] {
  const out: Finding[] = [];
  for (const relay of ctx.nodes.relays) {
    const rule = ctx.rules.inForce(relay.chain, 'on-too-long');
    const since = onSince.get(relay.id);
    if (!rule || since === undefined) continue;
    const hours = (ctx.nowMs - since) / HOUR;
    if (hours <= rule.hours) continue;
    out.push({
      kind: 'on-too-long',
      subject: subjectOf('on-too-long', relay.id),
      node: relay.id,
      quiet: rule.quiet,
      message:
        `${nodeName(ctx.registry, relay.id)} has been on for ${hoursText(hours)}, ` +
        `longer than the ${hoursText(rule.hours)} its rule allows.`,
      detail: {
        rule: 'on-too-long',
        figure: Math.round(hours * 100) / 100,
        threshold: rule.hours,
        unit: 'h',
        from: iso(since),
        to: iso(ctx.nowMs),
      },
    });
  }
  return out;
}
