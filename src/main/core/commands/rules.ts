/** Anomaly rules: read the rules in force at a node, set or remove a node's own. */
import type { AnomalyRules } from '../anomaly/anomaly-rules';
import type { CommandPart } from './part';

export function rulesCommands(deps: {
  anomalies: AnomalyRules;
  /** A rule changed: judged at once, not at the next minute's check. */
  changed(): void;
}): CommandPart<'rules.get' | 'rules.set'> {
  return {
    'rules.get': ({ node }) => deps.anomalies.rulesAt(node),
    'rules.set': ({ node, kind, params }) => {
      const result = deps.anomalies.setRule(node, kind, params);
      if (result.ok) deps.changed();
      return result;
    },
  };
}
