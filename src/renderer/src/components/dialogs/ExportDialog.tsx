import { useMemo, useState } from 'react';
import { RESOLUTIONS, type NodeKind } from '../../../../shared/contract';
import { formatSpan } from '../../format';
import { t, type MessageKey } from '../../i18n/words';
import {
  customPeriod,
  periodSpan,
  REPORT_PERIOD_LABELS,
  REPORT_PERIODS,
  toDateInput,
  type Period,
  type ReportPeriod,
} from '../../report-periods';
import { transportKind } from '../../state/actions';
import { csvUrl, downloadCsv, reportHash, type CsvParams, type SavedReport } from '../../state/reports';
import { useHistory } from '../../state/history';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { useNow } from '../../use-now';
import { Dialog } from './Dialog';

type ResolutionChoice = (typeof RESOLUTIONS)[number];

const RESOLUTION_LABELS: Record<ResolutionChoice, MessageKey> = {
  auto: 'dialogs.export.resolution.auto',
  minute: 'dialogs.export.resolution.minute',
  hour: 'dialogs.export.resolution.hour',
  day: 'dialogs.export.resolution.day',
  week: 'dialogs.export.resolution.week',
  month: 'dialogs.export.resolution.month',
};

/** What "one row per child" means for each kind of node, as the core splits it. */
const CHILDREN: Record<NodeKind, MessageKey | null> = {
  company: 'dialogs.export.perChild.company',
  office: 'dialogs.export.perChild.office',
  room: 'dialogs.export.perChild.room',
  unassigned: 'dialogs.export.perChild.room',
  device: 'dialogs.export.perChild.device',
  channel: null,
};

/**
 * A CSV of a node's energy per interval, for a period people name ("last month"). The file is
 * fetched through the contract and saved by the browser, so the dialog can name the file that
 * arrived and say when the period had no data; the bridge link stays for copying.
 */
export function ExportDialog({ nodeId }: { nodeId: string | null }) {
  const close = useUi((s) => s.closeDialog);
  const byId = useTree((s) => s.byId);
  const places = useMemo(
    () =>
      Object.values(byId)
        .filter(
          (n) => n.kind === 'company' || n.kind === 'office' || n.kind === 'room' || n.kind === 'unassigned',
        )
        .sort((a, b) => (a.path.join('/') || a.name).localeCompare(b.path.join('/') || b.name)),
    [byId],
  );
  const selected = nodeId ? byId[nodeId] : undefined;
  const options = useMemo(
    () => (selected && !places.includes(selected) ? [selected, ...places] : places),
    [selected, places],
  );
  const [node, setNode] = useState(selected?.id ?? places[0]?.id ?? '');
  const chartSpan = useHistory((s) => (s.energy?.status === 'ready' ? s.energy.span : null));
  // What the chart shows is the first guess; the presets are one choice away.
  const [preset, setPreset] = useState<ReportPeriod | 'chart'>(chartSpan ? 'chart' : 'last-month');
  const now = useNow();
  const [firstDay, setFirstDay] = useState(toDateInput(periodSpan('last-month', now).fromMs));
  const [lastDay, setLastDay] = useState(toDateInput(now - 86_400_000));
  const [resolution, setResolution] = useState<ResolutionChoice>('auto');
  const [perChild, setPerChild] = useState(false);
  const [zone, setZone] = useState<'local' | 'utc'>('local');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedReport | null>(null);
  const [isBusy, setBusy] = useState(false);

  const period: Period | null =
    preset === 'chart'
      ? chartSpan
      : preset === 'custom'
        ? customPeriod(firstDay, lastDay)
        : periodSpan(preset, now);
  const childKind = CHILDREN[byId[node]?.kind ?? 'channel'];
  const params: CsvParams | null =
    period && node
      ? {
          node,
          from: new Date(period.fromMs).toISOString(),
          to: new Date(period.toMs).toISOString(),
          resolution,
          perChild: perChild && childKind !== null,
          zone,
        }
      : null;
  const isWeb = transportKind() !== 'ipc';
  const forget = () => setSaved(null);

  const download = async (): Promise<void> => {
    if (!params) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    const reply = await downloadCsv(params);
    setBusy(false);
    if (!reply.ok) setError(reply.error.message);
    else setSaved(reply.value);
  };

  return (
    <Dialog
      title={t('dialogs.export.title')}
      testId="export-dialog"
      onClose={close}
      onSubmit={() => void download()}
      actions={
        <>
          {isWeb && params && (
            <a
              className="button"
              href={csvUrl(params)}
              download
              data-testid="csv-link"
              title={t('dialogs.export.linkTitle')}
            >
              {t('dialogs.export.link')}
            </a>
          )}
          {period && node && (
            <a
              className="button"
              href={reportHash({ node, fromMs: period.fromMs, toMs: period.toMs })}
              onClick={close}
              data-testid="export-print"
            >
              {t('dialogs.export.print')}
            </a>
          )}
          <button type="button" onClick={close}>
            {t('dialogs.close')}
          </button>
          <button type="submit" className="primary" disabled={!params || isBusy} data-testid="csv-download">
            {isBusy ? t('dialogs.export.preparing') : t('dialogs.export.download')}
          </button>
        </>
      }
    >
      <label className="field">
        {t('dialogs.export.node')}
        <select
          value={node}
          onChange={(e) => {
            setNode(e.target.value);
            forget();
          }}
          data-testid="export-node"
        >
          {options.map((n) => (
            <option key={n.id} value={n.id}>
              {n.path.join(' / ') || n.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('dialogs.export.period')}
        <select
          value={preset}
          onChange={(e) => {
            setPreset(e.target.value as ReportPeriod | 'chart');
            forget();
          }}
          data-testid="export-range"
        >
          {chartSpan && (
            <option value="chart">
              {t('dialogs.export.asChart', { span: formatSpan(chartSpan.fromMs, chartSpan.toMs, 'day') })}
            </option>
          )}
          {REPORT_PERIODS.map((kind) => (
            <option key={kind} value={kind}>
              {REPORT_PERIOD_LABELS[kind]}
            </option>
          ))}
        </select>
      </label>
      {preset === 'custom' && (
        <div className="export-days">
          <label>
            {t('dialogs.export.firstDay')}
            <input
              type="date"
              value={firstDay}
              onChange={(e) => {
                setFirstDay(e.target.value);
                forget();
              }}
              data-testid="export-from"
            />
          </label>
          <label>
            {t('dialogs.export.lastDay')}
            <input
              type="date"
              value={lastDay}
              onChange={(e) => {
                setLastDay(e.target.value);
                forget();
              }}
              data-testid="export-to"
            />
          </label>
        </div>
      )}
      <label className="field">
        {t('dialogs.export.resolution')}
        <select
          value={resolution}
          onChange={(e) => setResolution(e.target.value as ResolutionChoice)}
          data-testid="export-resolution"
        >
          {RESOLUTIONS.map((r) => (
            <option key={r} value={r}>
              {t(RESOLUTION_LABELS[r])}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('dialogs.export.zone')}
        <select
          value={zone}
          onChange={(e) => setZone(e.target.value as 'local' | 'utc')}
          data-testid="export-zone"
        >
          <option value="local">{t('dialogs.export.zoneLocal')}</option>
          <option value="utc">UTC</option>
        </select>
      </label>
      {childKind !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={perChild}
            onChange={(e) => {
              setPerChild(e.target.checked);
              forget();
            }}
            data-testid="export-per-child"
          />
          {t(childKind)}
        </label>
      )}
      {!period && <p className="field-problem">{t('dialogs.export.badDays')}</p>}
      {period && (
        <p className="muted small" data-testid="export-span">
          {t('dialogs.export.span', { span: formatSpan(period.fromMs, period.toMs, 'day') })}
        </p>
      )}
      {saved && (
        <p className="export-saved" role="status" data-testid="export-saved" data-rows={saved.rows}>
          {saved.rows === 0
            ? t('dialogs.export.savedEmpty', { file: saved.filename })
            : t('dialogs.export.saved', { file: saved.filename, count: saved.rows })}
        </p>
      )}
      {error && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
