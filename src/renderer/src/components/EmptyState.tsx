import { useConnection } from '../state/connection';

export function EmptyState() {
  const state = useConnection((s) => s.state);
  const serviceError = useConnection((s) => s.error);
  const isDisconnected = state?.status !== 'connected';
  const reason =
    state?.lastError?.message ?? serviceError?.message ?? (state ? `Broker ${state.status}` : null);
  return (
    <div className="empty" data-testid="empty-state">
      <p>No devices yet — waiting for Shelly messages on the broker</p>
      {isDisconnected && reason && (
        <p className="empty-error" role="status">
          {reason}
        </p>
      )}
    </div>
  );
}
