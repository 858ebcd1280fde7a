import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTree } from '../state/tree';
import { useUi } from '../state/ui';
import { flattenTree } from '../tree-rows';
import { ROW_HEIGHT, rowDomId, TreeRowView } from './TreeRowView';

const select = (id: string): void => useUi.getState().select(id);
const setExpanded = (id: string, isExpanded: boolean): void => useUi.getState().setExpanded(id, isExpanded);

/**
 * company → office → room → device → channel, flattened into rows and virtualised so a site with
 * thousands of channels renders only what is on screen. Keyboard: the WAI-ARIA tree pattern,
 * with focus kept on the tree and the active row named by `aria-activedescendant`.
 */
export function DeviceTree() {
  const nodes = useTree((s) => s.nodes);
  const expanded = useUi((s) => s.expanded);
  const selectedId = useUi((s) => s.selectedId);
  const rows = useMemo(() => flattenTree(nodes, expanded), [nodes, expanded]);
  const indexOf = useMemo(() => new Map(rows.map((row, index) => [row.node.id, index])), [rows]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const activeIndex = indexOf.get(activeId ?? '') ?? indexOf.get(selectedId ?? '') ?? 0;
  const activeRow = rows[activeIndex];

  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is read afresh on every render and nothing derived from it is memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => rows[index]?.node.id ?? index,
    overscan: 12,
    // React 19 warns about flushSync during rendering; scroll updates do not need it.
    useFlushSync: false,
  });

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
    switch (event.key) {
      case 'ArrowDown':
        moveTo(activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex - 1);
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
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div className="tree-panel">
      <div className="tree-head" aria-hidden="true">
        <span>Name</span>
        <span className="cell-figure">Power</span>
        <span className="cell-figure">Energy</span>
      </div>
      <div
        ref={scrollRef}
        className="tree-scroll"
        role="tree"
        aria-label="Site: company, office, room, device, channel"
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
                onSelect={onSelect}
                onToggle={setExpanded}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
