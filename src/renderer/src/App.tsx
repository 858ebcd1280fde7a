import { AlertsList } from './components/AlertsList';
import { Dialogs } from './components/dialogs/Dialogs';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Header } from './components/Header';
import { NodeDetails } from './components/NodeDetails';
import { SitePanel } from './components/SitePanel';
import { ConnectionWizard } from './components/wizard/ConnectionWizard';
import { useUi } from './state/ui';

// Each region has its own boundary, so a fault in one panel leaves the others working.
export function App() {
  const isWizardOpen = useUi((s) => s.wizardOpen);
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
          <ConnectionWizard open={isWizardOpen} onClose={() => useUi.getState().setWizardOpen(false)} />
        </ErrorBoundary>
      </div>
    </ErrorBoundary>
  );
}
