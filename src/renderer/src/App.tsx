import { AlertsList } from './components/AlertsList';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Header } from './components/Header';
import { NodeDetails } from './components/NodeDetails';
import { SitePanel } from './components/SitePanel';

// Each region has its own boundary, so a fault in one panel leaves the others working.
export function App() {
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
          <aside className="side">
            <ErrorBoundary what="the details panel">
              <NodeDetails />
            </ErrorBoundary>
            <ErrorBoundary what="the alerts">
              <AlertsList />
            </ErrorBoundary>
          </aside>
        </main>
      </div>
    </ErrorBoundary>
  );
}
