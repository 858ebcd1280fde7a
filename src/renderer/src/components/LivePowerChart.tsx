import { useEffect, useRef } from 'react';
import { Chart, onThemeChange, themeColours } from '../charts/chart-setup';
import { formatPower, formatPowerAxis, formatShortTime } from '../format';
import { t } from '../i18n/words';
import { seedPowerTrail } from '../state/actions';
import { useLive } from '../state/live';
import { TRAIL_WINDOW_MS, usePowerTrail, type PowerSample } from '../state/power-trail';

const REDRAW_MS = 1000;

interface XY {
  x: number;
  y: number;
}

/**
 * The node's power over the last hour: stored minutes (average power) until the screen opened,
 * live pushes since. The chart follows the trail store directly (no React render per push) and
 * redraws at most once a second.
 */
export function LivePowerChart({ nodeId, name }: { nodeId: string; name: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const nodeRef = useRef(nodeId);
  const redrawRef = useRef<(() => void) | null>(null);

  useEffect(() => {
    nodeRef.current = nodeId;
    usePowerTrail.getState().follow(nodeId, useLive.getState().byId[nodeId], Date.now());
    // The hour before this screen opened, from the stored minutes: the line is full at once.
    void seedPowerTrail(nodeId);
    redrawRef.current?.();
  }, [nodeId]);

  // Created once per mount: a new node or a new sample only replaces the data.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let colours = themeColours();
    const data: XY[] = [];
    const chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          {
            label: t('details.live.series'),
            data,
            parsing: false,
            normalized: true,
            borderColor: colours.accent,
            backgroundColor: colours.accent,
            borderWidth: 1.5,
            pointRadius: 0,
            stepped: 'before',
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: {
            type: 'linear',
            ticks: { maxTicksLimit: 7, callback: (value) => formatShortTime(Number(value)) },
            grid: { display: false },
          },
          y: {
            beginAtZero: true,
            ticks: { maxTicksLimit: 5, callback: (value) => formatPowerAxis(Number(value)) },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => formatShortTime(Number(items[0]?.parsed.x ?? 0)),
              label: (item) => formatPower(Number(item.parsed.y)),
            },
          },
        },
      },
    });

    const applyTheme = (): void => {
      if (!canvas.isConnected) return;
      colours = themeColours();
      const dataset = chart.data.datasets[0];
      if (dataset) {
        dataset.borderColor = colours.accent;
        dataset.backgroundColor = colours.accent;
      }
      chart.options.color = colours.muted;
      for (const axis of ['x', 'y'] as const) {
        const scale = chart.options.scales?.[axis];
        if (scale?.ticks) scale.ticks.color = colours.muted;
        if (scale?.grid) scale.grid.color = colours.grid;
      }
      chart.update('none');
    };

    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const redraw = (): void => {
      timer = null;
      // React takes an unmounted tree off the page before its effects' cleanups run: a redraw due
      // in between would measure a canvas without a parent (chart.js reads its ownerDocument).
      if (!canvas.isConnected) return;
      last = Date.now();
      const nodeId = nodeRef.current;
      const trail: PowerSample[] = usePowerTrail.getState().trails[nodeId] ?? [];
      const now = Date.now();
      data.length = 0;
      for (const sample of trail) data.push({ x: sample.atMs, y: sample.powerW });
      const current = useLive.getState().byId[nodeId];
      // The line runs to "now" at the current power: a quiet node sends no new pushes.
      if (current && trail.length > 0) data.push({ x: now, y: current.powerW });
      const x = chart.options.scales?.x;
      if (x) {
        x.min = now - TRAIL_WINDOW_MS;
        x.max = now;
      }
      chart.update('none');
      boxRef.current?.setAttribute('data-samples', String(trail.length));
    };
    const schedule = (): void => {
      if (timer) return;
      timer = setTimeout(redraw, Math.max(0, REDRAW_MS - (Date.now() - last)));
    };
    applyTheme();
    redraw();
    redrawRef.current = redraw;
    const unsubscribe = usePowerTrail.subscribe(schedule);
    const stopTheme = onThemeChange(applyTheme);
    return () => {
      unsubscribe();
      stopTheme();
      if (timer) clearTimeout(timer);
      redrawRef.current = null;
      chart.destroy();
    };
  }, []);

  return (
    <section className="panel-block live-power" aria-label={t('details.live.region')}>
      <div className="block-head">
        <h3>{t('details.live.title')}</h3>
        <span className="muted small">{t('details.live.note')}</span>
      </div>
      <div className="chart-box chart-box-small" ref={boxRef} data-testid="power-chart" data-node={nodeId}>
        <canvas ref={canvasRef} role="img" aria-label={t('details.live.of', { name })} />
      </div>
    </section>
  );
}
