/**
 * `report.summary`: what the printed report shows for a node and period: its history, its total
 * and its children ranked by what each counted in it (the same per-child series as the CSV, so
 * the page and the file agree to the mWh).
 */
import type { ParsedParams, ReportSummary } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import { unitsToWh } from '../units';
import { childSeries, remainder } from './child-rows';
import { historyQuery, nodeBuckets, resolveQuery, type Bucket, type HistoryDeps } from './history';

const sum = (buckets: Bucket[], key: 'energyUnits' | 'returnedUnits'): number =>
  buckets.reduce((total, b) => total + b[key], 0);

export async function reportSummary(
  deps: HistoryDeps,
  params: ParsedParams<'report.summary'>,
): Promise<Result<ReportSummary, ApiError>> {
  const history = await historyQuery(deps, params);
  if (!history.ok) return history;
  const query = resolveQuery(deps, params);
  if (!query.ok) return query;
  const { node, fromMs, toMs, resolution } = query.value;
  const series = node.kind === 'channel' ? [] : await childSeries(deps, node, fromMs, toMs, resolution);
  const left =
    node.kind === 'channel'
      ? []
      : await remainder(await nodeBuckets(deps, node, fromMs, toMs, resolution), series, deps.reads.pace);
  const children = series
    .map((s) => ({
      id: s.label.id,
      name: s.label.channel || s.label.device || s.label.room || s.label.office || s.label.company,
      partOf: s.partOf,
      energyUnits: sum(s.buckets, 'energyUnits'),
      returnedUnits: sum(s.buckets, 'returnedUnits'),
    }))
    .sort((a, b) => b.energyUnits - a.energyUnits || a.name.localeCompare(b.name))
    .map(({ energyUnits, returnedUnits, ...child }) => ({
      ...child,
      energyWh: unitsToWh(energyUnits),
      returnedWh: unitsToWh(returnedUnits),
    }));
  return ok({
    node: history.value.node,
    zone: deps.calendar.timeZone,
    resolution: history.value.resolution,
    points: history.value.points,
    total: history.value.total,
    children,
    notItemisedWh: unitsToWh(sum(left, 'energyUnits')),
  });
}
