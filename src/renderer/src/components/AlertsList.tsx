import { Fragment, useState, type ReactNode } from 'react';
import { startOfDayMs } from '../site-calendar';
import { ALERT_KINDS, type Alert, type AlertKind } from '../../../shared/contract';
import { formatCount, formatDateTime, formatTime } from '../format';
import { t, type MessageKey } from '../i18n/words';
import { acknowledgeAlert, clearAlert, clearAllAlerts } from '../state/alert-actions';
import { useAlerts } from '../state/alerts';
import { reveal } from '../state/navigate';
import { useUi } from '../state/ui';
import { useTree } from '../state/tree';

const VISIBLE = 8;

const KIND_LABELS: Record<AlertKind, MessageKey> = {
  'device-offline': 'alerts.kind.device-offline',
  'device-online': 'alerts.kind.device-online',
  'counter-reset': 'alerts.kind.counter-reset',
  'message-rejected': 'alerts.kind.message-rejected',
  broker: 'alerts.kind.broker',
  storage: 'alerts.kind.storage',
  'implausible-jump': 'alerts.kind.implausible-jump',
  'water-leak': 'alerts.kind.water-leak',
  engine: 'alerts.kind.engine',
  anomaly: 'alerts.kind.anomaly',
};
const kindLabel = (kind: AlertKind): string => t(KIND_LABELS[kind]);

/** An anomaly alert's range to chart (its detail's `from` and `to`), or null. */
function chartSpanOf(alert: Alert): { fromMs: number; toMs: number } | null {
  if (alert.kind !== 'anomaly' || typeof alert.detail !== 'object' || alert.detail === null) return null;
  const { from, to } = alert.detail as { from?: unknown; to?: unknown };
  const fromMs = typeof from === 'string' ? Date.parse(from) : NaN;
  const toMs = typeof to === 'string' ? Date.parse(to) : NaN;
  return Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs ? { fromMs, toMs } : null;
}

/** Words with elements in them: each `{name}` placeholder of the message becomes `parts[name]`. */
function withParts(key: MessageKey, parts: Record<string, ReactNode>): ReactNode[] {
  return t(key)
    .split(/\{(\w+)\}/)
    .map((piece, i) =>
      i % 2 === 0 ? piece : <Fragment key={piece}>{parts[piece] ?? `{${piece}}`}</Fragment>,
    );
}

/** Stored alerts outlive the day they were raised: older ones carry their date. */
function when(iso: string): string {
  const ms = Date.parse(iso);
  return startOfDayMs(ms) === startOfDayMs(Date.now()) ? formatTime(iso) : formatDateTime(iso);
}

function AlertItem({ alert }: { alert: Alert }) {
  const hasNode = useTree((s) => (alert.node ? s.byId[alert.node] !== undefined : false));
  const actionError = useAlerts((s) => (s.actionError?.id === alert.id ? s.actionError.message : null));
  const isAcked = alert.ackedAt !== null;
  const isOver = alert.resolvedAt !== null;
  const chartSpan = chartSpanOf(alert);
  return (
    <li
      className={`alert alert-${alert.severity}${isAcked ? ' alert-acked' : ''}${isOver ? ' alert-over' : ''}`}
      data-testid="alert"
      data-alert-id={alert.id}
      data-kind={alert.kind}
      data-count={alert.count}
      data-node={alert.node ?? undefined}
      data-acked={isAcked}
      data-over={isOver}
    >
      <div className="alert-top">
        <span className="alert-kind">{kindLabel(alert.kind)}</span>
        {alert.count > 1 && (
          <span
            className="alert-count"
            data-testid="alert-count"
            title={t('alerts.happened', { count: alert.count })}
          >
            ×{formatCount(alert.count)}
          </span>
        )}
        <time dateTime={alert.at} title={t('alerts.lastAt', { time: formatDateTime(alert.at) })}>
          {when(alert.at)}
        </time>
      </div>
      {/* Said once: most messages already start with the place. */}
      {alert.path && !alert.message.includes(alert.path) && (
        <p className="alert-path" data-testid="alert-path">
          {alert.path}
        </p>
      )}
      <p className="alert-message" data-testid="alert-message">
        {alert.message}
      </p>
      {isOver && (
        <p className="alert-over-note" data-testid="alert-over">
          {withParts(alert.kind === 'anomaly' ? 'alerts.anomalyOver' : 'alerts.over', {
            when: <time dateTime={alert.resolvedAt as string}>{when(alert.resolvedAt as string)}</time>,
          })}
        </p>
      )}
      {alert.count > 1 && (
        <p className="alert-times" data-testid="alert-times">
          {withParts('alerts.times', {
            first: <time dateTime={alert.firstAt}>{when(alert.firstAt)}</time>,
            last: <time dateTime={alert.at}>{when(alert.at)}</time>,
          })}
        </p>
      )}
      <details className="alert-technical">
        <summary>{t('alerts.technical')}</summary>
        <pre data-testid="alert-technical">{alert.technical}</pre>
      </details>
      <div className="alert-actions">
        {isAcked ? (
          <span className="muted" data-testid="alert-acked">
            {alert.ackedBy
              ? t('alerts.ackedBy', { when: when(alert.ackedAt as string), who: alert.ackedBy })
              : t('alerts.acked', { when: when(alert.ackedAt as string) })}
          </span>
        ) : (
          <button
            type="button"
            className="link-button small"
            aria-label={t('alerts.ackLabel', { message: alert.message })}
            onClick={() => void acknowledgeAlert(alert.id)}
          >
            {t('alerts.ack')}
          </button>
        )}
        <button
          type="button"
          className="link-button small"
          aria-label={t('alerts.clearLabel', { message: alert.message })}
          onClick={() => void clearAlert(alert.id)}
        >
          {t('alerts.clear')}
        </button>
        {hasNode && alert.node && (
          <button type="button" className="link-button small" onClick={() => reveal(alert.node as string)}>
            {t('alerts.showInTree')}
          </button>
        )}
        {hasNode && alert.node && chartSpan && (
          <button
            type="button"
            className="link-button small"
            data-testid="alert-show-chart"
            onClick={() => {
              reveal(alert.node as string);
              useUi.getState().setChartRange({ kind: 'custom', ...chartSpan });
            }}
          >
            {t('alerts.showOnChart')}
          </button>
        )}
      </div>
      {actionError && (
        <p className="alert-error-text" role="alert">
          {actionError}
        </p>
      )}
    </li>
  );
}

/** Stored alerts, one per fault and place, counted; never a dialog, so a burst cannot block the screen. */
export function AlertsList() {
  const alerts = useAlerts((s) => s.alerts);
  const status = useAlerts((s) => s.status);
  const error = useAlerts((s) => s.error);
  const kinds = useAlerts((s) => s.kinds);
  const setKinds = useAlerts((s) => s.setKinds);
  const listError = useAlerts((s) => (s.actionError?.id === '*' ? s.actionError.message : null));
  const [isAllShown, setAllShown] = useState(false);
  const filtered = kinds ? alerts.filter((a) => kinds.includes(a.kind)) : alerts;
  const shown = isAllShown ? filtered : filtered.slice(0, VISIBLE);
  const unacknowledged = alerts.filter((a) => a.ackedAt === null).length;
  const present = ALERT_KINDS.filter((k) => alerts.some((a) => a.kind === k) || kinds?.includes(k));
  return (
    <section className="alerts" aria-label={t('alerts.title')} data-testid="alerts" data-status={status}>
      <div className="alerts-head">
        <h2>
          {t('alerts.title')}{' '}
          {unacknowledged > 0 && (
            <span className="badge" data-testid="alerts-total" title={t('alerts.notAcked')}>
              {formatCount(unacknowledged)}
            </span>
          )}
        </h2>
        {filtered.length > 0 && (
          <button type="button" className="link-button" onClick={() => void clearAllAlerts(kinds)}>
            {kinds ? t('alerts.clearThese') : t('alerts.clearAll')}
          </button>
        )}
      </div>
      {alerts.length > 0 && (
        <label className="alerts-filter">
          {t('alerts.filter.show')}{' '}
          <select
            data-testid="alerts-filter"
            value={kinds?.[0] ?? ''}
            onChange={(e) => setKinds(e.target.value === '' ? null : [e.target.value as AlertKind])}
          >
            <option value="">{t('alerts.filter.every')}</option>
            {present.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
      )}
      {status === 'error' && (
        <p className="alert-error-text" role="alert">
          {t('alerts.loadFailed', { error: error ?? '' })}
        </p>
      )}
      {listError && (
        <p className="alert-error-text" role="alert">
          {listError}
        </p>
      )}
      {filtered.length === 0 ? (
        <p className="muted" data-testid="alerts-empty">
          {status === 'loading' ? t('alerts.loading') : kinds ? t('alerts.noneOfKind') : t('alerts.none')}
        </p>
      ) : (
        <ul className="alert-list" aria-live="polite">
          {shown.map((alert) => (
            <AlertItem key={alert.key} alert={alert} />
          ))}
        </ul>
      )}
      {filtered.length > VISIBLE && (
        <button type="button" className="link-button" onClick={() => setAllShown(!isAllShown)}>
          {isAllShown ? t('alerts.showFewer') : t('alerts.showMore', { count: filtered.length - VISIBLE })}
        </button>
      )}
    </section>
  );
}
