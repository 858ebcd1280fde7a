import { useEffect, useState } from 'react';
import { fromSiteWallClock, plusDaysMs } from '../../site-calendar';
import {
  AUDIT_OUTCOMES,
  MANAGER_COMMANDS,
  type AuditEntry,
  type AuditOutcome,
  type CommandParams,
} from '../../../../shared/contract';
import { saveDownload } from '../../download';
import { formatShortDateTime } from '../../format';
import { t } from '../../i18n/words';
import { api } from '../../state/actions';
import { useUi } from '../../state/ui';
import { Dialog } from './Dialog';

const ACTIONS = [...MANAGER_COMMANDS, 'access.unlock', 'access.lock', 'access.setPin'].sort();

interface Filter {
  action: string;
  outcome: AuditOutcome | '';
  actor: string;
  /** yyyy-mm-dd, days in the site's zone. */
  from: string;
  to: string;
}

function queryOf(filter: Filter): CommandParams<'audit.query'> {
  // Days in the site's zone, as everything else the console shows.
  const day = (text: string, plusDays = 0): string | undefined => {
    const ms = text ? fromSiteWallClock(text) : null;
    return ms === null ? undefined : new Date(plusDaysMs(ms, plusDays)).toISOString();
  };
  const from = day(filter.from);
  const to = day(filter.to, 1);
  return {
    ...(filter.action && { action: filter.action }),
    ...(filter.outcome && { outcome: filter.outcome }),
    ...(filter.actor.trim() && { actor: filter.actor.trim() }),
    ...(from && { from }),
    ...(to && { to }),
    limit: 1000,
  };
}

/**
 * The audit trail: who switched, moved, renamed or reconnected what, and how it ended; filtered
 * here and exported as CSV. Read-only: the console has no way to change it.
 */
export function AuditDialog() {
  const close = useUi((s) => s.closeDialog);
  const [filter, setFilter] = useState<Filter>({ action: '', outcome: '', actor: '', from: '', to: '' });
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void api()
      .invoke('audit.query', queryOf(filter))
      .then((reply) => {
        if (!isCurrent) return;
        if (reply.ok) {
          setEntries(reply.value.entries);
          setError(null);
        } else setError(reply.error.message);
      });
    return () => {
      isCurrent = false;
    };
  }, [filter]);
  const exportCsv = async (): Promise<void> => {
    const reply = await api().invoke('audit.csv', queryOf(filter));
    if (!reply.ok) return setError(reply.error.message);
    saveDownload(new Blob([reply.value.csv], { type: 'text/csv;charset=utf-8' }), reply.value.fileName);
  };
  const change = (key: keyof Filter) => (e: { target: { value: string } }) =>
    setFilter((f) => ({ ...f, [key]: e.target.value }));
  return (
    <Dialog
      title={t('dialogs.audit.title')}
      testId="audit-dialog"
      onClose={close}
      actions={
        <>
          <button type="button" data-testid="audit-csv" onClick={() => void exportCsv()}>
            {t('dialogs.audit.csv')}
          </button>
          <button type="button" className="primary" onClick={close}>
            {t('dialogs.close')}
          </button>
        </>
      }
    >
      <div className="audit-filters">
        <label className="field">
          {t('dialogs.audit.action')}
          <select value={filter.action} onChange={change('action')} data-testid="audit-action">
            <option value="">{t('dialogs.audit.any')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('dialogs.audit.outcome')}
          <select value={filter.outcome} onChange={change('outcome')} data-testid="audit-outcome">
            <option value="">{t('dialogs.audit.any')}</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('dialogs.audit.who')}
          <input value={filter.actor} onChange={change('actor')} data-testid="audit-actor" />
        </label>
        <label className="field">
          {t('dialogs.audit.from')}
          <input type="date" value={filter.from} onChange={change('from')} />
        </label>
        <label className="field">
          {t('dialogs.audit.to')}
          <input type="date" value={filter.to} onChange={change('to')} />
        </label>
      </div>
      {error && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}
      <div className="audit-table-wrap">
        <table className="audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('dialogs.audit.when')}</th>
              <th scope="col">{t('dialogs.audit.who')}</th>
              <th scope="col">{t('dialogs.audit.action')}</th>
              <th scope="col">{t('dialogs.audit.on')}</th>
              <th scope="col">{t('dialogs.audit.change')}</th>
              <th scope="col">{t('dialogs.audit.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {entries?.map((e) => (
              <tr
                key={e.id}
                data-testid="audit-row"
                data-action={e.action}
                data-outcome={e.outcome}
                data-role={e.role}
              >
                <td>{formatShortDateTime(e.at)}</td>
                <td>
                  {e.actor} <span className="muted">({e.role})</span>
                </td>
                <td>{e.action}</td>
                <td className="audit-target">{e.target ?? ''}</td>
                <td>
                  {e.before === null && e.after === null ? '' : `${e.before ?? '—'} → ${e.after ?? '—'}`}
                </td>
                <td title={e.detail ?? undefined}>
                  {e.outcome}
                  {e.detail ? <span className="muted small"> · {e.detail}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries?.length === 0 && <p className="muted">{t('dialogs.audit.none')}</p>}
      </div>
    </Dialog>
  );
}
