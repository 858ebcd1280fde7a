import { useState } from 'react';
import { formatCount, formatTime } from '../format';
import { useAlerts, type AlertGroup } from '../state/alerts';
import { reveal } from '../state/navigate';
import { useTree } from '../state/tree';

const VISIBLE = 8;

const KIND_LABELS: Record<AlertGroup['kind'], string> = {
  'device-offline': 'Offline',
  'device-online': 'Back online',
  'counter-reset': 'Counter reset',
  'message-rejected': 'Rejected',
  broker: 'Broker',
  storage: 'Storage',
  'implausible-jump': 'Implausible jump',
};

function AlertItem({ group }: { group: AlertGroup }) {
  const dismiss = useAlerts((s) => s.dismiss);
  const hasNode = useTree((s) => (group.node ? s.byId[group.node] !== undefined : false));
  const { latest } = group;
  return (
    <li
      className={`alert alert-${group.severity}`}
      data-testid="alert"
      data-alert-id={latest.id}
      data-kind={group.kind}
      data-count={group.count}
      data-node={group.node ?? undefined}
    >
      <div className="alert-top">
        <span className="alert-kind">{KIND_LABELS[group.kind]}</span>
        {group.count > 1 && (
          <span
            className="alert-count"
            data-testid="alert-count"
            title={`${group.count} alerts of this kind`}
          >
            ×{formatCount(group.count)}
          </span>
        )}
        <time
          dateTime={latest.at}
          title={group.count > 1 ? `first at ${formatTime(group.firstAt)}` : undefined}
        >
          {formatTime(latest.at)}
        </time>
        <button
          type="button"
          className="dismiss"
          aria-label={`Dismiss alert: ${latest.message}`}
          onClick={() => dismiss(group.key)}
        >
          ×
        </button>
      </div>
      <p className="alert-message">{latest.message}</p>
      {group.rejection && (
        <p className="alert-detail" data-testid="alert-rejection">
          Reason <code>{group.rejection.reason}</code>
          {group.messages > 1 && <> · {formatCount(group.messages)} messages in all</>}
          {group.rejection.sampleTopic && (
            <>
              {' '}
              · e.g. <code className="topic">{group.rejection.sampleTopic}</code>
            </>
          )}
        </p>
      )}
      {hasNode && group.node && (
        <button type="button" className="link-button small" onClick={() => reveal(group.node as string)}>
          Show in tree
        </button>
      )}
    </li>
  );
}

/** Grouped, dismissable alerts; never a dialog, so a burst of them cannot block the screen. */
export function AlertsList() {
  const groups = useAlerts((s) => s.groups);
  const dismissAll = useAlerts((s) => s.dismissAll);
  const [isAllShown, setAllShown] = useState(false);
  const shown = isAllShown ? groups : groups.slice(0, VISIBLE);
  const total = groups.reduce((n, g) => n + g.count, 0);
  return (
    <section className="alerts" aria-label="Alerts" data-testid="alerts">
      <div className="alerts-head">
        <h2>
          Alerts{' '}
          {groups.length > 0 && (
            <span className="badge" data-testid="alerts-total">
              {formatCount(total)}
            </span>
          )}
        </h2>
        {groups.length > 0 && (
          <button type="button" className="link-button" onClick={dismissAll}>
            Dismiss all
          </button>
        )}
      </div>
      {groups.length === 0 ? (
        <p className="muted">
          No alerts. Devices going offline, rejected messages and storage problems show up here.
        </p>
      ) : (
        <ul className="alert-list" aria-live="polite">
          {shown.map((group) => (
            <AlertItem key={group.key} group={group} />
          ))}
        </ul>
      )}
      {groups.length > VISIBLE && (
        <button type="button" className="link-button" onClick={() => setAllShown(!isAllShown)}>
          {isAllShown ? 'Show fewer' : `Show ${groups.length - VISIBLE} more`}
        </button>
      )}
    </section>
  );
}
