/**
 * `report.csv`: the history of a node (or of each of its children) as a spreadsheet-safe CSV,
 * closed by a totals row. Times are in the site's zone (named in the header) unless UTC is asked.
 */
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { ParsedParams } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import type { DeviceCategory } from '../../../shared/contract';
import type { PricedSum } from '../cost/priced-rollups';
import { categorySeries } from './category-series';
import { unitsToKWhText as kWh } from '../units';
import { childSeries, labelOf, remainder, type ChildSeries } from './child-rows';
import { bucketCosts, costFigures, totalCostFigures } from './bucket-cost';
import { nodeBuckets, placeOf, resolveQuery, type Bucket, type HistoryDeps } from './history';
import { mergeByStart } from './merge-by-start';

/** A run of rows: a child's, the node's own, or one device category's. */
interface CsvSeries extends ChildSeries {
  category?: DeviceCategory;
  /** Given when worked out with the series (the node's own rows, a category's); else priced by `node` or `pricedBy`. */
  costs?: Map<number, PricedSum> | null;
}

/** `note` of the last row: the node's total over the whole period. */
export const TOTAL_NOTE = 'total';
export const EMPTY_NOTE = 'total: no data in this period';
/** `note` of the energy counted in a node that no child row accounts for (pruned minutes). */
export const NOT_ITEMISED_NOTE = 'not itemised: no longer kept per device';

/** The header; `start`/`end` name the zone their times are in, e.g. `start (Europe/Lisbon)`. */
export function csvHeader(zone: string): string[] {
  return [
    `start (${zone})`,
    `end (${zone})`,
    'company',
    'office',
    'room',
    'device',
    'channel',
    'energy_kwh',
    'returned_kwh',
    // Appended last so readers of the older columns keep working.
    'part_of',
    'note',
    // With a tariff: the consumption's cost in the currency's major unit (1.23, not cents), empty
    // where part of a row's energy was counted without a price.
    'cost',
    'currency',
    // With perCategory: the device category of the row (category-series.ts).
    'category',
  ];
}

/** Cells a spreadsheet would run as a formula are prefixed so they stay text. */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export async function csvReport(
  deps: HistoryDeps,
  params: ParsedParams<'report.csv'>,
): Promise<Result<{ filename: string; csv: string; rows: number }, ApiError>> {
  const query = resolveQuery(deps, params);
  if (!query.ok) return query;
  const { node, fromMs, toMs, resolution } = query.value;
  const zone = params.zone === 'utc' ? 'UTC' : deps.calendar.timeZone;
  const time = instantText(zone);
  const self = labelOf(deps, node.id, params.node);
  if (params.perCategory && params.perChild)
    return err('invalid-params', 'perChild and perCategory: choose one way to split the rows.');
  if (params.perCategory && !placeOf(node))
    return err(
      'invalid-params',
      `Categories are kept for a company, office, room or Unassigned; "${params.node}" is a ${node.kind}.`,
    );
  if (params.perCategory && resolution === 'minute')
    return err('invalid-params', 'Categories are kept by the hour: ask for hour, day, week or month rows.');
  const own = await nodeBuckets(deps, node, fromMs, toMs, resolution);
  // Priced once: for the total, and for the node's own rows or its categories' `other`.
  const ownCosts = await bucketCosts(deps, node.id, own, resolution);
  // A channel has no children: its rows are its own.
  const perChild = params.perChild && node.kind !== 'channel';
  const series: CsvSeries[] = perChild
    ? await childSeries(deps, node, fromMs, toMs, resolution)
    : params.perCategory && resolution !== 'minute'
      ? (await categorySeries(deps, node, own, ownCosts, fromMs, toMs, resolution)).map((c) => ({
          label: self,
          partOf: '',
          buckets: c.buckets,
          category: c.category,
          costs: c.costs,
        }))
      : [{ label: self, partOf: '', buckets: own, costs: ownCosts }];
  const leftOver = perChild ? await remainder(own, series, deps.reads.pace) : [];
  if (leftOver.length > 0)
    series.push({ label: { ...self, device: '', channel: '' }, partOf: '', buckets: leftOver });

  const costs = await Promise.all(
    series.map((s) => {
      if (s.costs !== undefined) return s.costs;
      const pricedBy = s.node ?? s.pricedBy;
      return pricedBy === undefined ? null : bucketCosts(deps, pricedBy, s.buckets, resolution);
    }),
  );
  const currency = deps.pricing?.currency ?? '';
  const money = majorText(deps.pricing?.tariff.minorDigits ?? 0);
  const costText = (i: number, b: Bucket) => {
    const figures = costs[i] ? costFigures(b, costs[i].get(b.startMs)) : {};
    return figures.costMinor === undefined ? '' : money(figures.costMinor);
  };
  // Rows by start, then in series order; stringified a part at a time (each record ends with its
  // own delimiter, so the parts join into exactly the one text), breathing between rows.
  const out = new CsvParts();
  out.add(csvHeader(zone));
  let rows = 0;
  for (const { series: i, bucket: b } of mergeByStart(series.map((s) => s.buckets))) {
    const s = series[i] as CsvSeries;
    out.add([
      time(b.startMs),
      time(b.endMs),
      s.label.company,
      s.label.office,
      s.label.room,
      s.label.device,
      s.label.channel,
      kWh(b.energyUnits),
      kWh(b.returnedUnits),
      s.partOf,
      s.buckets === leftOver ? NOT_ITEMISED_NOTE : '',
      costText(i, b),
      currency,
      s.category ?? '',
    ]);
    rows++;
    const turn = deps.reads.pace.breathe();
    if (turn) await turn;
  }
  const sum = (key: 'energyUnits' | 'returnedUnits') => own.reduce((total, b) => total + b[key], 0);
  const totalCost = ownCosts ? totalCostFigures(own, ownCosts).costMinor : undefined;
  out.add([
    time(fromMs),
    time(toMs),
    self.company,
    self.office,
    self.room,
    self.device,
    self.channel,
    kWh(sum('energyUnits')),
    kWh(sum('returnedUnits')),
    '',
    rows === 0 ? EMPTY_NOTE : TOTAL_NOTE,
    totalCost === undefined ? '' : money(totalCost),
    currency,
    '',
  ]);
  return ok({ filename: reportFilename(node.id, fromMs, toMs, zone), csv: out.text(), rows });
}

/** Minor units as the major unit's decimal text: 12345 cents → "123.45", −5 → "-0.05", yen as they are. */
export function majorText(minorDigits: number): (minor: number) => string {
  const scale = 10 ** minorDigits;
  return (minor) => {
    if (minorDigits === 0) return String(minor);
    const magnitude = Math.abs(minor);
    const whole = Math.floor(magnitude / scale);
    const fraction = String(magnitude % scale).padStart(minorDigits, '0');
    return `${minor < 0 ? '-' : ''}${whole}.${fraction}`;
  };
}

/** The CSV's text, stringified a few hundred records at a time. */
class CsvParts {
  private readonly parts = ['\uFEFF'];
  private pending: string[][] = [];

  add(record: string[]): void {
    this.pending.push(record.map(neutralise));
    if (this.pending.length >= RECORDS_PER_PART) this.flush();
  }

  text(): string {
    this.flush();
    return this.parts.join('');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(stringify(this.pending, { record_delimiter: '\r\n' }));
    this.pending = [];
  }
}

/** Records per csv-stringify call: fewer calls, and no part long enough to be noticed. */
const RECORDS_PER_PART = 256;

/**
 * ISO-8601 with the offset, so a reader sees the zone's days and can still compare instants.
 * Remembered per instant: every child row of a bucket names the same start and end.
 */
function instantText(zone: string): (ms: number) => string {
  const known = new Map<number, string>();
  return (ms) => {
    let text = known.get(ms);
    if (text === undefined) {
      text =
        DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '';
      known.set(ms, text);
    }
    return text;
  };
}

/** `kilowatch-<node>-<first day>_<last day>.csv`, the days as the file's zone reads them. */
export function reportFilename(node: string, fromMs: number, toMs: number, zone: string): string {
  const safeName = node.replace(/[^\p{L}\p{N}_.-]+/gu, '-').slice(0, 80);
  const day = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate() ?? '';
  // The end is exclusive: a month ending at the 1st's midnight is named by its last day.
  const first = day(fromMs);
  const last = day(Math.max(fromMs, toMs - 1));
  return `kilowatch-${safeName}-${first === last ? first : `${first}_${last}`}.csv`;
}
