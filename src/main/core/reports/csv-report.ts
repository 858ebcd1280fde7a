/** `report.csv`: the history of a node as a spreadsheet-safe CSV (UTF-8 with BOM for Excel). */
import { stringify } from 'csv-stringify/sync';
import type { ParsedParams } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import { UNITS_PER_WH } from '../shelly/types';
import type { SiteRegistry } from '../site/registry';
import type { Store } from '../store/store';
import { readRange } from './history';

const HEADER = [
  'start',
  'end',
  'company',
  'office',
  'room',
  'device',
  'channel',
  'energy_kwh',
  'returned_kwh',
];

/** Cells that a spreadsheet would run as a formula are prefixed so they stay text. */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

const kWh = (units: number): string => (units / UNITS_PER_WH / 1000).toFixed(3);

export function csvReport(
  store: Store,
  registry: SiteRegistry,
  params: ParsedParams<'report.csv'>,
): Result<{ filename: string; csv: string }, ApiError> {
  const range = readRange(store, registry, params);
  if (!range.ok) return range;
  const { node, buckets } = range.value;
  const channelById = new Map(node.channels.map((c) => [c.row.id, c]));
  const rows: string[][] = [];
  for (const b of buckets) {
    const label = (channelId: number | null): string[] => {
      const channel = channelId === null ? undefined : channelById.get(channelId);
      const device = channel?.device;
      const place = device && 'place' in device.placement ? device.placement.place : undefined;
      return [
        place?.company ?? '',
        place?.office ?? '',
        place?.room ?? '',
        device ? registry.displayName(device) : '',
        channel?.row.component ?? '',
      ];
    };
    const times = [new Date(b.startMs).toISOString(), new Date(b.endMs).toISOString()];
    if (!params.perChild) {
      const [company, office, room] =
        node.kind === 'channel' || node.kind === 'device'
          ? label(node.channels[0]?.row.id ?? null)
          : ['', '', ''];
      rows.push([
        ...times,
        company ?? '',
        office ?? '',
        room ?? '',
        '',
        '',
        kWh(b.energyUnits),
        kWh(b.returnedUnits),
      ]);
      continue;
    }
    const perChannel = new Map<number, { e: number; r: number }>();
    for (const row of b.rows) {
      const t = perChannel.get(row.channelId) ?? { e: 0, r: 0 };
      t.e += row.energyUnits;
      t.r += row.returnedUnits;
      perChannel.set(row.channelId, t);
    }
    for (const [channelId, t] of perChannel) rows.push([...times, ...label(channelId), kWh(t.e), kWh(t.r)]);
  }
  const csv =
    '\uFEFF' + stringify([HEADER, ...rows.map((r) => r.map(neutralise))], { record_delimiter: '\r\n' });
  const safeName = node.id.replace(/[^\p{L}\p{N}_.-]+/gu, '-').slice(0, 80);
  return ok({ filename: `kilowatch-${safeName}-${params.from.slice(0, 10)}.csv`, csv });
}
