import { t } from '../../i18n/words';
import { useAccess } from '../../state/access';

/** At the desk: a manager PIN is set and this window has not been unlocked with it. */
export const useIsDesk = (): boolean =>
  useAccess((s) => s.status !== null && s.status.isPinSet && s.status.role === 'desk');

/** Why a section is greyed out, and how to change that (the core refuses a desk anyway). */
export function DeskHint({ testId }: { testId: string }) {
  return (
    <p className="muted small" data-testid={testId}>
      {t('settings.desk')}
    </p>
  );
}
