import { AlertsList } from './components/AlertsList';
import { Dialogs } from './components/dialogs/Dialogs';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Header } from './components/Header';
import { NodeDetails } from './components/NodeDetails';
import { ReportPage, useReportRoute } from './components/ReportPage';
import { SitePanel } from './components/SitePanel';
import { ConnectionWizard } from './components/wizard/ConnectionWizard';
import { useUi } from './state/ui';

// Each region has its own boundary, so a fault in one panel leaves the others working.
export function App() {
  const isWizardOpen = useUi((s) => s.wizardOpen);
  const wizardInitial = useUi((s) => s.wizardInitial);
  const reportRoute = useReportRoute();
  // The printed report is a page of its own (no tree, no alerts): what it shows is what prints.
  if (reportRoute)
    return (
      <ErrorBoundary what="the report">
        <ReportPage route={reportRoute} />
      </ErrorBoundary>
    );
  return (
    <ErrorBoundary what="Kilowatch">
      <div className="app">
        <ErrorBoundary what="the header">
          <Header />
        </ErrorBoundary>
        <main className="workspace">
          <ErrorBoundary what="the device tree">
            <SitePanel />
          </ErrorBoundary>
          <div className="detail-column">
            <ErrorBoundary what="the details panel">
              <NodeDetails />
            </ErrorBoundary>
          </div>
          <aside className="side">
            <ErrorBoundary what="the alerts">
              <AlertsList />
            </ErrorBoundary>
          </aside>
        </main>
        <Dialogs />
        <ErrorBoundary what="the connection wizard">
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
