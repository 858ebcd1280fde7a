import { useId, type ReactNode } from 'react';
import type { Comparison, Insight, SiteNode } from '../../../shared/contract';
import {
  formatClock,
  formatEnergy,
  formatEnergyDelta,
  formatPctDelta,
  formatPercent,
  formatPower,
} from '../format';
import { t } from '../i18n/words';
import { clockWords, momentWords, spanWords, untilWords } from '../insight-words';
import { formatMoney } from '../money';
import { api } from '../state/actions';
import { reveal } from '../state/navigate';
import { useRefreshed } from '../use-refreshed';
import './InsightPanel.css';

/** Worked out from stored history, which moves by the minute: every live push would ask for the same answer. */
const REFRESH_MS = 60_000;

/** The places an insight speaks of; a channel is a device's part, its history is the device's. */
export const hasInsight = (kind: SiteNode['kind']): boolean =>
  kind === 'company' || kind === 'office' || kind === 'room' || kind === 'device';

/**
 * What the selected node's figures say, as the core worked it out (insight.get): today and this
 * month against before, the base load, who uses most and who changed. Only written here: every
 * figure is the core's. With a tariff, each energy figure's cost sits beside it in its
 * `.insight-amount`; a figure the core gives no cost for (energy without a price) shows none.
 */
export function InsightPanel({ node }: { node: SiteNode }) {
  const id = node.id;
  const headingId = useId();
  const state = useRefreshed(() => api().invoke('insight.get', { node: id }), [id], REFRESH_MS);

  const insight = state.value;
  return (
    <section
      className="panel-block insight"
      aria-labelledby={headingId}
      data-testid="insight"
      data-node={id}
      data-status={state.status}
    >
      <div className="block-head">
        <h3 id={headingId}>{t('insight.title')}</h3>
        {insight && (
          <span className="muted small" data-testid="insight-at">
            {t('insight.updated', { time: formatClock(Date.parse(insight.at)) })}
          </span>
        )}
      </div>
      {state.status === 'loading' && (
        <p className="muted" role="status">
          {t('insight.loading')}
        </p>
      )}
      {state.status === 'error' && (
        <p className="callout" role="alert" data-testid="insight-error">
          {t('insight.error', { message: state.message })}
        </p>
      )}
      {insight && <InsightBody insight={insight} kind={node.kind} />}
    </section>
  );
}

function InsightBody({ insight, kind }: { insight: Insight; kind: SiteNode['kind'] }) {
  const currency = insight.currency;
  return (
    <>
      <div className="insight-figures">
        <ComparisonFigure
          testId="insight-today"
          title={t('insight.today.title')}
          comparison={insight.today}
          currency={currency}
          period={untilWords}
        />
        <ComparisonFigure
          testId="insight-month"
          title={t('insight.month.title')}
          comparison={insight.month}
          currency={currency}
          period={spanWords}
        />
        <BaseLoad insight={insight} />
      </div>
      <div className="insight-lists">
        <TopConsumers insight={insight} />
        <TopMovers insight={insight} />
        {kind !== 'device' && <Nights insight={insight} />}
      </div>
    </>
  );
}

/** A cost the core gave, in its currency; nothing when it gave none (never a made-up 0). */
const moneyOf = (minor: number | undefined, currency: string | undefined): string | null =>
  minor === undefined || currency === undefined ? null : formatMoney(minor, currency);

/** "+€0.12", "−€0.05": a change of money, signed as energy changes are. */
function formatMoneyDelta(minor: number, currency: string): string {
  const sign = minor > 0 ? '+' : minor < 0 ? '\u2212' : '±';
  return `${sign}${formatMoney(Math.abs(minor), currency)}`;
}

/** One energy figure and, with a tariff, its cost beside it. */
function Amount({
  energyWh,
  costMinor,
  currency,
  testId,
}: {
  energyWh: number;
  costMinor?: number;
  currency?: string;
  testId: string;
}) {
  const cost = moneyOf(costMinor, currency);
  return (
    <span className="insight-amount">
      <span className="insight-energy" data-testid={testId}>
        {formatEnergy(energyWh)}
      </span>
      {cost !== null && (
        <span className="insight-cost" data-testid={`${testId}-cost`} data-cost-minor={costMinor}>
          {cost}
        </span>
      )}
    </span>
  );
}

type Direction = 'up' | 'down' | 'same';
const directionOf = (changeWh: number): Direction => (changeWh > 0 ? 'up' : changeWh < 0 ? 'down' : 'same');
const ARROWS: Record<Direction, string> = { up: '▲', down: '▼', same: '=' };
const DIRECTION_WORDS = {
  up: 'insight.change.up',
  down: 'insight.change.down',
  same: 'insight.change.same',
} as const;

/**
 * "▲ +234 Wh (+23 %) more": the arrow and colour say it at a glance, the words say it to everyone.
 * A change of money is written by `formatDelta` (the change is then in minor units).
 */
function Change({
  changeWh,
  changePct,
  testId,
  formatDelta = formatEnergyDelta,
}: {
  changeWh: number;
  changePct: number | null;
  testId: string;
  formatDelta?: (change: number) => string;
}) {
  const direction = directionOf(changeWh);
  return (
    <span className={`insight-change is-${direction}`} data-testid={testId} data-direction={direction}>
      <span aria-hidden="true">{ARROWS[direction]} </span>
      {direction !== 'same' && formatDelta(changeWh)}
      {direction !== 'same' && changePct !== null && ` (${formatPctDelta(changePct)})`}{' '}
      {t(DIRECTION_WORDS[direction])}
    </span>
  );
}

function ComparisonFigure({
  testId,
  title,
  comparison: c,
  currency,
  period,
}: {
  testId: string;
  title: string;
  comparison: Comparison;
  currency: string | undefined;
  period: (from: string, to: string) => string;
}) {
  const previous = period(c.previousFrom, c.previousTo);
  const previousCost = moneyOf(c.previousCostMinor, currency);
  return (
    <div
      className="insight-figure"
      data-testid={testId}
      data-energy-wh={c.energyWh}
      data-change-wh={c.changeWh}
      data-to-the-hour={c.isToTheHour ? 'true' : undefined}
    >
      <h4>{title}</h4>
      <p className="insight-main" title={period(c.from, c.to)}>
        <Amount
          energyWh={c.energyWh}
          costMinor={c.costMinor}
          currency={currency}
          testId={`${testId}-energy`}
        />
      </p>
      <p>
        <Change changeWh={c.changeWh} changePct={c.changePct} testId={`${testId}-change`} />
      </p>
      {currency !== undefined && c.changeCostMinor !== undefined && (
        <p>
          <Change
            changeWh={c.changeCostMinor}
            changePct={c.changeCostPct ?? null}
            testId={`${testId}-cost-change`}
            formatDelta={(minor) => formatMoneyDelta(minor, currency)}
          />
        </p>
      )}
      <p className="muted small" data-testid={`${testId}-previous`}>
        {previousCost === null
          ? t('insight.compared', { period: previous, energy: formatEnergy(c.previousWh) })
          : t('insight.comparedCost', {
              period: previous,
              energy: formatEnergy(c.previousWh),
              cost: previousCost,
            })}
      </p>
      {c.isToTheHour && (
        <p className="muted small" data-testid={`${testId}-to-the-hour`} title={t('insight.toTheHourHint')}>
          {t('insight.toTheHour')}
        </p>
      )}
    </div>
  );
}

function BaseLoad({ insight }: { insight: Insight }) {
  const base = insight.baseLoad;
  if (!base) {
    return (
      <div className="insight-figure" data-testid="insight-base">
        <h4 title={t('insight.base.hint')}>{t('insight.base.title')}</h4>
        <p className="muted small" data-testid="insight-base-none">
          {t('insight.base.none', {
            from: momentWords(insight.nights.from),
            to: momentWords(insight.nights.to),
          })}
        </p>
      </div>
    );
  }
  return (
    <div className="insight-figure" data-testid="insight-base" data-watts={base.watts}>
      <h4 title={t('insight.base.hint')}>{t('insight.base.title')}</h4>
      <p className="insight-main">
        <span className="insight-amount">
          <span className="insight-energy" data-testid="insight-base-watts">
            {formatPower(base.watts)}
          </span>
        </span>
      </p>
      <p data-testid="insight-base-per-day">
        {base.shareOfDay === null
          ? t('insight.base.perDayOnly', { energy: formatEnergy(base.perDayWh) })
          : t('insight.base.perDay', {
              energy: formatEnergy(base.perDayWh),
              share: formatShare(base.shareOfDay),
            })}
      </p>
      <BaseLoadCost insight={insight} />
      <p className="muted small" data-testid="insight-base-window">
        {t('insight.base.window', { from: clockWords(base.from), to: clockWords(base.to) })}
      </p>
      <p className="muted small" data-testid="insight-base-night">
        {t('insight.base.night', { from: momentWords(base.night.from), to: momentWords(base.night.to) })}
      </p>
    </div>
  );
}

/** What the base load cost over yesterday, minute by minute at yesterday's prices, and its share. */
function BaseLoadCost({ insight }: { insight: Insight }) {
  const base = insight.baseLoad;
  const cost = moneyOf(base?.dayCostMinor, insight.currency);
  if (!base || cost === null) return null;
  return (
    <p data-testid="insight-base-cost" title={t('insight.base.costHint')}>
      {base.shareOfDayCost === null || base.shareOfDayCost === undefined
        ? t('insight.base.costOnly', { cost })
        : t('insight.base.cost', { cost, share: formatShare(base.shareOfDayCost) })}
    </p>
  );
}

/** A share the core gives as 0–1, written as people read it: "42 %". */
const formatShare = (share: number): string => formatPercent(share * 100);

/** A child's name that selects it in the tree, as the ranking beside the charts does. */
function NodeLink({ node, name }: { node: string; name: string }) {
  return (
    <button
      type="button"
      className="link-button insight-name"
      data-testid="insight-link"
      title={t('insight.showInTree', { name })}
      onClick={() => reveal(node)}
    >
      {name}
    </button>
  );
}

function ListBlock({
  testId,
  title,
  note,
  isEmpty,
  empty,
  children,
}: {
  testId: string;
  title: string;
  note?: string;
  isEmpty: boolean;
  empty: string;
  children: ReactNode;
}) {
  return (
    <div className="insight-list-block" data-testid={testId}>
      <h4>{title}</h4>
      {note && <p className="muted small">{note}</p>}
      {isEmpty ? <p className="muted small">{empty}</p> : <ol className="insight-list">{children}</ol>}
    </div>
  );
}

function TopConsumers({ insight }: { insight: Insight }) {
  return (
    <ListBlock
      testId="insight-consumers"
      title={t('insight.consumers.title')}
      isEmpty={insight.topConsumers.length === 0}
      empty={t('insight.consumers.none')}
    >
      {insight.topConsumers.map((child) => (
        <li key={child.node} data-node-id={child.node} data-energy-wh={child.energyWh}>
          <NodeLink node={child.node} name={child.name} />
          <span className="ranking-bar" aria-hidden="true">
            <span
              style={{ width: `${child.share === null ? 0 : Math.min(1, Math.max(0, child.share)) * 100}%` }}
            />
          </span>
          <Amount
            energyWh={child.energyWh}
            costMinor={child.costMinor}
            currency={insight.currency}
            testId="insight-item-energy"
          />
          <span className="cell-figure muted" data-testid="insight-item-share">
            {child.share === null ? '—' : formatShare(child.share)}
          </span>
        </li>
      ))}
    </ListBlock>
  );
}

function TopMovers({ insight }: { insight: Insight }) {
  return (
    <ListBlock
      testId="insight-movers"
      title={t('insight.movers.title')}
      note={t('insight.movers.period')}
      isEmpty={insight.topMovers.length === 0}
      empty={t('insight.movers.none')}
    >
      {insight.topMovers.map((mover) => (
        <li
          key={mover.node}
          data-node-id={mover.node}
          data-change-wh={mover.changeWh}
          title={t('insight.movers.was', {
            energy: formatEnergy(mover.energyWh),
            previous: formatEnergy(mover.previousWh),
          })}
        >
          <NodeLink node={mover.node} name={mover.name} />
          {mover.changePct === null && mover.changeWh > 0 ? (
            <span className="insight-change is-up" data-testid="insight-item-change" data-direction="up">
              <span aria-hidden="true">{ARROWS.up} </span>
              {formatEnergyDelta(mover.changeWh)} {t('insight.movers.new')}
            </span>
          ) : (
            <Change changeWh={mover.changeWh} changePct={mover.changePct} testId="insight-item-change" />
          )}
        </li>
      ))}
    </ListBlock>
  );
}

function Nights({ insight }: { insight: Insight }) {
  const { nights } = insight;
  // The core ranks the rooms by cost when it priced every room's night.
  const isByCost =
    insight.currency !== undefined &&
    nights.rooms.length > 0 &&
    nights.rooms.every((r) => r.costMinor !== undefined);
  return (
    <ListBlock
      testId="insight-nights"
      title={t(isByCost ? 'insight.nights.titleCost' : 'insight.nights.title')}
      note={t('insight.period.span', { from: momentWords(nights.from), to: momentWords(nights.to) })}
      isEmpty={nights.rooms.length === 0}
      empty={t('insight.nights.none')}
    >
      {nights.rooms.map((room) => (
        <li key={room.node} data-node-id={room.node} data-energy-wh={room.energyWh}>
          <NodeLink node={room.node} name={room.name} />
          <Amount
            energyWh={room.energyWh}
            costMinor={room.costMinor}
            currency={insight.currency}
            testId="insight-item-energy"
          />
        </li>
      ))}
    </ListBlock>
  );
}
