/** What the alerts panel asks of the core: the stored alerts, and acknowledging or clearing one. */
import type { AlertKind } from '../../../shared/contract';
import { api, singleFlight } from './actions';
import { useAlerts } from './alerts';

/** On start and whenever the event stream reopens: what was raised while nobody watched. */
export const refreshAlerts = singleFlight(async () => {
  const reply = await api().invoke('alerts.query', {});
  if (reply.ok) useAlerts.getState().load(reply.value.alerts);
  else useAlerts.getState().fail(reply.error.message);
});

async function change(id: string, command: 'alerts.ack' | 'alerts.clear'): Promise<void> {
  const alerts = useAlerts.getState();
  alerts.setActionError(null);
  const reply = await api().invoke(command, { id });
  if (reply.ok) return alerts.put(reply.value);
  alerts.setActionError({ id, message: reply.error.message });
  // The alert may have been cleared elsewhere or raised again: show what the core has now.
  if (reply.error.code === 'not-found') void refreshAlerts();
}

export const acknowledgeAlert = (id: string): Promise<void> => change(id, 'alerts.ack');
export const clearAlert = (id: string): Promise<void> => change(id, 'alerts.clear');

export async function clearAllAlerts(kinds: AlertKind[] | null): Promise<void> {
  const reply = await api().invoke('alerts.clearAll', kinds ? { kinds } : {});
  if (!reply.ok) return useAlerts.getState().setActionError({ id: '*', message: reply.error.message });
  await refreshAlerts();
}
