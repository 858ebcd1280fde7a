import { roleBadge } from './MeterRole';
import { memo, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { MeterRoleInfo, SiteNode } from '../../../shared/contract';
import { formatDateTime, formatEnergy, formatPower, formatShortTime, nodeName } from '../format';
import { t, type MessageKey } from '../i18n/words';
import { countRender } from '../render-count';
import { matchRange } from '../search';
import { useLive } from '../state/live';
import { selectOnline, useTree } from '../state/tree';
import type { TreeRow } from '../tree-rows';
import { OnlineDot } from './OnlineDot';
import { RelayToggle } from './RelayToggle';
import { SensorBadge } from './Sensors';

export const ROW_HEIGHT = 26;
const INDENT_PX = 16;
/** The drag payload type of a device row. */
export const DEVICE_DRAG_TYPE = 'application/x-kilowatch-device';

/** A DOM id for `aria-activedescendant`; node ids may contain spaces, ids may not. */
export const rowDomId = (nodeId: string): string => `node-${encodeURIComponent(nodeId)}`;

// Each row selects its own totals, so a `totals.live` push re-renders only the rows that changed.
function RowTotals({ id }: { id: string }) {
  countRender('RowTotals');
  const totals = useLive((s) => s.byId[id]);
  return (
    <>
      <span className="cell-figure" data-testid="power">
        {totals ? formatPower(totals.powerW) : '—'}
      </span>
      <span className="cell-figure" data-testid="energy" data-today-wh={totals?.todayWh}>
        {totals ? formatEnergy(totals.todayWh) : '—'}
      </span>
    </>
  );
}

/** A place no device is in any more: empty, but what was counted there stays with it. */
function FormerNote({ id }: { id: string }) {
  const energyWh = useLive((s) => s.byId[id]?.energyWh);
  return (
    <span className="former-note" data-testid="former-note" title={t('site.row.formerTitle')}>
      {energyWh !== undefined
        ? t('site.row.formerCounted', { energy: formatEnergy(energyWh) })
        : t('site.row.former')}
    </span>
  );
}

function Highlighted({ text, query }: { text: string; query: string }) {
  const range = query ? matchRange(text, query) : null;
  if (!range) return <>{text}</>;
  return (
    <>
      {text.slice(0, range[0])}
      <mark>{text.slice(range[0], range[1])}</mark>
      {text.slice(range[1])}
    </>
  );
}

function OfflineNote({ node }: { node: SiteNode }) {
  const online = useTree(selectOnline(node));
  const lastSeen = useTree((s) => s.deviceLastSeen[node.id]) ?? node.lastSeen;
  if (online !== false) return null;
  return (
    <span
      className="offline-note"
      title={lastSeen ? t('site.row.lastSeen', { time: formatDateTime(lastSeen) }) : undefined}
    >
      {lastSeen
        ? t('site.row.offlineSeen', { time: formatShortTime(Date.parse(lastSeen)) })
        : t('site.row.offline')}
    </span>
  );
}

interface Props {
  row: TreeRow;
  start: number;
  isSelected: boolean;
  isActive: boolean;
  /** The search text, for highlighting matches ('' when not searching). */
  query: string;
  onSelect: (id: string) => void;
  onToggle: (id: string, isExpanded: boolean) => void;
  onAssign: (deviceId: string) => void;
  onDropDevice: (deviceId: string, room: SiteNode) => void;
}

const hasDevice = (event: DragEvent): boolean => event.dataTransfer.types.includes(DEVICE_DRAG_TYPE);

export const TreeRowView = memo(function TreeRowView({
  row,
  start,
  isSelected,
  isActive,
  query,
  onSelect,
  onToggle,
  onAssign,
  onDropDevice,
}: Props) {
  countRender('TreeRow');
  const { node, level, isExpanded } = row;
  const [isDropTarget, setDropTarget] = useState(false);
  const isUnassignedDevice = node.kind === 'device' && node.reason !== undefined;
  const isRoom = node.kind === 'room';
  const toggle = () => {
    if (isExpanded !== null) onToggle(node.id, !isExpanded);
  };
  const classes = ['tree-row', `kind-${node.kind}`];
  if (isSelected) classes.push('is-selected');
  if (isActive) classes.push('is-active');
  if (isUnassignedDevice) classes.push('is-waiting');
  if (isDropTarget) classes.push('is-drop-target');
  if (row.isMatch && query) classes.push('is-match');
  if (node.former) classes.push('is-former');
  const innerTab = isActive ? 0 : -1;

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
      draggable={isUnassignedDevice}
      onDragStart={
        isUnassignedDevice
          ? (event) => {
              event.dataTransfer.setData(DEVICE_DRAG_TYPE, node.id);
              event.dataTransfer.setData('text/plain', node.name);
              event.dataTransfer.effectAllowed = 'move';
            }
          : undefined
      }
      onDragOver={
        isRoom
          ? (event) => {
              if (!hasDevice(event)) return;
              event.preventDefault();
              event.dataTransfer.dropEffect = 'move';
              if (!isDropTarget) setDropTarget(true);
            }
          : undefined
      }
      onDragLeave={isRoom ? () => setDropTarget(false) : undefined}
      onDrop={
        isRoom
          ? (event) => {
              setDropTarget(false);
              const deviceId = event.dataTransfer.getData(DEVICE_DRAG_TYPE);
              if (!deviceId) return;
              event.preventDefault();
              onDropDevice(deviceId, node);
            }
          : undefined
      }
    >
      <span className="cell-name" style={{ paddingInlineStart: (level - 1) * INDENT_PX }}>
        <span
          className={isExpanded === null ? 'twisty' : isExpanded ? 'twisty is-open' : 'twisty is-closed'}
          aria-hidden="true"
          onClick={(event: MouseEvent) => {
            event.stopPropagation();
            toggle();
          }}
        />
        {node.kind === 'device' && <OnlineDot node={node} />}
        <span className="node-name" title={node.path.join(' / ') || nodeName(node)}>
          <Highlighted text={nodeName(node)} query={query} />
        </span>
        {node.kind === 'device' && node.model && (
          <span className="node-model" title={node.product ? node.model : undefined}>
            {node.product ?? node.model}
          </span>
        )}
        {roleBadge(node.role) && (
          <span className="role-badge" data-testid="role-badge" title={roleTitle(node)}>
            {roleBadge(node.role)}
          </span>
        )}
        {node.polled && (
          <span className="role-badge" data-testid="polled-badge" title={t('site.row.polledTitle')}>
            {t('site.row.polled')}
          </span>
        )}
        {node.kind === 'device' && <OfflineNote node={node} />}
        {isRoom && <SensorBadge roomId={node.id} />}
        {node.former && <FormerNote id={node.id} />}
        {node.kind === 'unassigned' && <span className="waiting-hint">{t('site.row.waiting')}</span>}
        {isUnassignedDevice && (
          <button
            type="button"
            className="row-action"
            data-testid="row-assign"
            tabIndex={innerTab}
            title={t('site.row.assignTitle')}
            onClick={(event: MouseEvent) => {
              event.stopPropagation();
              onAssign(node.id);
            }}
            onKeyDown={(event: KeyboardEvent) => event.stopPropagation()}
          >
            {t('site.row.assign')}
          </button>
        )}
      </span>
      <span className="cell-relay">
        {node.kind === 'channel' && node.switchable && <RelayToggle channel={node} tabIndex={innerTab} />}
        {node.kind === 'channel' && !node.switchable && typeof node.output === 'boolean' && (
          // A state the console does not switch (a Pro 1CB's breaker): shown, not a control.
          <span className="muted" data-testid="channel-state">
            {node.output ? t('site.row.on') : t('site.row.off')}
          </span>
        )}
      </span>
      <RowTotals id={node.id} />
    </div>
  );
});

const MAIN_METER_OF: Record<NonNullable<MeterRoleInfo['scope']>, MessageKey> = {
  room: 'site.row.main.room',
  office: 'site.row.main.office',
  company: 'site.row.main.company',
};

function roleTitle(node: SiteNode): string {
  const role = node.role;
  if (!role || role.role === 'load') return '';
  return t(role.role === 'main' ? MAIN_METER_OF[role.scope ?? 'room'] : 'site.row.generation');
}
