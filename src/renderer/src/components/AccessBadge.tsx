import { formatClock } from '../format';
import { t } from '../i18n/words';
import { lock, useAccess } from '../state/access';
import { useUi } from '../state/ui';

const timeOf = (iso: string): string => formatClock(Date.parse(iso));

/**
 * Who this window is: manager or desk, and until when an unlock lasts. Without a manager PIN it
 * says plainly that anyone here may switch the building's power, and offers to set one.
 */
export function AccessBadge() {
  const status = useAccess((s) => s.status);
  const open = useUi((s) => s.openDialog);
  if (!status) return null;
  if (!status.isPinSet)
    return (
      <div className="access access-open" data-testid="access" data-role="manager" data-pin="unset">
        <span className="access-hint">{t('app.access.noPin')}</span>
        <button
          type="button"
          className="tool"
          data-testid="set-pin"
          onClick={() => open({ kind: 'set-pin' })}
        >
          {t('app.access.setPin')}
        </button>
      </div>
    );
  const isManager = status.role === 'manager';
  return (
    <div
      className={`access access-${status.role}`}
      data-testid="access"
      data-role={status.role}
      data-pin="set"
    >
      <span className="access-role" data-testid="access-role">
        {isManager
          ? status.until
            ? t('app.access.managerUntil', { time: timeOf(status.until) })
            : t('app.access.manager')
          : t('app.access.desk')}
      </span>
      {isManager ? (
        <>
          <button
            type="button"
            className="tool"
            data-testid="change-pin"
            onClick={() => open({ kind: 'set-pin' })}
          >
            {t('app.access.changePin')}
          </button>
          <button type="button" className="tool" data-testid="lock" onClick={() => void lock()}>
            {t('app.access.lock')}
          </button>
        </>
      ) : (
        <button type="button" className="tool" data-testid="unlock" onClick={() => open({ kind: 'unlock' })}>
          {t('app.access.unlock')}
        </button>
      )}
    </div>
  );
}
