import { formatTime } from '../format';
import { useAlerts } from '../state/alerts';

const VISIBLE = 6;

export function AlertsList() {
  const items = useAlerts((s) => s.items);
  const { dismiss, dismissAll } = useAlerts.getState();
  const hidden = items.length - VISIBLE;
  return (
    <section className="alerts" aria-label="Alerts" data-testid="alerts">
      <div className="alerts-head">
        <h2>Alerts</h2>
        {items.length > 0 && (
          <button type="button" className="link-button" onClick={dismissAll}>
            Dismiss all
          </button>
        )}
      </div>
      {items.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <ul className="alert-list">
          {items.slice(0, VISIBLE).map((alert) => (
            <li
              key={alert.id}
              className={`alert alert-${alert.severity}`}
              data-testid="alert"
              data-alert-id={alert.id}
              data-kind={alert.kind}
            >
              <time dateTime={alert.at}>{formatTime(alert.at)}</time>
              <span className="alert-message">{alert.message}</span>
              <button
                type="button"
                className="dismiss"
                aria-label={`Dismiss alert: ${alert.message}`}
                onClick={() => dismiss(alert.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {hidden > 0 && <p className="muted">and {hidden} older</p>}
    </section>
  );
}
