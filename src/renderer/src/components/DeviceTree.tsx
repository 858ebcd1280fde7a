import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SiteNode } from '../../../shared/contract';
import { t } from '../i18n/words';
import { countRender } from '../render-count';
import { buildSearchIndex, createMatcher, type SearchIndex } from '../search';
import { assignDevice } from '../state/actions';
import { useTree } from '../state/tree';
import { useUi } from '../state/ui';
import { flattenTree } from '../tree-rows';
import { ROW_HEIGHT, rowDomId, TreeRowView } from './TreeRowView';

const estimateSize = (): number => ROW_HEIGHT;
const select = (id: string): void => useUi.getState().select(id);
const setExpanded = (id: string, isExpanded: boolean): void => useUi.getState().setExpanded(id, isExpanded);
const openAssign = (deviceId: string): void =>
  useUi.getState().openDialog({ kind: 'assign', nodeId: deviceId });

async function dropDevice(deviceId: string, room: SiteNode): Promise<void> {
  const { notify } = useUi.getState();
  const device = useTree.getState().byId[deviceId];
  const [company, office, roomName] = room.path;
  if (!company || !office || !roomName) return;
  const words = { device: device?.name ?? deviceId, place: room.path.join(' / ') };
  notify(t('site.assign.pending', words));
  const reply = await assignDevice(deviceId, [company, office, roomName]);
  if (reply.ok) {
    notify(t('site.assign.done', words));
    useUi.getState().select(deviceId);
  } else notify(t('site.assign.failed', { device: words.device, message: reply.error.message }), 'error');
}
const onDropDevice = (deviceId: string, room: SiteNode): void => void dropDevice(deviceId, room);

/** The search index of a tree snapshot, built on the first search and kept with the snapshot. */
const indexes = new WeakMap<SiteNode[], SearchIndex>();
function searchIndexOf(nodes: SiteNode[]): SearchIndex {
  let index = indexes.get(nodes);
  if (!index) indexes.set(nodes, (index = buildSearchIndex(nodes)));
  return index;
}

/**
 * company → office → room → device → channel, flattened into rows and virtualised so a site with
 * thousands of devices renders only what is on screen. Keyboard: the WAI-ARIA tree pattern, with
 * focus kept on the tree and the active row named by `aria-activedescendant`.
 */
export function DeviceTree({ query }: { query: string }) {
  countRender('DeviceTree');
  const nodes = useTree((s) => s.nodes);
  const expanded = useUi((s) => s.expanded);
  const expandMode = useUi((s) => s.expandMode);
  const selectedId = useUi((s) => s.selectedId);
  const matcher = useMemo(
    () => (query.trim() ? createMatcher(query, searchIndexOf(nodes)) : null),
    [query, nodes],
  );
  const rows = useMemo(
    () => flattenTree(nodes, expanded, expandMode, matcher),
    [nodes, expanded, expandMode, matcher],
  );
  const indexOf = useMemo(() => new Map(rows.map((row, index) => [row.node.id, index])), [rows]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const activeIndex = indexOf.get(activeId ?? '') ?? indexOf.get(selectedId ?? '') ?? 0;
  const activeRow = rows[activeIndex];

  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable callbacks: the virtualizer recomputes every row's position (O(rows)) whenever one of
  // them changes identity, which on a 10,000-device site would happen on every scrolled frame.
  const getItemKey = useCallback((index: number) => rows[index]?.node.id ?? index, [rows]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  // The virtualizer is read afresh on every render and nothing derived from it is memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    overscan: 16,
    // React 19 warns about flushSync during rendering; scroll updates do not need it.
    useFlushSync: false,
  });

  // A node selected elsewhere (a ranking, an alert, the search) is scrolled into view.
  const selectedIndex = indexOf.get(selectedId ?? '');
  useEffect(() => {
    if (selectedIndex !== undefined) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    // Only when the selection moves, not on every new row list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  const onSelect = useCallback((id: string) => {
    select(id);
    setActiveId(id);
  }, []);

  const moveTo = (index: number): void => {
    const row = rows[index];
    if (!row) return;
    setActiveId(row.node.id);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (!activeRow) return;
    const pageRows = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1,
    );
    switch (event.key) {
      case 'ArrowDown':
        moveTo(activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex - 1);
        break;
      case 'PageDown':
        moveTo(Math.min(rows.length - 1, activeIndex + pageRows));
        break;
      case 'PageUp':
        moveTo(Math.max(0, activeIndex - pageRows));
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowRight':
        if (activeRow.isExpanded === false) setExpanded(activeRow.node.id, true);
        else if (activeRow.isExpanded) moveTo(activeIndex + 1);
        break;
      case 'ArrowLeft':
        if (activeRow.isExpanded) setExpanded(activeRow.node.id, false);
        else if (activeRow.parentId !== null) moveTo(indexOf.get(activeRow.parentId) ?? activeIndex);
        break;
      case 'Enter':
      case ' ':
        onSelect(activeRow.node.id);
        break;
      case 'F2':
        if (activeRow.node.kind !== 'unassigned')
          useUi.getState().openDialog({ kind: 'rename', nodeId: activeRow.node.id });
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  if (rows.length === 0) {
    // The button sits inside the sentence where the language puts {clear}; a marker nobody types
    // finds that place, whatever the query holds.
    const [beforeClear, afterClear] = t('site.search.empty', { query: query.trim(), clear: '\u0000' }).split(
      '\u0000',
    );
    return (
      <div className="tree-panel">
        <p className="empty tree-empty" data-testid="search-empty">
          {beforeClear}
          <button type="button" className="link-button" onClick={() => useUi.getState().setSearch('')}>
            {t('site.search.clear')}
          </button>
          {afterClear}
        </p>
      </div>
    );
  }

  return (
    <div className="tree-panel">
      <div className="tree-head" aria-hidden="true">
        <span>{t('site.column.name')}</span>
        <span className="cell-relay">{t('site.column.relay')}</span>
        <span className="cell-figure">{t('site.column.power')}</span>
        <span className="cell-figure">{t('site.column.today')}</span>
      </div>
      <div
        ref={scrollRef}
        id="site-tree"
        className="tree-scroll"
        role="tree"
        aria-label={t('site.tree.label')}
        data-row-count={rows.length}
        tabIndex={0}
        aria-activedescendant={activeRow ? rowDomId(activeRow.node.id) : undefined}
        onKeyDown={onKeyDown}
      >
        <div className="tree-canvas" role="presentation" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <TreeRowView
                key={item.key}
                row={row}
                start={item.start}
                isSelected={row.node.id === selectedId}
                isActive={item.index === activeIndex}
                query={matcher ? query : ''}
                onSelect={onSelect}
                onToggle={setExpanded}
                onAssign={openAssign}
                onDropDevice={onDropDevice}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
