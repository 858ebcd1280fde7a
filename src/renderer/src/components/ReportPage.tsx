import { useEffect, useState } from 'react';
import { startOfDayMs } from '../site-calendar';
import type { ReportSummary } from '../../../shared/contract';
import { formatDateTime, formatEnergy, formatSlot, formatSpan, kindLabel } from '../format';
import { t, type MessageKey } from '../i18n/words';
import { periodSpan, reportPeriodLabel, REPORT_PERIODS, type ReportPeriod } from '../report-periods';
import { loadReportSummary, parseReportHash, reportHash, type ReportRoute } from '../state/reports';
import { useHistory } from '../state/history';
import { useTree } from '../state/tree';
import { useNow } from '../use-now';

type Resolution = ReportSummary['resolution'];
const PER: Record<Resolution, MessageKey> = {
  minute: 'report.per.minute',
  hour: 'report.per.hour',
  day: 'report.per.day',
  week: 'report.per.week',
  month: 'report.per.month',
  auto: 'report.per.auto',
};
const EVERY: Record<Resolution, MessageKey> = {
  minute: 'report.every.minute',
  hour: 'report.every.hour',
  day: 'report.every.day',
  week: 'report.every.week',
  month: 'report.every.month',
  auto: 'report.every.auto',
};

type Load =
  { status: 'loading' } | { status: 'ready'; summary: ReportSummary } | { status: 'error'; message: string };

/** The printed report's route from the address bar, following it as it changes. */
export function useReportRoute(): ReportRoute | null {
  const [route, setRoute] = useState(() => parseReportHash(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseReportHash(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}

/**
 * A node's period as a page to print or save as PDF: summary, chart, table and the children
 * ranked. Every figure is the core's (`report.summary`, the same per-child split as the CSV);
 * the toolbar is for the screen only and the print stylesheet leaves it out.
 */
export function ReportPage({ route }: { route: ReportRoute }) {
  const node = useTree((s) => s.byId[route.node]);
  const key = reportHash(route);
  const [answer, setAnswer] = useState<{ key: string; load: Load } | null>(null);
  // An answer for an earlier route is not this one's: loading until its own arrives.
  const load: Load = answer?.key === key ? answer.load : { status: 'loading' };
  useEffect(() => {
    let isCurrent = true;
    void loadReportSummary(route).then((reply) => {
      if (!isCurrent) return;
      setAnswer({
        key: reportHash(route),
        load: reply.ok
          ? { status: 'ready', summary: reply.value }
          : { status: 'error', message: reply.error.message },
      });
    });
    return () => {
      isCurrent = false;
    };
  }, [route]);
  const now = useNow();
  const title = node ? node.path.join(' / ') || node.name : route.node;
  const choosePeriod = (kind: Exclude<ReportPeriod, 'custom'>) => {
    const span = periodSpan(kind, now);
    window.location.hash = reportHash({ node: route.node, ...span });
  };

  return (
    <article className="report-page" data-testid="report-page" data-status={load.status}>
      <nav className="report-toolbar" aria-label={t('report.toolbar')}>
        <button type="button" onClick={() => (window.location.hash = '')} data-testid="report-back">
          {t('report.back')}
        </button>
        <label className="check">
          {t('report.period')}
          <select
            value=""
            onChange={(e) => choosePeriod(e.target.value as Exclude<ReportPeriod, 'custom'>)}
            data-testid="report-period"
          >
            <option value="" disabled>
              {t('report.choose')}
            </option>
            {REPORT_PERIODS.filter((k) => k !== 'custom').map((kind) => (
              <option key={kind} value={kind}>
                {reportPeriodLabel(kind)}
              </option>
            ))}
          </select>
        </label>
        <span className="report-spacer" />
        <button type="button" className="primary" onClick={() => window.print()} data-testid="report-print">
          {t('report.print')}
        </button>
      </nav>

      <header className="report-head">
        <p className="muted small">
          {t('report.heading')}
          {node ? ` · ${kindLabel(node.kind)}` : ''}
        </p>
        <h1 data-testid="report-title">{title}</h1>
        <p data-testid="report-period-text">
          {formatSpan(route.fromMs, route.toMs, 'day')}
          {load.status === 'ready' && (
            <span className="muted"> · {t('report.zone', { zone: load.summary.zone })}</span>
          )}
        </p>
      </header>

      {load.status === 'loading' && <p className="muted">{t('report.loading')}</p>}
      {load.status === 'error' && (
        <p className="field-problem" role="alert">
          {load.message}
        </p>
      )}
      {load.status === 'ready' && <ReportBody summary={load.summary} />}
      <footer className="report-foot muted small">
        {t('report.printed', { when: formatDateTime(new Date(now).toISOString()) })}
      </footer>
    </article>
  );
}

function ReportBody({ summary }: { summary: ReportSummary }) {
  if (summary.points.length === 0)
    return (
      <p className="report-empty" data-testid="report-empty">
        {t('report.empty')}
      </p>
    );
  const wholeChildren = summary.children.filter((c) => c.partOf === '');
  const isMultiDay =
    summary.resolution === 'minute' || summary.resolution === 'hour' ? multiDay(summary) : true;
  return (
    <>
      <section className="report-summary" aria-label={t('report.summary')}>
        <dl>
          <dt>{t('report.used')}</dt>
          <dd data-testid="report-total" data-wh={summary.total.energyWh}>
            {formatEnergy(summary.total.energyWh)}
          </dd>
          {summary.total.returnedWh !== 0 && (
            <>
              <dt>{t('report.returned')}</dt>
              <dd>{formatEnergy(summary.total.returnedWh)}</dd>
            </>
          )}
          <dt>{t('report.largest')}</dt>
          <dd>
            {wholeChildren[0] ? `${wholeChildren[0].name}, ${formatEnergy(wholeChildren[0].energyWh)}` : '—'}
          </dd>
        </dl>
      </section>

      <section aria-label={t('report.chart')} className="report-block">
        <h2>{t(PER[summary.resolution])}</h2>
        <BarChart summary={summary} isMultiDay={isMultiDay} />
      </section>

      {summary.children.length > 0 && (
        <section aria-label={t('report.ranking')} className="report-block">
          <h2>{t('report.rankingTitle')}</h2>
          <table className="report-table" data-testid="report-ranking">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('report.name')}</th>
                <th scope="col">{t('report.energy')}</th>
              </tr>
            </thead>
            <tbody>
              {wholeChildren.map((child, i) => (
                <tr key={child.id} data-node-id={child.id} data-wh={child.energyWh}>
                  <td>{i + 1}</td>
                  <th scope="row">{child.name}</th>
                  <td>{formatEnergy(child.energyWh)}</td>
                </tr>
              ))}
              {summary.notItemisedWh !== 0 && (
                <tr data-testid="report-not-itemised">
                  <td />
                  <th scope="row">{t('report.notItemised')}</th>
                  <td>{formatEnergy(summary.notItemisedWh)}</td>
                </tr>
              )}
            </tbody>
          </table>
        </section>
      )}

      <section aria-label={t('report.table')} className="report-block">
        <h2>{t(EVERY[summary.resolution])}</h2>
        <table className="report-table" data-testid="report-table">
          <thead>
            <tr>
              <th scope="col">{t('report.from')}</th>
              <th scope="col">{t('report.energy')}</th>
            </tr>
          </thead>
          <tbody>
            {summary.points.map((p) => (
              <tr key={p.start}>
                <th scope="row">{formatSlot(Date.parse(p.start), summary.resolution, isMultiDay)}</th>
                <td>{formatEnergy(p.energyWh)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('report.total')}</th>
              <td>{formatEnergy(summary.total.energyWh)}</td>
            </tr>
          </tfoot>
        </table>
      </section>
    </>
  );
}

function multiDay(summary: ReportSummary): boolean {
  const first = summary.points[0];
  const last = summary.points.at(-1);
  return !!first && !!last && startOfDayMs(Date.parse(first.start)) !== startOfDayMs(Date.parse(last.start));
}

/** Bars scaled to the largest bucket, for the eye only; the figures are in the table. */
function BarChart({ summary, isMultiDay }: { summary: ReportSummary; isMultiDay: boolean }) {
  const top = Math.max(...summary.points.map((p) => p.energyWh), 0);
  const width = 640;
  const height = 160;
  const step = width / summary.points.length;
  // A month of one day's data is one slim bar, not a wall.
  const bar = Math.min(step * 0.8, 48);
  const first = summary.points[0];
  const last = summary.points.at(-1);
  return (
    <figure className="report-chart" data-testid="report-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t(PER[summary.resolution])}>
        {summary.points.map((p, i) => {
          const h = top > 0 && p.energyWh > 0 ? (p.energyWh / top) * (height - 4) : 0;
          return (
            <rect key={p.start} x={i * step + (step - bar) / 2} y={height - h} width={bar} height={h}>
              <title>{`${formatSlot(Date.parse(p.start), summary.resolution, isMultiDay)}: ${formatEnergy(p.energyWh)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="muted small">
        {t('report.chartCaption', {
          first: first ? formatSlot(Date.parse(first.start), summary.resolution, isMultiDay) : '',
          last: last ? formatSlot(Date.parse(last.start), summary.resolution, isMultiDay) : '',
          highest: formatEnergy(top),
        })}
      </figcaption>
    </figure>
  );
}

/** The node details' way to the printed report: the period the chart shows, else this month. */
export function PrintReportLink({ nodeId }: { nodeId: string }) {
  const chartSpan = useHistory((s) => (s.energy?.status === 'ready' ? s.energy.span : null));
  const now = useNow();
  const span = chartSpan ?? periodSpan('this-month', now);
  return (
    <a className="button tool" href={reportHash({ node: nodeId, ...span })} data-testid="open-report">
      {t('report.open')}
    </a>
  );
}
