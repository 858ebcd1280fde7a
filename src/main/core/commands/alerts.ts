/** The alert list's commands; a change is told to every open console, not only the one that asked. */
import type { Alert } from '../../../shared/contract';
import { ok } from '../../../shared/result';
import type { AlertBook } from '../alerts/alert-book';
import { actorOf } from '../audit/actor';
import { LOCAL_CALLER } from '../dispatch';
import type { CommandPart } from './part';

export function alertCommands(deps: {
  alerts: AlertBook;
  /** Sends a changed alert to every listener. */
  changed(alert: Alert): void;
}): CommandPart<'alerts.query' | 'alerts.ack' | 'alerts.clear' | 'alerts.clearAll'> {
  const { alerts, changed } = deps;
  const told = <R extends { ok: true; value: Alert } | { ok: false }>(result: R): R => {
    if (result.ok) changed(result.value);
    return result;
  };
  return {
    'alerts.query': ({ kinds, includeCleared, limit }) =>
      ok({ alerts: alerts.list({ ...(kinds && { kinds }), includeCleared, limit }) }),
    // Named as the audit trail names people: the user, or which window or browser.
    'alerts.ack': ({ id }, caller = LOCAL_CALLER) => told(alerts.acknowledge(id, actorOf(caller))),
    'alerts.clear': ({ id }) => told(alerts.clear(id)),
    'alerts.clearAll': ({ kinds }) => {
      const cleared = alerts.clearAll(kinds);
      if (!cleared.ok) return cleared;
      for (const alert of cleared.value) changed(alert);
      return ok({ cleared: cleared.value.length });
    },
  };
}
