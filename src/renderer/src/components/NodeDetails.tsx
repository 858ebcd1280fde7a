import { lazy, Suspense, useEffect, useMemo, type ReactNode } from 'react';
import type { SiteNode } from '../../../shared/contract';
import {
  formatAgo,
  formatCount,
  formatDate,
  formatDateTime,
  formatEnergy,
  formatPower,
  kindLabel,
  nodeName,
  reasonText,
} from '../format';
import { withToday } from '../chart-series';
import { t } from '../i18n/words';
import { coverageText, reportingNote } from '../coverage';
import { dayStartMs, startOfMonthMs, startOfWeekMs } from '../ranges';
import { loadPeriods } from '../state/actions';
import { useHistory } from '../state/history';
import { useLive } from '../state/live';
import { selectOnline, useTree } from '../state/tree';
import { useUi } from '../state/ui';
import { switchableChannels } from '../tree-rows';
import { useNow } from '../use-now';
import { CategoryBreakdownPanel, hasCategoryBreakdown } from './CategoryBreakdownPanel';
import { ChildrenRanking } from './ChildrenRanking';
import { CoverControl } from './CoverControl';
import { ErrorBoundary } from './ErrorBoundary';
import { hasInsight, InsightPanel } from './InsightPanel';
import { AnomalyRulesPanel, hasRules } from './AnomalyRulesPanel';
import { LedgerPanel } from './LedgerPanel';
import { OnlineDot } from './OnlineDot';
import { MeterRole } from './MeterRole';
import { DeviceCategoryControl } from './DeviceCategoryControl';
import { PhaseTable } from './PhaseTable';
import { SupplyFigures } from './SupplyFigures';
import { TileCost } from './TileCost';
import { RelayToggle } from './RelayToggle';
import { DeviceSensors, RoomSensors } from './Sensors';
import { PrintReportLink } from './ReportPage';

// chart.js and the charts are a chunk of their own: a third of the console's code, not needed to
// draw the tree, and loaded when the details panel first shows a chart (bench renderer-first-tree).
const EnergyChart = lazy(() => import('./EnergyChart').then((m) => ({ default: m.EnergyChart })));
const LivePowerChart = lazy(() => import('./LivePowerChart').then((m) => ({ default: m.LivePowerChart })));

const PERIOD_REFRESH_MS = 20_000;

function Tile({
  label,
  testId,
  hint,
  isStale = false,
  cost,
  children,
}: {
  label: string;
  testId: string;
  /** What the figure covers when that is not the obvious whole (coverage, reporting, last seen). */
  hint?: string | null;
  /** A figure that is no longer current (an offline device's last power): shown greyed. */
  isStale?: boolean;
  /** A second line under the figure: what the period has cost so far (TileCost). */
  cost?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className={isStale ? 'tile tile-stale' : 'tile'}>
      <span className="tile-label">{label}</span>
      <span
        // A building's year runs to "258,694.047 kWh": long figures get a smaller face, never cut.
        className={
          typeof children === 'string' && children.length > 11 ? 'tile-figure is-long' : 'tile-figure'
        }
        data-testid={testId}
        data-stale={isStale ? 'true' : undefined}
      >
        {children}
      </span>
      {cost}
      {hint && (
        <span className="tile-hint" data-testid={`${testId}-hint`} title={hint}>
          {hint}
        </span>
      )}
    </div>
  );
}

function LiveTiles({ node }: { node: SiteNode }) {
  const id = node.id;
  const totals = useLive((s) => s.byId[id]);
  const online = useTree(selectOnline(node));
  const lastSeen = useTree((s) => s.deviceLastSeen[id]) ?? node.lastSeen;
  const now = useNow(10_000);
  const firstStoredMs = useHistory((s) => (s.periods?.nodeId === id ? s.periods.firstStoredMs : null));
  const none = '—';
  // An offline device's power is the last it reported: say how old it is instead of passing it as now.
  const isStale = node.kind === 'device' && online === false;
  const powerHint = isStale
    ? lastSeen
      ? t('details.tile.offline', { ago: formatAgo(lastSeen, now) })
      : t('details.tile.offlineNever')
    : reportingNote(totals);
  return (
    <>
      <Tile label={t('details.tile.power')} testId="detail-power" hint={powerHint} isStale={isStale}>
        {totals ? formatPower(totals.powerW) : none}
      </Tile>
      <Tile
        label={t('details.tile.today')}
        testId="detail-today"
        hint={coverageText(totals, dayStartMs(now), now, firstStoredMs)}
        cost={<TileCost nodeId={id} period="today" />}
      >
        {totals ? formatEnergy(totals.todayWh) : none}
      </Tile>
    </>
  );
}

function PeriodTiles({ id }: { id: string }) {
  const periods = useHistory((s) => (s.periods?.nodeId === id ? s.periods : null));
  const totals = useLive((s) => s.byId[id]);
  const now = useNow(10_000);
  useEffect(() => {
    void loadPeriods(id);
    const timer = setInterval(() => void loadPeriods(id), PERIOD_REFRESH_MS);
    return () => clearInterval(timer);
  }, [id]);
  // One snapshot: the completed days from the core plus the same live today the Today tile shows.
  const show = (beforeTodayWh: number | null | undefined): string => {
    const wh = withToday(beforeTodayWh ?? null, totals?.todayWh ?? null);
    return wh === null
      ? periods?.status === 'error'
        ? t('details.tile.unavailable')
        : '…'
      : formatEnergy(wh);
  };
  const weekStart = periods?.weekStartMs ?? startOfWeekMs(now);
  const monthStart = periods?.monthStartMs ?? startOfMonthMs(now);
  return (
    <>
      <Tile
        label={t('details.tile.week')}
        testId="detail-week"
        hint={
          coverageText(totals, weekStart, now, periods?.firstStoredMs) ??
          (weekStart < monthStart
            ? t('details.tile.weekFrom', { date: formatDate(new Date(weekStart).toISOString()) })
            : null)
        }
        cost={<TileCost nodeId={id} period="week" />}
      >
        {show(periods?.weekBeforeTodayWh)}
      </Tile>
      <Tile
        label={t('details.tile.month')}
        testId="detail-month"
        hint={coverageText(totals, monthStart, now, periods?.firstStoredMs)}
        cost={<TileCost nodeId={id} period="month" />}
      >
        {show(periods?.monthBeforeTodayWh)}
      </Tile>
    </>
  );
}

function CumulativeTiles({ id }: { id: string }) {
  const totals = useLive((s) => s.byId[id]);
  const none = '—';
  return (
    <>
      <Tile
        label={t('details.tile.total')}
        testId="detail-energy"
        hint={totals?.since ? t('details.tile.since', { date: formatDate(totals.since) }) : undefined}
      >
        {totals ? formatEnergy(totals.energyWh) : none}
      </Tile>
      {totals && totals.returnedWh > 0 && (
        <Tile label={t('details.tile.returned')} testId="detail-returned">
          {formatEnergy(totals.returnedWh)}
        </Tile>
      )}
      <Tile
        label={t('details.tile.reporting')}
        testId="detail-reporting"
        hint={t('details.tile.reportingHint')}
      >
        {totals
          ? t('details.tile.reportingValue', {
              reporting: formatCount(totals.reporting),
              devices: formatCount(totals.devices),
            })
          : none}
      </Tile>
    </>
  );
}

function DeviceFacts({ node }: { node: SiteNode }) {
  const online = useTree(selectOnline(node));
  const lastSeen = useTree((s) => s.deviceLastSeen[node.id]) ?? node.lastSeen;
  const now = useNow(10_000);
  return (
    <dl className="facts">
      <dt>{t('details.facts.state')}</dt>
      <dd data-testid="detail-online">
        {online === true
          ? t('details.facts.online')
          : online === false
            ? t('details.facts.offline')
            : t('details.facts.unknown')}
      </dd>
      {lastSeen && (
        <>
          <dt>{t('details.facts.lastSeen')}</dt>
          <dd data-testid="detail-last-seen" title={formatDateTime(lastSeen)}>
            {formatDateTime(lastSeen)} ({formatAgo(lastSeen, now)})
          </dd>
        </>
      )}
      {node.model && (
        <>
          <dt>{t('details.facts.model')}</dt>
          <dd data-testid="detail-model">{node.product ? `${node.product} (${node.model})` : node.model}</dd>
        </>
      )}
    </dl>
  );
}

function Relays({ node }: { node: SiteNode }) {
  const channels = useMemo(
    () =>
      node.kind === 'channel'
        ? node.switchable
          ? [node]
          : []
        : node.kind === 'device'
          ? switchableChannels(node)
          : [],
    [node],
  );
  if (channels.length === 0) return null;
  return (
    <section className="panel-block" aria-label={t('details.relays.region')}>
      <h3>{t('details.relays.title', { count: channels.length })}</h3>
      <ul className="relay-list">
        {channels.map((channel) => (
          <li key={channel.id}>
            <span className="relay-name">{channel.name}</span>
            <RelayToggle channel={channel} isVerbose />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Covers({ node }: { node: SiteNode }) {
  const channels = useMemo(
    () =>
      node.kind === 'channel'
        ? node.cover
          ? [node]
          : []
        : node.kind === 'device'
          ? node.children.filter((c) => c.cover !== undefined)
          : [],
    [node],
  );
  if (channels.length === 0) return null;
  return (
    <section className="panel-block" aria-label={t('details.covers.region')}>
      <h3>{t('details.covers.title', { count: channels.length })}</h3>
      <ul className="cover-list">
        {channels.map((channel) => (
          <li key={channel.id}>
            <span className="relay-name">{channel.name}</span>
            <CoverControl channel={channel} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Actions({ node }: { node: SiteNode }) {
  const relayCount = useMemo(
    () => (['company', 'office', 'room'].includes(node.kind) ? switchableChannels(node).length : 0),
    [node],
  );
  const open = useUi((s) => s.openDialog);
  const isWaiting = node.kind === 'device' && node.reason !== undefined;
  return (
    <div className="actions">
      {node.kind === 'device' && (
        <button
          type="button"
          className={isWaiting ? 'primary' : 'tool'}
          data-testid="open-assign"
          onClick={() => open({ kind: 'assign', nodeId: node.id })}
        >
          {isWaiting ? t('details.actions.assign') : t('details.actions.move')}
        </button>
      )}
      {node.kind !== 'unassigned' && (
        <button
          type="button"
          className="tool"
          data-testid="open-rename"
          onClick={() => open({ kind: 'rename', nodeId: node.id })}
        >
          {t('details.actions.rename')}
        </button>
      )}
      {relayCount > 0 && (
        <button
          type="button"
          className="tool danger"
          data-testid="open-all-off"
          onClick={() => open({ kind: 'all-off', nodeId: node.id })}
        >
          {t('details.actions.allOff')}
        </button>
      )}
      <button
        type="button"
        className="tool"
        data-testid="open-export-node"
        onClick={() => open({ kind: 'export', nodeId: node.id })}
      >
        {t('details.actions.export')}
      </button>
      <PrintReportLink nodeId={node.id} />
    </div>
  );
}

function NothingSelected() {
  return (
    <section className="details details-empty" aria-label={t('details.region')}>
      <h2>{t('details.nothing.title')}</h2>
      <p className="muted">{t('details.nothing.text')}</p>
    </section>
  );
}

/** The selected node's figures, relays, climate and history, exactly as the core reports them. */
export function NodeDetails() {
  const selectedId = useUi((s) => s.selectedId);
  const node = useTree((s) => (selectedId === null ? undefined : s.byId[selectedId]));
  const hasTotals = useLive((s) => selectedId !== null && s.byId[selectedId] !== undefined);
  if (selectedId === null) return <NothingSelected />;
  if (!node) {
    return (
      <section className="details details-empty" aria-label={t('details.region')}>
        <h2>{t('details.gone.title')}</h2>
        <p className="muted">{t('details.gone.text')}</p>
      </section>
    );
  }
  const isWaiting = node.kind === 'device' && node.reason !== undefined;
  // A relay-only channel has no counter, so no history to ask the core for.
  const isMetered = node.kind !== 'channel' || hasTotals;
  return (
    <section
      className="details"
      aria-label={t('details.region')}
      data-testid="node-details"
      data-node-id={node.id}
      data-node-kind={node.kind}
    >
      <header className="details-head">
        <div className="details-name">
          <h2 className="details-title">
            {node.kind === 'device' && <OnlineDot node={node} />}
            <span data-testid="detail-name">{nodeName(node)}</span>
          </h2>
          <p className="muted details-path">
            {kindLabel(node.kind)}
            {node.model ? ` · ${node.product ?? node.model}` : ''}
            {node.path.length > 1 ? ` · ${node.path.join(' / ')}` : ''}
          </p>
        </div>
        <Actions node={node} />
      </header>
      {isWaiting && (
        <p className="callout" data-testid="detail-reason">
          {t('details.waiting', { reason: reasonText(node.reason ?? '') })}
        </p>
      )}
      {isMetered ? (
        <div className="tiles">
          <LiveTiles node={node} />
          <PeriodTiles id={node.id} />
          <CumulativeTiles id={node.id} />
        </div>
      ) : (
        <p className="muted" data-testid="detail-unmetered">
          {t('details.unmetered')}
        </p>
      )}
      {node.kind === 'device' && <DeviceFacts node={node} />}
      <SupplyFigures nodeId={node.id} />
      <MeterRole key={`role:${node.id}`} node={node} />
      {node.kind === 'device' && <DeviceCategoryControl key={`category:${node.id}`} node={node} />}
      <Relays node={node} />
      <Covers node={node} />
      <PhaseTable node={node} />
      {node.kind === 'room' && <RoomSensors roomId={node.id} />}
      {node.kind === 'device' && <DeviceSensors deviceId={node.id} />}
      {isMetered && (
        <ErrorBoundary what={t('details.boundary.energyChart')}>
          <Suspense fallback={<div className="chart-box" aria-busy="true" />}>
            <EnergyChart node={node} />
          </Suspense>
        </ErrorBoundary>
      )}
      {isMetered && hasCategoryBreakdown(node.kind) && (
        <ErrorBoundary what={t('categories.boundary')}>
          <CategoryBreakdownPanel key={node.id} nodeId={node.id} />
        </ErrorBoundary>
      )}
      {isMetered && (
        <div className="details-pair">
          <ErrorBoundary what={t('details.boundary.powerChart')}>
            <Suspense fallback={<div className="chart-box chart-box-small" aria-busy="true" />}>
              <LivePowerChart nodeId={node.id} name={node.name} />
            </Suspense>
          </ErrorBoundary>
          <ChildrenRanking node={node} />
        </div>
      )}
      {isMetered && hasInsight(node.kind) && (
        <ErrorBoundary what={t('insight.boundary')}>
          <InsightPanel key={node.id} node={node} />
        </ErrorBoundary>
      )}
      {hasRules(node.kind) && (
        <ErrorBoundary what={t('rules.boundary')}>
          <AnomalyRulesPanel key={node.id} node={node} />
        </ErrorBoundary>
      )}
      {isMetered && <LedgerPanel key={node.id} nodeId={node.id} />}
    </section>
  );
}
