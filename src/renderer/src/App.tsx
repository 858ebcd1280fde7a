import { lazy, Suspense } from 'react';
import { AlertsList } from './components/AlertsList';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Header } from './components/Header';
import { t } from './i18n/words';
import { NodeDetails } from './components/NodeDetails';
import { ReportPage, useReportRoute } from './components/ReportPage';
import { SitePanel } from './components/SitePanel';
import { ConnectionWizard } from './components/wizard/ConnectionWizard';
import { displayKey, useSettings } from './state/settings';
import { useUi } from './state/ui';

// The dialogs (settings, Add a Shelly, audit, export, …) are a chunk of their own, loaded when one
// first opens: the console's first code is then mostly what draws the console. The connection
// wizard is not: it must be there at once on a first run.
const Dialogs = lazy(() => import('./components/dialogs/Dialogs').then((m) => ({ default: m.Dialogs })));

// Each region has its own boundary, so a fault in one panel leaves the others working.
export function App() {
  const isWizardOpen = useUi((s) => s.wizardOpen);
  const hasDialog = useUi((s) => s.dialog !== null);
  const wizardInitial = useUi((s) => s.wizardInitial);
  const reportRoute = useReportRoute();
  const display = useSettings((s) => s.display);
  // Formatters are rebuilt when the language or zone changes, but memoised views would keep the
  // old text: the header, the workspace and the report start again. Dialogs are left alone, so
  // the settings dialog that made the change stays open.
  const shown = displayKey(display);
  // The printed report is a page of its own (no tree, no alerts): what it shows is what prints.
  if (reportRoute)
    return (
      <ErrorBoundary what={t('app.region.report')}>
        <ReportPage key={shown} route={reportRoute} />
      </ErrorBoundary>
    );
  return (
    <ErrorBoundary what={t('app.region.app')}>
      <div className="app" data-locale={display.locale} data-time-zone={display.timeZone}>
        <ErrorBoundary key={`header ${shown}`} what={t('app.region.header')}>
          <Header />
        </ErrorBoundary>
        <main key={`workspace ${shown}`} className="workspace">
          <ErrorBoundary what={t('app.region.tree')}>
            <SitePanel />
          </ErrorBoundary>
          <div className="detail-column">
            <ErrorBoundary what={t('app.region.details')}>
              <NodeDetails />
            </ErrorBoundary>
          </div>
          <aside className="side">
            <ErrorBoundary what={t('app.region.alerts')}>
              <AlertsList />
            </ErrorBoundary>
          </aside>
        </main>
        {hasDialog && (
          <Suspense fallback={null}>
            <Dialogs />
          </Suspense>
        )}
        <ErrorBoundary what={t('app.region.wizard')}>
          <ConnectionWizard
            open={isWizardOpen}
            initial={wizardInitial}
            onClose={() => useUi.getState().setWizardOpen(false)}
          />
        </ErrorBoundary>
      </div>
    </ErrorBoundary>
  );
}
