import type { ChartDataset, Plugin } from 'chart.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SiteNode } from '../../../shared/contract';
import { Chart, onThemeChange, themeColours, type ThemeColours } from '../charts/chart-setup';
import { buildSlots, gapsPerSlot, slotValues, sumPointsWh, type Slot } from '../chart-series';
import { formatEnergy, formatEnergyAxis, formatRange, formatSlot } from '../format';
import { fromLocalInput, RANGE_KINDS, RANGE_LABELS, toLocalInput } from '../ranges';
import { loadEnergy } from '../state/actions';
import { useHistory, type EnergyView } from '../state/history';
import { useUi } from '../state/ui';
import { useNow } from '../use-now';

/** The numbers behind one chart: every value is one the core returned, placed in its slot. */
interface EnergyModel {
  labels: string[];
  slots: Slot[];
  bars: Array<{ id: string; label: string; values: Array<number | null> }>;
  /** The node's own total, drawn as a line when some children are not stacked separately. */
  totalLine: Array<number | null> | null;
  previous: Array<number | null> | null;
  gapOverlaps: boolean[];
  gapSlots: number;
  /** Slots drawn empty because they lie inside a gap (nothing is known there). */
  gapNullSlots: number;
  /** Sum of the points the core returned for the node (display only). */
  totalWh: number;
  /** Each stacked child's own total, as the core added it (for tests: the stack is the whole). */
  childTotalsWh: number[];
  /** Sum of the points of the stacked series (display only). */
  resolution: string;
  hasPoints: boolean;
}

const round3 = (wh: number): number => Math.round(wh * 1000) / 1000;
const REFRESH_MS = 30_000;

function buildModel(view: EnergyView, nodeName: string): EnergyModel | null {
  const total = view.total;
  if (!total) return null;
  const now = Date.now();
  const slots = buildSlots([total, ...view.children.map((c) => c.result)], view.span.fromMs, view.span.toMs);
  const isMultiDay = view.span.toMs - view.span.fromMs > 86_400_000 + 3_600_000;
  const labels = slots.map((slot) => formatSlot(slot.startMs, total.resolution, isMultiDay));
  const totalValues = slotValues(total, slots, now);
  const bars =
    view.children.length > 0
      ? view.children.map((child) => ({
          id: child.id,
          label: child.label,
          values: slotValues(child.result, slots, now),
        }))
      : [{ id: view.nodeId, label: nodeName, values: totalValues }];
  let previous: Array<number | null> | null = null;
  if (view.previous && view.previousSpan) {
    const previousSlots = buildSlots([view.previous], view.previousSpan.fromMs, view.previousSpan.toMs);
    const values = slotValues(view.previous, previousSlots, now);
    // Period against period: the first bucket of each side by side.
    previous = slots.map((_, i) => values[i] ?? null);
  }
  const gaps = gapsPerSlot(slots, total.gaps);
  return {
    labels,
    slots,
    bars,
    totalLine: view.otherChildren > 0 ? totalValues : null,
    previous,
    gapOverlaps: gaps.overlaps,
    gapSlots: gaps.overlaps.filter(Boolean).length,
    gapNullSlots: totalValues.filter((v, i) => v === null && gaps.inside[i]).length,
    totalWh: round3(sumPointsWh(total)),
    childTotalsWh: view.children.map((child) => sumPointsWh(child.result)),
    resolution: total.resolution,
    hasPoints: total.points.length > 0,
  };
}

/** Shades the slots where the core reports a gap: the device was away, nothing is known there. */
function gapPlugin(gaps: { current: boolean[] }, colours: { current: ThemeColours }): Plugin<'bar'> {
  return {
    id: 'kilowatch-gaps',
    beforeDatasetsDraw(chart) {
      const flags = gaps.current;
      const x = chart.scales.x;
      if (!x || flags.length === 0) return;
      const { ctx, chartArea } = chart;
      const width = chartArea.width / Math.max(1, flags.length);
      ctx.save();
      ctx.fillStyle = colours.current.gap;
      flags.forEach((isGap, i) => {
        if (!isGap) return;
        const centre = x.getPixelForValue(i);
        ctx.fillRect(centre - width / 2, chartArea.top, width, chartArea.height);
      });
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
      label: 'Total',
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
      label: 'Previous period',
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

function RangePicker() {
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
      <div className="segmented" role="group" aria-label="Range">
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
            {RANGE_LABELS[kind]}
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
        Compare with previous period
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
            From{' '}
            <input
              type="datetime-local"
              value={from}
              data-testid="custom-from"
              onChange={(e) => setFrom(e.target.value)}
            />
          </label>
          <label>
            to{' '}
            <input
              type="datetime-local"
              value={to}
              data-testid="custom-to"
              onChange={(e) => setTo(e.target.value)}
            />
          </label>
          <button type="submit" className="tool" disabled={!isCustomValid} data-testid="custom-apply">
            Show
          </button>
        </form>
      )}
    </div>
  );
}

/**
 * Energy per interval for the selected node, stacked by child, with the previous period as a
 * dashed line and the core's gaps shaded. The chart is created once and its data replaced in
 * place on every update.
 */
export function EnergyChart({ node }: { node: SiteNode }) {
  const range = useUi((s) => s.chartRange);
  const isCompareOn = useUi((s) => s.isCompareOn);
  const view = useHistory((s) => (s.energy?.nodeId === node.id ? s.energy : null));
  const model = useMemo(() => (view ? buildModel(view, node.name) : null), [view, node.name]);

  useEffect(() => {
    void loadEnergy(node.id, range, isCompareOn);
    const timer = setInterval(() => void loadEnergy(node.id, range, isCompareOn), REFRESH_MS);
    return () => clearInterval(timer);
  }, [node.id, range, isCompareOn]);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<EnergyChartJs | null>(null);
  const gapsRef = useRef<boolean[]>([]);
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
                `${item.dataset.label ?? ''}: ${item.raw === null ? 'no data' : formatEnergy(Number(item.raw))}`,
            },
          },
        },
      },
      plugins: [gapPlugin(gapsRef, colours) as unknown as Plugin<'bar' | 'line'>],
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
    gapsRef.current = model?.gapOverlaps ?? [];
    const chart = chartRef.current;
    const colours = coloursRef.current;
    if (chart && colours) applyModel(chart, model, colours);
  }, [model]);

  const status = view?.status ?? 'loading';
  return (
    <section className="panel-block energy" aria-label="Energy per interval">
      <div className="block-head">
        <h3>Energy</h3>
        {view && <span className="muted range-text">{formatRange(view.span.fromMs, view.span.toMs)}</span>}
        {model && (
          <span className="chart-total">
            Total <strong data-testid="chart-total">{formatEnergy(model.totalWh)}</strong>
          </span>
        )}
      </div>
      <RangePicker />
      <div
        className="chart-box"
        data-testid="energy-chart"
        data-node={node.id}
        data-status={status}
        data-from={view ? new Date(view.span.fromMs).toISOString() : undefined}
        data-to={view ? new Date(view.span.toMs).toISOString() : undefined}
        data-resolution={model?.resolution}
        data-total-wh={model?.totalWh}
        data-child-totals-wh={model ? JSON.stringify(model.childTotalsWh) : undefined}
        data-series={model?.bars.length}
        data-slots={model?.slots.length}
        data-gap-slots={model?.gapSlots}
        data-gap-null-slots={model?.gapNullSlots}
        data-compare={model?.previous ? 'on' : 'off'}
        aria-busy={status === 'loading'}
      >
        <canvas ref={canvasRef} role="img" aria-label={`Energy of ${node.name} per interval`} />
        {status === 'error' && (
          <p className="chart-overlay chart-error" role="alert">
            Could not load the history: {view?.error}
          </p>
        )}
        {status === 'ready' && model && !model.hasPoints && (
          <p className="chart-overlay" data-testid="chart-empty">
            No energy recorded for {node.name} in this range. Pick a longer range, or check that its devices
            report (a new device counts from its second reading).
          </p>
        )}
      </div>
      {view?.status === 'ready' && view.error && <p className="muted small">{view.error}</p>}
      {view && view.otherChildren > 0 && (
        <p className="muted small">
          The {view.children.length} largest parts are stacked; {view.otherChildren} smaller{' '}
          {view.otherChildren === 1 ? 'one is' : 'ones are'} only in the Total line.
        </p>
      )}
      {model && model.gapSlots > 0 && (
        <p className="muted small" data-testid="chart-gap-note">
          Shaded: a device was away; its energy over the gap is booked when it came back.
        </p>
      )}
    </section>
  );
}
