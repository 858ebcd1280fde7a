import { useMemo, useState } from 'react';
import { RESOLUTIONS } from '../../../../shared/contract';
import { formatRange } from '../../format';
import { fromLocalInput, iso, presetSpan, RANGE_LABELS, toLocalInput, type Span } from '../../ranges';
import { csvUrl, downloadCsvViaIpc, transportKind, type CsvParams } from '../../state/actions';
import { useHistory } from '../../state/history';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { useNow } from '../../use-now';
import { Dialog } from './Dialog';

type RangeChoice = 'chart' | 'today' | '7d' | '30d' | '12m' | 'custom';
type ResolutionChoice = (typeof RESOLUTIONS)[number];

const RESOLUTION_LABELS: Record<ResolutionChoice, string> = {
  auto: 'Automatic',
  minute: 'Per minute',
  hour: 'Per hour',
  day: 'Per day',
  week: 'Per week',
  month: 'Per month',
};

/**
 * A CSV of a node's energy per interval. In the browser it downloads from the headless bridge
 * (`GET /api/report.csv`); inside Electron the core hands the text over and it is saved as a file.
 */
export function ExportDialog({ nodeId }: { nodeId: string | null }) {
  const close = useUi((s) => s.closeDialog);
  const byId = useTree((s) => s.byId);
  const chartSpan = useHistory((s) => (s.energy?.status === 'ready' ? s.energy.span : null));
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
  const [range, setRange] = useState<RangeChoice>(chartSpan ? 'chart' : 'today');
  const now = useNow();
  const [from, setFrom] = useState(toLocalInput(chartSpan?.fromMs ?? now - 86_400_000));
  const [to, setTo] = useState(toLocalInput(chartSpan?.toMs ?? now));
  const [resolution, setResolution] = useState<ResolutionChoice>('auto');
  const [perChild, setPerChild] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const span: Span | null =
    range === 'chart'
      ? chartSpan
      : range === 'custom'
        ? (() => {
            const f = fromLocalInput(from);
            const t = fromLocalInput(to);
            return f !== null && t !== null && t > f ? { fromMs: f, toMs: t } : null;
          })()
        : presetSpan(range, now);
  const params: CsvParams | null =
    span && node ? { node, from: iso(span.fromMs), to: iso(span.toMs), resolution, perChild } : null;
  const isWeb = transportKind() !== 'ipc';

  const downloadIpc = async (): Promise<void> => {
    if (!params) return;
    setBusy(true);
    setError(null);
    const reply = await downloadCsvViaIpc(params);
    setBusy(false);
    if (!reply.ok) setError(reply.error.message);
    else close();
  };

  return (
    <Dialog
      title="Export energy as CSV"
      testId="export-dialog"
      onClose={close}
      onSubmit={() => (isWeb ? undefined : void downloadIpc())}
      actions={
        <>
          <button type="button" onClick={close}>
            Close
          </button>
          {isWeb ? (
            params ? (
              <a className="button primary" href={csvUrl(params)} download data-testid="csv-download">
                Download CSV
              </a>
            ) : (
              <button type="button" className="primary" disabled data-testid="csv-download">
                Download CSV
              </button>
            )
          ) : (
            <button type="submit" className="primary" disabled={!params || isBusy} data-testid="csv-download">
              {isBusy ? 'Preparing…' : 'Download CSV'}
            </button>
          )}
        </>
      }
    >
      <label className="field">
        Node
        <select value={node} onChange={(e) => setNode(e.target.value)} data-testid="export-node">
          {options.map((n) => (
            <option key={n.id} value={n.id}>
              {n.path.join(' / ') || n.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Range
        <select
          value={range}
          onChange={(e) => setRange(e.target.value as RangeChoice)}
          data-testid="export-range"
        >
          {chartSpan && (
            <option value="chart">As in the chart ({formatRange(chartSpan.fromMs, chartSpan.toMs)})</option>
          )}
          {(['today', '7d', '30d', '12m', 'custom'] as const).map((kind) => (
            <option key={kind} value={kind}>
              {RANGE_LABELS[kind]}
            </option>
          ))}
        </select>
      </label>
      {range === 'custom' && (
        <div className="path-inputs">
          <label>
            From
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-testid="export-from"
            />
          </label>
          <label>
            To
            <input
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              data-testid="export-to"
            />
          </label>
        </div>
      )}
      <label className="field">
        Resolution
        <select
          value={resolution}
          onChange={(e) => setResolution(e.target.value as ResolutionChoice)}
          data-testid="export-resolution"
        >
          {RESOLUTIONS.map((r) => (
            <option key={r} value={r}>
              {RESOLUTION_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={perChild}
          onChange={(e) => setPerChild(e.target.checked)}
          data-testid="export-per-child"
        />
        One row per channel (company, office, room, device) in every interval
      </label>
      {!span && <p className="field-problem">Pick a start before the end.</p>}
      {span && (
        <p className="muted small">
          {formatRange(span.fromMs, span.toMs)}, times in UTC in the file; energy in kWh.
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
