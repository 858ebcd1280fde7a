import { useConnection } from '../state/connection';
import { useUi } from '../state/ui';

/** A site with no devices yet: what is happening, and what to do next. */
export function EmptyState() {
  const state = useConnection((s) => s.state);
  const serviceError = useConnection((s) => s.error);
  const isDisconnected = state?.status !== 'connected';
  const reason =
    state?.lastError?.message ?? serviceError?.message ?? (state ? `Broker ${state.status}` : null);
  return (
    <div className="empty" data-testid="empty-state">
      <p className="empty-title">No devices yet — waiting for Shelly messages on the broker</p>
      {isDisconnected && reason && (
        <p className="empty-error" role="status">
          {reason}
        </p>
      )}
      <ul className="empty-steps">
        <li>In each Shelly&apos;s web page, turn on MQTT and point it at this broker.</li>
        <li>
          Name the topic prefix <code>Company/Office/Room/Device</code> to place it automatically; anything
          else arrives under Unassigned.
        </li>
        <li>Devices appear here as soon as they report (Gen2 within a minute, Gen1 within 30 s).</li>
      </ul>
      <button type="button" className="primary" onClick={() => useUi.getState().setWizardOpen(true)}>
        Connect to another broker…
      </button>
    </div>
  );
}
