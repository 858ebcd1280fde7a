import { useDeferredValue, useEffect, useRef, type KeyboardEvent } from 'react';
import { formatCount } from '../format';
import { t } from '../i18n/words';
import { useTree } from '../state/tree';
import { useUi } from '../state/ui';
import { AddShellyButton } from './commission/AddShellyButton';
import { DeviceTree } from './DeviceTree';
import { EmptyState } from './EmptyState';

function SearchBox() {
  const search = useUi((s) => s.search);
  const setSearch = useUi((s) => s.setSearch);
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Escape' && search) {
      setSearch('');
      event.preventDefault();
    } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
      // Down into the results, as in a combobox.
      document.querySelector<HTMLElement>('[role="tree"]')?.focus();
      event.preventDefault();
    }
  };
  return (
    <input
      type="search"
      className="search"
      placeholder={t('site.search.placeholder')}
      aria-label={t('site.search.label')}
      aria-controls="site-tree"
      data-testid="tree-search"
      value={search}
      onChange={(event) => setSearch(event.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}

function TreeNotice() {
  const notice = useUi((s) => s.notice);
  const clear = useUi((s) => s.clearNotice);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!notice || notice.tone === 'error') return;
    timer.current = setTimeout(clear, 8000);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [notice, clear]);
  if (!notice) return null;
  return (
    <p
      className={`notice notice-${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      data-testid="tree-notice"
    >
      <span>{notice.text}</span>
      <button type="button" className="dismiss" aria-label={t('site.notice.dismiss')} onClick={clear}>
        ×
      </button>
    </p>
  );
}

/**
 * Below a large site's first screenful while the rest of its devices are on their way, or once
 * asking for them failed (the banner above says why): never a "loading" that will not end.
 */
function MoreDevicesComing() {
  const count = useTree((s) => s.devicesLeftOut);
  const hasFailed = useTree((s) => s.error !== null);
  if (count === 0) return null;
  return (
    <p className="tree-more" role="status" data-testid="tree-more">
      {t(hasFailed ? 'site.moreNotLoaded' : 'site.loadingMore', { count, shown: formatCount(count) })}
    </p>
  );
}

/** The tree once it is known, the empty state for a new site, and why a fetch failed. */
export function SitePanel() {
  const isLoaded = useTree((s) => s.isLoaded);
  const isEmpty = useTree((s) => s.nodes.length === 0);
  const error = useTree((s) => s.error);
  const search = useUi((s) => s.search);
  // Typing stays responsive on a large site: the tree filters a moment behind the keystrokes.
  const query = useDeferredValue(search);
  const setExpandMode = useUi((s) => s.setExpandMode);
  return (
    <section className="site" aria-label={t('site.label')}>
      <div className="tree-toolbar">
        <SearchBox />
        <button
          type="button"
          className="tool"
          data-testid="collapse-all"
          onClick={() => setExpandMode('collapsed')}
        >
          {t('site.collapseAll')}
        </button>
        <button
          type="button"
          className="tool"
          data-testid="expand-places"
          onClick={() => setExpandMode('default')}
        >
          {t('site.expandRooms')}
        </button>
        <AddShellyButton />
      </div>
      <TreeNotice />
      {error && (
        <p className="banner banner-error" role="alert" data-testid="tree-error">
          {t(isLoaded ? 'site.error.refresh' : 'site.error.load', { message: error.message })}
        </p>
      )}
      {!isLoaded ? (
        !error && <p className="empty">{t('site.loading')}</p>
      ) : isEmpty ? (
        <EmptyState />
      ) : (
        <>
          <DeviceTree query={query} />
          <MoreDevicesComing />
        </>
      )}
    </section>
  );
}
