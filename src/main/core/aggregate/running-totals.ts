/**
 * Cumulative energy per node (channel, device, room, office, company, unassigned), in units.
 * Energy is added to the nodes where the device was when it was counted, so an assignment moves
 * future totals and leaves what was counted before where it was counted.
 */
import type { TotalRow } from '../store/rows';

const isPlaceNode = (node: string): boolean =>
  node === 'unassigned' ||
  node.startsWith('room:') ||
  node.startsWith('office:') ||
  node.startsWith('company:');

export class RunningTotals {
  private readonly rows = new Map<string, TotalRow>();
  /** Companies, offices, rooms and Unassigned: they keep their energy when their devices leave. */
  private readonly placeRows = new Map<string, TotalRow>();

  constructor(initial: readonly TotalRow[]) {
    for (const row of initial) this.keep({ ...row });
  }

  private keep(row: TotalRow): void {
    this.rows.set(row.node, row);
    if (isPlaceNode(row.node)) this.placeRows.set(row.node, row);
  }

  /** The live row of a node (created at zero): callers add to it and mark it for the next commit. */
  row(node: string, atMs: number): TotalRow {
    let row = this.rows.get(node);
    if (!row) {
      row = { node, energyUnits: 0, returnedUnits: 0, sinceMs: atMs };
      this.keep(row);
    }
    return row;
  }

  get(node: string): TotalRow | undefined {
    return this.rows.get(node);
  }

  /** Every company, office, room and Unassigned that has counted energy. */
  places(): IterableIterator<TotalRow> {
    return this.placeRows.values();
  }
}
