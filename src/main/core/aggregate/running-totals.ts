/**
 * Cumulative energy per node (channel, device, room, office, company, unassigned), in units.
 * Energy is added to the nodes where the device was when it was counted, so an assignment moves
 * future totals and leaves what was counted before where it was counted.
 */
import type { TotalRow } from '../store/store';

export class RunningTotals {
  private readonly rows = new Map<string, TotalRow>();

  constructor(initial: readonly TotalRow[]) {
    for (const row of initial) this.rows.set(row.node, { ...row });
  }

  /** The live row of a node (created at zero): callers add to it and mark it for the next commit. */
  row(node: string, atMs: number): TotalRow {
    let row = this.rows.get(node);
    if (!row) {
      row = { node, energyUnits: 0, returnedUnits: 0, sinceMs: atMs };
      this.rows.set(node, row);
    }
    return row;
  }

  get(node: string): TotalRow | undefined {
    return this.rows.get(node);
  }
}
