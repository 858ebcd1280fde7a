import type { ChartDataset, Plugin } from 'chart.js';
import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { HistoryResult, SiteNode } from '../../../shared/contract';
import { Chart, onThemeChange, themeColours, type ThemeColours } from '../charts/chart-setup';
import {
  buildSlots,
  dataStartOf,
  delta,
  gapsPerSlot,
  slotDeltas,
  slotIndex,
  slotValues,
  sumPointsWh,
  withToday,
  type Delta,
  type Resolution,
  type Slot,
} from '../chart-series';
import { coverageText } from '../coverage';
import { t, type MessageKey } from '../i18n/words';
import {
  formatEnergy,
  formatEnergyAxis,
  formatEnergyDelta,
  formatPctDelta,
  formatSlot,
  formatSpan,
} from '../format';
import {
  dayStartMs,
  fromLocalInput,
  RANGE_KINDS,
  rangeLabel,
  resolutionLabel,
  toLocalInput,
  usableResolutions,
  type ChartResolution,
} from '../ranges';
import { formatMoney } from '../money';
import { loadEnergy } from '../state/actions';
import { useHistory, type EnergyView } from '../state/history';
import { useLive } from '../state/live';
import { useUi } from '../state/ui';
import { useNow } from '../use-now';

/** The numbers behind one chart: every value is one the core returned, placed in its slot. */
interface EnergyModel {
  labels: string[];
  slots: Slot[];
  bars: Array<{ id: string; label: string; values: Array<number | null> }>;
  /** The node's own value per slot (null: no data). */
  totalValues: Array<number | null>;
  /** The node's own total, drawn as a line when some children are not stacked separately. */
  totalLine: Array<number | null> | null;
  previous: Array<number | null> | null;
  /** Each slot against the same slot of the previous period. */
  deltas: Delta[] | null;
  /** The completed slots both periods have data for, summed and compared. */
  overall: (Delta & { slots: number; currentWh: number; previousWh: number }) | null;
  gapOverlaps: boolean[];
  /** Past slots without data: drawn hatched, never as 0. */
  noData: boolean[];
  gapSlots: number;
  /** Slots drawn empty because they lie inside a gap (nothing is known there). */
  gapNullSlots: number;
  noDataSlots: number;
  /** The core's own total of the points (the chart total when the range does not run through today). */
  historyTotalWh: number;
  /** Each stacked child's own total, as the core added it (for tests: the stack is the whole). */
  childTotalsWh: number[];
  resolution: Resolution;
  hasPoints: boolean;
  /** Where the node's data begins (counting start or first stored bucket); null: none at all. */
  dataStartMs: number | null;
  /** The currency of the core's cost figures (ISO 4217); null without a tariff. */
  currency: string | null;
  /**
   * The core's cost of each slot in minor units (null: the core gave none there); null when no
   * point has a cost at all (no tariff, or nothing in the range was priced).
   */
  costs: Array<number | null> | null;
  /**
   * The range's cost as the core added it over the history it returned (minor units); null when
   * it gave none (no tariff, or part of the energy was counted without a price): never 0 for that.
   */
  totalCostMinor: number | null;
}

const round3 = (wh: number): number => Math.round(wh * 1000) / 1000;
const REFRESH_MS = 30_000;

/**
 * Each slot's cost exactly as the core gave it on the slot's point. The renderer adds no money:
 * a slot holding several points (never, with the core's buckets) shows none rather than a sum.
 */
function slotCosts(result: HistoryResult, slots: Slot[]): Array<number | null> | null {
  const costs: Array<number | null> = slots.map(() => null);
  const seen = new Set<number>();
  let isAnyPriced = false;
  for (const point of result.points) {
    const i = slotIndex(slots, Date.parse(point.start));
    if (i < 0) continue;
    costs[i] = !seen.has(i) && point.costMinor !== undefined ? point.costMinor : null;
    seen.add(i);
    if (point.costMinor !== undefined) isAnyPriced = true;
  }
  return isAnyPriced ? costs : null;
}

/** Sums over the slots both periods know, up to the last completed one: like against like. */
function overallDelta(
  slots: Slot[],
  current: Array<number | null>,
  previous: Array<number | null>,
  nowMs: number,
): EnergyModel['overall'] {
  let currentWh = 0;
  let previousWh = 0;
  let count = 0;
  slots.forEach((slot, i) => {
    const a = current[i];
    const b = previous[i];
    if (slot.endMs > nowMs || a === null || a === undefined || b === null || b === undefined) return;
    currentWh += a;
    previousWh += b;
    count++;
  });
  if (count === 0) return null;
  return { ...delta(round3(currentWh), round3(previousWh)), slots: count, currentWh, previousWh };
}

function buildModel(
  view: EnergyView,
  nodeName: string,
  sinceOf: (id: string) => string | null,
): EnergyModel | null {
  const total = view.total;
  if (!total) return null;
  const now = Date.now();
  const results = [total, ...view.children.map((c) => c.result)];
  const dataStart = dataStartOf(sinceOf(view.nodeId), results);
  const slots = buildSlots(results, view.span.fromMs, view.span.toMs);
  const isMultiDay = view.span.toMs - view.span.fromMs > 86_400_000 + 3_600_000;
  const labels = slots.map((slot) => formatSlot(slot.startMs, total.resolution, isMultiDay));
  const totalValues = slotValues(total, slots, now, dataStart);
  const bars =
    view.children.length > 0
      ? view.children.map((child) => ({
          id: child.id,
          label: child.label,
          // Each part from its own start: a device added at noon has no data in the morning.
          values: slotValues(child.result, slots, now, dataStartOf(sinceOf(child.id), [child.result])),
        }))
      : [{ id: view.nodeId, label: nodeName, values: totalValues }];
  let previous: Array<number | null> | null = null;
  if (view.previous && view.previousSpan) {
    const previousSlots = buildSlots([view.previous], view.previousSpan.fromMs, view.previousSpan.toMs);
    const values = slotValues(view.previous, previousSlots, now, dataStart);
    // Period against period: the first bucket of each side by side.
    previous = slots.map((_, i) => values[i] ?? null);
  }
  const gaps = gapsPerSlot(slots, total.gaps);
  const noData = totalValues.map((v, i) => v === null && (slots[i] as Slot).startMs <= now);
  // Cost only from what history.query returned for the span (never the live today figure).
  const currency = total.currency ?? null;
  return {
    labels,
    slots,
    bars,
    totalValues,
    totalLine: view.otherChildren > 0 ? totalValues : null,
    previous,
    deltas: previous ? slotDeltas(totalValues, previous) : null,
    overall: previous ? overallDelta(slots, totalValues, previous, now) : null,
    gapOverlaps: gaps.overlaps,
    noData,
    gapSlots: gaps.overlaps.filter(Boolean).length,
    gapNullSlots: totalValues.filter((v, i) => v === null && gaps.inside[i]).length,
    noDataSlots: noData.filter(Boolean).length,
    historyTotalWh: round3(sumPointsWh(total)),
    childTotalsWh: view.children.map((child) => sumPointsWh(child.result)),
    resolution: total.resolution,
    hasPoints: total.points.length > 0,
    dataStartMs: dataStart,
    currency,
    costs: currency ? slotCosts(total, slots) : null,
    totalCostMinor: currency !== null && total.total.costMinor !== undefined ? total.total.costMinor : null,
  };
}

/**
 * The chart's total: for a range through today, the core's completed days plus the live today
 * (the same snapshot as the tiles, moving with every push); otherwise the core's own sum.
 */
function chartTotalWh(view: EnergyView, model: EnergyModel, todayWh: number | null, nowMs: number): number {
  if (view.dayStartMs !== null && view.dayStartMs === dayStartMs(nowMs)) {
    const live = withToday(view.beforeTodayWh, todayWh);
    if (live !== null) return live;
  }
  return model.historyTotalWh;
}

/**
 * Shades the slots where the core reports a gap (the device was away) and hatches the slots with
 * no data at all (before counting began, or inside a gap): nothing is known there, so no bar.
 */
function gapPlugin(
  flags: { current: { gaps: boolean[]; noData: boolean[] } },
  colours: { current: ThemeColours },
): Plugin<'bar'> {
  return {
    id: 'kilowatch-gaps',
    beforeDatasetsDraw(chart) {
      const { gaps, noData } = flags.current;
      const x = chart.scales.x;
      if (!x || gaps.length + noData.length === 0) return;
      const { ctx, chartArea } = chart;
      const width = chartArea.width / Math.max(1, gaps.length, noData.length);
      ctx.save();
      ctx.fillStyle = colours.current.gap;
      ctx.strokeStyle = colours.current.gap;
      ctx.lineWidth = 1;
      for (let i = 0; i < Math.max(gaps.length, noData.length); i++) {
        const left = x.getPixelForValue(i) - width / 2;
        if (gaps[i]) ctx.fillRect(left, chartArea.top, width, chartArea.height);
        if (noData[i]) {
          ctx.save();
          ctx.beginPath();
          ctx.rect(left, chartArea.top, width, chartArea.height);
          ctx.clip();
          ctx.beginPath();
          for (let d = -chartArea.height; d < width; d += 7) {
            ctx.moveTo(left + d, chartArea.bottom);
            ctx.lineTo(left + d + chartArea.height, chartArea.top);
          }
          ctx.stroke();
          ctx.restore();
        }
      }
      ctx.restore();
    },
  };
}

function datasetsOf(
  model: EnergyModel,
  colours: ThemeColours,
): ChartDataset<'bar' | 'line', Array<number | null>>[] {
  const out: ChartDataset<'bar' | 'line', Array<number | null>>[] = model.bars.map((bar, i) => ({
    type: 'bar' as const,
    label: bar.label,
    data: bar.values,
    stack: 'energy',
    backgroundColor: colours.series[i % colours.series.length],
    borderWidth: 0,
    barPercentage: 0.92,
    categoryPercentage: 0.92,
    order: 2,
  }));
  if (model.totalLine) {
    out.push({
      type: 'line' as const,
      label: t('details.chart.total'),
      data: model.totalLine,
      stack: 'total',
      borderColor: colours.text,
      backgroundColor: colours.text,
      borderWidth: 1.5,
      pointRadius: 0,
      spanGaps: false,
      order: 1,
    });
  }
  if (model.previous) {
    out.push({
      type: 'line' as const,
      label: t('details.chart.previous'),
      data: model.previous,
      stack: 'previous',
      borderColor: colours.previous,
      backgroundColor: colours.previous,
      borderDash: [5, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      spanGaps: false,
      order: 0,
    });
  }
  return out;
}

type EnergyChartJs = Chart<'bar' | 'line', Array<number | null>, string>;

/** Puts a model into an existing chart: the dataset objects are kept and their data replaced. */
function applyModel(chart: EnergyChartJs, model: EnergyModel | null, colours: ThemeColours): void {
  chart.data.labels = model?.labels ?? [];
  const next = model ? datasetsOf(model, colours) : [];
  next.forEach((dataset, i) => {
    const existing = chart.data.datasets[i];
    if (existing && existing.type === dataset.type) Object.assign(existing, dataset);
    else chart.data.datasets[i] = dataset;
  });
  chart.data.datasets.length = next.length;
  const legend = chart.options.plugins?.legend;
  if (legend) legend.display = next.length > 1;
  chart.update('none');
}

function RangePicker({
  resolution,
  onResolution,
}: {
  resolution: ChartResolution;
  onResolution: (resolution: ChartResolution) => void;
}) {
  const range = useUi((s) => s.chartRange);
  const setRange = useUi((s) => s.setChartRange);
  const isCompareOn = useUi((s) => s.isCompareOn);
  const setCompare = useUi((s) => s.setCompare);
  const now = useNow();
  const [from, setFrom] = useState(toLocalInput(range.fromMs ?? now - 86_400_000));
  const [to, setTo] = useState(toLocalInput(range.toMs ?? now));
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  const isCustomValid = fromMs !== null && toMs !== null && toMs > fromMs;
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label={t('details.chart.rangeGroup')}>
        {RANGE_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            aria-pressed={range.kind === kind}
            data-testid={`range-${kind}`}
            onClick={() =>
              setRange(
                kind === 'custom' && isCustomValid
                  ? { kind, fromMs, toMs }
                  : kind === 'custom'
                    ? range
                    : { kind },
              )
            }
          >
            {rangeLabel(kind)}
          </button>
        ))}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={isCompareOn}
          data-testid="compare"
          onChange={(event) => setCompare(event.target.checked)}
        />
        {t('details.chart.compare')}
      </label>
      {range.kind === 'custom' && (
        <form
          className="custom-range"
          onSubmit={(event) => {
            event.preventDefault();
            if (isCustomValid) setRange({ kind: 'custom', fromMs, toMs });
          }}
        >
          <label>
            {t('details.chart.from')}{' '}
            <input
              type="datetime-local"
              value={from}
              data-testid="custom-from"
              onChange={(e) => setFrom(e.target.value)}
            />
          </label>
          <label>
            {t('details.chart.to')}{' '}
            <input
              type="datetime-local"
              value={to}
              data-testid="custom-to"
              onChange={(e) => setTo(e.target.value)}
            />
          </label>
          <button type="submit" className="tool" disabled={!isCustomValid} data-testid="custom-apply">
            {t('details.chart.show')}
          </button>
          {range.fromMs !== undefined && range.toMs !== undefined && (
            <label>
              {t('details.chart.by')}{' '}
              <select
                value={resolution}
                data-testid="custom-resolution"
                onChange={(e) => onResolution(e.target.value as ChartResolution)}
              >
                {usableResolutions({ fromMs: range.fromMs, toMs: range.toMs }).map((r) => (
                  <option key={r} value={r}>
                    {resolutionLabel(r)}
                  </option>
                ))}
              </select>
            </label>
          )}
        </form>
      )}
    </div>
  );
}

/** Compare-with-previous in words: the overall change, over the completed periods both know. */
function CompareSummary({ model }: { model: EnergyModel }) {
  const overall = model.overall;
  if (!model.previous) return null;
  if (!overall || overall.deltaWh === null) {
    return (
      <p className="muted small" data-testid="compare-summary">
        {t('details.compare.none', { units: unitWord(model.resolution, 2) })}
      </p>
    );
  }
  const tone = overall.deltaWh > 0 ? 'up' : overall.deltaWh < 0 ? 'down' : 'same';
  return (
    <p
      className={`compare-summary compare-${tone}`}
      data-testid="compare-summary"
      data-delta-wh={overall.deltaWh}
      data-pct={overall.pct ?? undefined}
    >
      {withNodes(
        t('details.compare.summary', {
          completed: t(unitKey(COMPLETED_WORDS, model.resolution), { count: overall.slots }),
          current: formatEnergy(round3(overall.currentWh)),
          previous: formatEnergy(round3(overall.previousWh)),
        }),
        {
          delta: <strong>{formatEnergyDelta(overall.deltaWh)}</strong>,
          pct: overall.pct !== null && <strong> ({formatPctDelta(overall.pct)})</strong>,
        },
      )}
    </p>
  );
}

/**
 * Words filled in around React nodes: `{name}` placeholders that t() left unfilled are replaced by
 * `nodes[name]`, so a sentence with bold figures is still one catalog entry in its own word order.
 */
function withNodes(text: string, nodes: Record<string, ReactNode>): ReactNode {
  return text
    .split(/(\{\w+\})/)
    .map((part, i) => (
      <Fragment key={i}>{/^\{\w+\}$/.test(part) ? nodes[part.slice(1, -1)] : part}</Fragment>
    ));
}

type UnitWords = Record<Resolution | 'period', MessageKey>;
const UNIT_WORDS: UnitWords = {
  minute: 'details.unit.minute',
  hour: 'details.unit.hour',
  day: 'details.unit.day',
  week: 'details.unit.week',
  month: 'details.unit.month',
  auto: 'details.unit.period',
  period: 'details.unit.period',
};
// "3 completed hours": one entry per unit, as an adjective agrees with its noun in Portuguese.
const COMPLETED_WORDS: UnitWords = {
  minute: 'details.completed.minute',
  hour: 'details.completed.hour',
  day: 'details.completed.day',
  week: 'details.completed.week',
  month: 'details.completed.month',
  auto: 'details.completed.period',
  period: 'details.completed.period',
};
const unitKey = (words: UnitWords, resolution: string): MessageKey =>
  words[resolution as keyof UnitWords] ?? words.period;
const unitWord = (resolution: string, n: number): string => t(unitKey(UNIT_WORDS, resolution), { count: n });

const cell = (wh: number | null | undefined): string =>
  wh === null || wh === undefined ? t('details.chart.noData') : formatEnergy(wh);

/** A cost the core gave, written in its currency; a dash where it gave none (never 0). */
const costCell = (minor: number | null | undefined, currency: string): string =>
  minor === null || minor === undefined ? '—' : formatMoney(minor, currency);

/** The chart's values as a table, for screen readers and for reading exact figures. */
function ChartTable({ model, totalWh, nodeName }: { model: EnergyModel; totalWh: number; nodeName: string }) {
  // One column per stacked part, then the node's own value (the bars alone when it has no parts).
  const showBars = model.bars.length > 1;
  const currency = model.costs ? model.currency : null;
  return (
    <div className="chart-table-wrap">
      <table className="chart-table" data-testid="chart-table">
        <caption className="visually-hidden">{t('details.chart.of', { name: nodeName })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('details.chart.period')}</th>
            {showBars &&
              model.bars.map((bar) => (
                <th scope="col" key={bar.id}>
                  {bar.label}
                </th>
              ))}
            <th scope="col">{nodeName}</th>
            {currency && (
              <th scope="col" data-testid="chart-table-cost-head">
                {t('details.chart.cost')}
              </th>
            )}
            {model.previous && <th scope="col">{t('details.chart.previous')}</th>}
            {model.previous && <th scope="col">{t('details.chart.change')}</th>}
          </tr>
        </thead>
        <tbody>
          {model.labels.map((label, i) => {
            const d = model.deltas?.[i];
            return (
              <tr key={model.slots[i]?.startMs ?? i} data-no-data={model.noData[i] ? 'true' : undefined}>
                <th scope="row">{label}</th>
                {showBars && model.bars.map((bar) => <td key={bar.id}>{cell(bar.values[i])}</td>)}
                <td data-wh={model.totalValues[i] ?? undefined}>{cell(model.totalValues[i])}</td>
                {currency && (
                  <td data-testid="chart-table-cost" data-cost-minor={model.costs?.[i] ?? undefined}>
                    {costCell(model.costs?.[i], currency)}
                  </td>
                )}
                {model.previous && <td>{cell(model.previous[i])}</td>}
                {model.previous && (
                  <td>
                    {d && d.deltaWh !== null
                      ? `${formatEnergyDelta(d.deltaWh)}${d.pct !== null ? ` (${formatPctDelta(d.pct)})` : ''}`
                      : '—'}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('details.chart.total')}</th>
            {showBars && model.bars.map((bar, i) => <td key={bar.id}>{cell(model.childTotalsWh[i])}</td>)}
            <td data-testid="chart-table-total">{formatEnergy(totalWh)}</td>
            {currency && (
              <td data-testid="chart-table-total-cost" data-cost-minor={model.totalCostMinor ?? undefined}>
                {costCell(model.totalCostMinor, currency)}
              </td>
            )}
            {model.previous && <td />}
            {model.previous && (
              <td>
                {model.overall && model.overall.deltaWh !== null
                  ? `${formatEnergyDelta(model.overall.deltaWh)}${model.overall.pct !== null ? ` (${formatPctDelta(model.overall.pct)})` : ''}`
                  : '—'}
              </td>
            )}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/**
 * Energy per interval for the selected node, stacked by child, with the previous period as a
 * dashed line, the core's gaps shaded and periods without data hatched. The chart is created once
 * and its data replaced in place on every update.
 */
export function EnergyChart({ node }: { node: SiteNode }) {
  const range = useUi((s) => s.chartRange);
  const isCompareOn = useUi((s) => s.isCompareOn);
  const [customResolution, setCustomResolution] = useState<ChartResolution>('auto');
  const view = useHistory((s) => (s.energy?.nodeId === node.id ? s.energy : null));
  const totals = useLive((s) => s.byId[node.id]);
  const since = totals?.since ?? null;
  const model = useMemo(
    () =>
      view
        ? buildModel(view, node.name, (id) =>
            id === node.id ? since : (useLive.getState().byId[id]?.since ?? null),
          )
        : null,
    [view, node.id, node.name, since],
  );
  const now = useNow(10_000);
  const totalWh = view && model ? chartTotalWh(view, model, totals?.todayWh ?? null, now) : null;
  const [isTableShown, setTableShown] = useState(false);

  // A custom span too short or too long for the chosen bucket size falls back to automatic.
  const resolution =
    range.kind === 'custom' &&
    range.fromMs !== undefined &&
    range.toMs !== undefined &&
    usableResolutions({ fromMs: range.fromMs, toMs: range.toMs }).includes(customResolution)
      ? customResolution
      : 'auto';

  useEffect(() => {
    void loadEnergy(node.id, range, isCompareOn, resolution);
    const timer = setInterval(() => void loadEnergy(node.id, range, isCompareOn, resolution), REFRESH_MS);
    return () => clearInterval(timer);
  }, [node.id, range, isCompareOn, resolution]);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<EnergyChartJs | null>(null);
  const flagsRef = useRef<{ gaps: boolean[]; noData: boolean[] }>({ gaps: [], noData: [] });
  const coloursRef = useRef<ThemeColours | null>(null);
  const modelRef = useRef<EnergyModel | null>(null);

  // Created once per mount; updates replace data in place (never destroy and rebuild).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    coloursRef.current = themeColours();
    const colours = coloursRef as { current: ThemeColours };
    const chart = new Chart<'bar' | 'line', Array<number | null>, string>(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { callback: (value) => formatEnergyAxis(Number(value)) },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10 } },
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label ?? ''}: ${item.raw === null ? t('details.chart.noData') : formatEnergy(Number(item.raw))}`,
              footer: (items) => {
                const d = modelRef.current?.deltas?.[items[0]?.dataIndex ?? -1];
                if (!d || d.deltaWh === null) return '';
                return t('details.chart.changeTip', {
                  change: `${formatEnergyDelta(d.deltaWh)}${d.pct !== null ? ` (${formatPctDelta(d.pct)})` : ''}`,
                });
              },
            },
          },
        },
      },
      plugins: [gapPlugin(flagsRef, colours) as unknown as Plugin<'bar' | 'line'>],
    });
    chartRef.current = chart;
    const applyTheme = (): void => {
      colours.current = themeColours();
      const c = colours.current;
      chart.options.color = c.muted;
      for (const axis of ['x', 'y'] as const) {
        const scale = chart.options.scales?.[axis];
        if (scale) {
          if (scale.ticks) scale.ticks.color = c.muted;
          if (scale.grid) scale.grid.color = c.grid;
        }
      }
      // New colours for the same data, still in place.
      applyModel(chart, modelRef.current, c);
    };
    applyTheme();
    const stop = onThemeChange(applyTheme);
    return () => {
      stop();
      chart.destroy();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    modelRef.current = model;
    flagsRef.current = { gaps: model?.gapOverlaps ?? [], noData: model?.noData ?? [] };
    const chart = chartRef.current;
    const colours = coloursRef.current;
    if (chart && colours) applyModel(chart, model, colours);
  }, [model]);

  const status = view?.status ?? 'loading';
  const rangeText = view && model ? formatSpan(view.span.fromMs, view.span.toMs, model.resolution) : null;
  const coverage = view && model ? coverageText(totals, view.span.fromMs, now, model.dataStartMs) : null;
  return (
    <section className="panel-block energy" aria-label={t('details.chart.region')}>
      <div className="block-head">
        <h3>{t('details.chart.title')}</h3>
        {rangeText && (
          <span className="muted range-text" data-testid="range-text">
            {rangeText}
          </span>
        )}
        {model && totalWh !== null && (
          <span className="chart-total">
            {t('details.chart.total')} <strong data-testid="chart-total">{formatEnergy(totalWh)}</strong>
            {model.currency !== null && model.totalCostMinor !== null && (
              <>
                {' · '}
                <strong
                  data-testid="chart-cost"
                  data-cost-minor={model.totalCostMinor}
                  data-currency={model.currency}
                  title={t('details.chart.costTip')}
                >
                  {formatMoney(model.totalCostMinor, model.currency)}
                </strong>
              </>
            )}
            {coverage && (
              <span className="muted small" data-testid="chart-coverage">
                {' '}
                ({coverage})
              </span>
            )}
          </span>
        )}
      </div>
      <RangePicker resolution={resolution} onResolution={setCustomResolution} />
      <div
        className="chart-box"
        data-testid="energy-chart"
        data-node={node.id}
        data-status={status}
        data-from={view ? new Date(view.span.fromMs).toISOString() : undefined}
        data-to={view ? new Date(view.span.toMs).toISOString() : undefined}
        data-resolution={model?.resolution}
        data-total-wh={totalWh ?? undefined}
        data-history-total-wh={model?.historyTotalWh}
        data-cost-minor={model?.totalCostMinor ?? undefined}
        data-currency={model?.currency ?? undefined}
        data-child-totals-wh={model ? JSON.stringify(model.childTotalsWh) : undefined}
        data-series={model?.bars.length}
        data-slots={model?.slots.length}
        data-values={model ? JSON.stringify(model.totalValues) : undefined}
        data-gap-slots={model?.gapSlots}
        data-gap-null-slots={model?.gapNullSlots}
        data-no-data-slots={model?.noDataSlots}
        data-compare={model?.previous ? 'on' : 'off'}
        aria-busy={status === 'loading'}
      >
        <canvas ref={canvasRef} role="img" aria-label={t('details.chart.of', { name: node.name })} />
        {status === 'error' && (
          <p className="chart-overlay chart-error" role="alert">
            {t('details.chart.error', { error: view?.error ?? '' })}
          </p>
        )}
        {status === 'ready' && model && !model.hasPoints && (
          <p className="chart-overlay" data-testid="chart-empty">
            {t('details.chart.empty', { name: node.name })}
          </p>
        )}
      </div>
      {model && <CompareSummary model={model} />}
      {view?.status === 'ready' && view.error && <p className="muted small">{view.error}</p>}
      {view && view.otherChildren > 0 && (
        <p className="muted small">
          {t('details.chart.others', { shown: view.children.length, count: view.otherChildren })}
        </p>
      )}
      {model && model.gapSlots > 0 && (
        <p className="muted small" data-testid="chart-gap-note">
          {t('details.chart.gapNote')}
        </p>
      )}
      {model && model.noDataSlots > 0 && (
        <p className="muted small" data-testid="chart-no-data-note">
          {t('details.chart.noDataNote', {
            count: model.noDataSlots,
            unit: unitWord(model.resolution, model.noDataSlots),
          })}
        </p>
      )}
      {model && totalWh !== null && (
        <>
          <button
            type="button"
            className="tool small"
            aria-expanded={isTableShown}
            data-testid="chart-table-toggle"
            onClick={() => setTableShown((shown) => !shown)}
          >
            {isTableShown ? t('details.chart.hideTable') : t('details.chart.showTable')}
          </button>
          {isTableShown && <ChartTable model={model} totalWh={totalWh} nodeName={node.name} />}
        </>
      )}
    </section>
  );
}
