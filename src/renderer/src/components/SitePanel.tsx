import { useTree } from '../state/tree';
import { DeviceTree } from './DeviceTree';
import { EmptyState } from './EmptyState';

/** The tree once it is known, the empty state for a new site, and why a fetch failed. */
export function SitePanel() {
  const isLoaded = useTree((s) => s.isLoaded);
  const isEmpty = useTree((s) => s.nodes.length === 0);
  const error = useTree((s) => s.error);
  return (
    <section className="site" aria-label="Site">
      {error && (
        <p className="banner banner-error" role="alert" data-testid="tree-error">
          Could not {isLoaded ? 'refresh' : 'load'} the site: {error.message}
        </p>
      )}
      {!isLoaded ? (
        !error && <p className="empty">Loading the site…</p>
      ) : isEmpty ? (
        <EmptyState />
      ) : (
        <DeviceTree />
      )}
    </section>
  );
}
