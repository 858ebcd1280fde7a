import { t } from '../../i18n/words';
import { useUi } from '../../state/ui';
import { useIsDesk } from '../settings/DeskHint';

/**
 * Opens "Add a Shelly". Greyed at the desk with the reason on it (the core refuses a desk anyway):
 * commissioning changes a device's settings and restarts it, which is a manager's call.
 */
export function AddShellyButton() {
  const isDesk = useIsDesk();
  const isOpen = useUi((s) => s.dialog?.kind === 'add-shelly');
  return (
    <button
      type="button"
      className="tool"
      data-testid="open-add-shelly"
      aria-haspopup="dialog"
      aria-expanded={isOpen}
      disabled={isDesk}
      title={isDesk ? t('commission.desk') : t('commission.openTitle')}
      onClick={() => useUi.getState().openDialog({ kind: 'add-shelly' })}
    >
      {t('commission.open')}
    </button>
  );
}
