import { memo } from 'react';
import { formatEnergy, formatPower } from '../format';
import { useLive } from '../state/live';
import type { TreeRow } from '../tree-rows';
import { OnlineDot } from './OnlineDot';

export const ROW_HEIGHT = 26;
const INDENT_PX = 16;

/** A DOM id for `aria-activedescendant`; node ids may contain spaces, ids may not. */
export const rowDomId = (nodeId: string): string => `node-${encodeURIComponent(nodeId)}`;

// Each row selects its own totals, so a `totals.live` push re-renders only the rows that changed.
function RowTotals({ id }: { id: string }) {
  const totals = useLive((s) => s.byId[id]);
  return (
    <>
      <span className="cell-figure" data-testid="power">
        {totals ? formatPower(totals.powerW) : '—'}
      </span>
      <span className="cell-figure" data-testid="energy">
        {totals ? formatEnergy(totals.energyWh) : '—'}
      </span>
    </>
  );
}

interface Props {
  row: TreeRow;
  start: number;
  isSelected: boolean;
  isActive: boolean;
  onSelect: (id: string) => void;
  onToggle: (id: string, isExpanded: boolean) => void;
}

export const TreeRowView = memo(function TreeRowView({
  row,
  start,
  isSelected,
  isActive,
  onSelect,
  onToggle,
}: Props) {
  const { node, level, isExpanded } = row;
  const toggle = () => {
    if (isExpanded !== null) onToggle(node.id, !isExpanded);
  };
  const classes = ['tree-row', `kind-${node.kind}`];
  if (isSelected) classes.push('is-selected');
  if (isActive) classes.push('is-active');
  return (
    <div
      role="treeitem"
      id={rowDomId(node.id)}
      className={classes.join(' ')}
      data-node-id={node.id}
      aria-level={level}
      aria-setsize={row.setSize}
      aria-posinset={row.posInSet}
      aria-expanded={isExpanded ?? undefined}
      aria-selected={isSelected}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
      onClick={() => onSelect(node.id)}
      onDoubleClick={toggle}
    >
      <span className="cell-name" style={{ paddingInlineStart: (level - 1) * INDENT_PX }}>
        <span
          className={isExpanded === null ? 'twisty' : isExpanded ? 'twisty is-open' : 'twisty is-closed'}
          aria-hidden="true"
          onClick={(event) => {
            event.stopPropagation();
            toggle();
          }}
        />
        {node.kind === 'device' && <OnlineDot id={node.id} fromTree={node.online} />}
        <span className="node-name" title={node.path.join(' / ') || node.name}>
          {node.name}
        </span>
        {node.kind === 'device' && node.model && <span className="node-model">{node.model}</span>}
      </span>
      <RowTotals id={node.id} />
    </div>
  );
});
