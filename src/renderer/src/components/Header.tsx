import { t } from '../i18n/words';
import { useUi } from '../state/ui';
import { AccessBadge } from './AccessBadge';
import { CompanyTotals } from './CompanyTotals';
import { ConnectionStatus } from './ConnectionStatus';
import { DiagnosticsExport } from './DiagnosticsExport';

export function Header() {
  const isWizardOpen = useUi((s) => s.wizardOpen);
  return (
    <header className="header">
      <h1 className="brand">
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <path d="M9 1 3 9h4l-1 6 6-8H8z" fill="#e0a000" />
        </svg>
        Kilowatch
      </h1>
      <ConnectionStatus />
      <CompanyTotals />
      <div className="header-actions">
        <AccessBadge />
        <button
          type="button"
          className="tool"
          data-testid="open-settings"
          onClick={() => useUi.getState().openDialog({ kind: 'settings' })}
        >
          {t('app.header.settings')}
        </button>
        <button
          type="button"
          className="tool"
          data-testid="open-audit"
          onClick={() => useUi.getState().openDialog({ kind: 'audit' })}
        >
          {t('app.header.audit')}
        </button>
        <DiagnosticsExport />
        <button
          type="button"
          className="tool"
          data-testid="open-export"
          onClick={() => useUi.getState().openDialog({ kind: 'export', nodeId: useUi.getState().selectedId })}
        >
          {t('app.header.exportCsv')}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="open-wizard"
          aria-haspopup="dialog"
          aria-expanded={isWizardOpen}
          title={t('app.header.connectTitle')}
          onClick={() => useUi.getState().setWizardOpen(true)}
        >
          {t('app.header.connect')}
        </button>
      </div>
    </header>
  );
}
