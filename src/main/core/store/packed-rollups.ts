/**
 * A batch's rollup increments, five numbers a row in one Float64Array: rollup (index in ROLLUPS),
 * node id, start minute, energy, returned energy.
 *
 * A commit's increments live from its planning until the batch writer acknowledges it, long
 * enough for V8 to move them into the old generation; as 60,000 small objects a minute at 10,000
 * channels, they left it full of holes once they died (bench memory-peak). Packed, they are one
 * buffer outside the heap, which is also what crosses to the batch writer (batch-wire.ts).
 */
import { ROLLUPS } from './calendar';
import type { RollupRow, RollupRows } from './rows';

const FIELDS = 5;

export class PackedRollups implements RollupRows {
  static readonly EMPTY = new PackedRollups(new Float64Array(0));

  constructor(readonly values: Float64Array) {
    if (values.length % FIELDS !== 0) throw new Error(`packed rollups of ${values.length} numbers`);
  }

  /** Rows given one by one (tests, and callers with a handful). */
  static of(rows: readonly RollupRow[]): PackedRollups {
    const packed = new PackedRollupsBuilder(rows.length);
    for (const r of rows)
      packed.push(ROLLUPS.indexOf(r.rollup), r.nodeId, r.startMin, r.energyUnits, r.returnedUnits);
    return packed.done();
  }

  get length(): number {
    return this.values.length / FIELDS;
  }

  /** One row object, refilled for each: a caller reads a row before it asks for the next. */
  *[Symbol.iterator](): Generator<RollupRow> {
    const v = this.values;
    const row: RollupRow = { rollup: ROLLUPS[0]!, nodeId: 0, startMin: 0, energyUnits: 0, returnedUnits: 0 };
    for (let i = 0; i < v.length; i += FIELDS) {
      row.rollup = ROLLUPS[v[i]!]!;
      row.nodeId = v[i + 1]!;
      row.startMin = v[i + 2]!;
      row.energyUnits = v[i + 3]!;
      row.returnedUnits = v[i + 4]!;
      yield row;
    }
  }

  /** The same rows node by node, each node's in time order. */
  sortedByNodeAndStart(): PackedRollups {
    const v = this.values;
    const order = Array.from({ length: this.length }, (_, k) => k * FIELDS);
    order.sort((a, b) => v[a + 1]! - v[b + 1]! || v[a + 2]! - v[b + 2]!);
    const sorted = new Float64Array(v.length);
    order.forEach((from, k) => sorted.set(v.subarray(from, from + FIELDS), k * FIELDS));
    return new PackedRollups(sorted);
  }
}

/** Fills a PackedRollups of a known number of rows. */
export class PackedRollupsBuilder {
  private readonly values: Float64Array;
  private at = 0;

  constructor(rows: number) {
    this.values = new Float64Array(rows * FIELDS);
  }

  push(
    rollupIndex: number,
    nodeId: number,
    startMin: number,
    energyUnits: number,
    returnedUnits: number,
  ): void {
    const v = this.values;
    v[this.at++] = rollupIndex;
    v[this.at++] = nodeId;
    v[this.at++] = startMin;
    v[this.at++] = energyUnits;
    v[this.at++] = returnedUnits;
  }

  done(): PackedRollups {
    if (this.at !== this.values.length)
      throw new Error(`${this.at / FIELDS} of ${this.values.length / FIELDS} rollup rows filled`);
    return new PackedRollups(this.values);
  }
}
