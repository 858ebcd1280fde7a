/**
 * Rollup increments committed but not yet added to the rollup tables (schema v3). Ingest commits
 * each batch's increments as one journal row; they are summed here in memory and written to the
 * rollup tables every few seconds, so a bucket touched by a hundred batches is upserted once.
 * The sums here always equal the journal rows in the file: a reader adds them to what it reads,
 * and a restart replays the rows.
 */
import { ROLLUPS, type Rollup } from './calendar';
import type { RollupRow, RollupRows } from './rows';

/** start minute < 2^26 (year 2097), node id < 2^22: the key stays an exact float64 integer. */
const START_STRIDE = 2 ** 26;
const NODE_STRIDE = 2 ** 22;

const keyOf = (level: number, nodeId: number, startMin: number): number =>
  (level * NODE_STRIDE + nodeId) * START_STRIDE + startMin;

interface Sum {
  energyUnits: number;
  returnedUnits: number;
}

export class PendingRollups {
  private readonly sums = new Map<number, Sum>();
  /** The journal rows summed here: seq in [firstSeq, lastSeq], `rows` of them. */
  firstSeq = Number.POSITIVE_INFINITY;
  lastSeq = Number.NEGATIVE_INFINITY;
  journalRows = 0;

  /** Records that journal row `seq` is in the sums. */
  noteRow(seq: number): void {
    this.firstSeq = Math.min(this.firstSeq, seq);
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.journalRows++;
  }

  get size(): number {
    return this.sums.size;
  }

  /** Packs a batch's rollup rows for its journal row. */
  static encode(rows: RollupRows): Buffer {
    const packed = new Float64Array(rows.length * 3);
    let i = 0;
    for (const r of rows) {
      packed[i++] = keyOf(ROLLUPS.indexOf(r.rollup), r.nodeId, r.startMin);
      packed[i++] = r.energyUnits;
      packed[i++] = r.returnedUnits;
    }
    return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  }

  /** Adds one journal row (as written by encode) to the sums. */
  /** Whether `blob` has the shape encode() gives: whole (key, energy, returned) triples. */
  static isEncoding(blob: Uint8Array): boolean {
    return blob.byteLength % 24 === 0;
  }

  addEncoded(blob: Uint8Array): void {
    if (!PendingRollups.isEncoding(blob)) throw new Error(`rollup journal row of ${blob.byteLength} bytes`);
    // Copied: a Buffer from SQLite need not be 8-byte aligned.
    const packed = new Float64Array(blob.byteLength / 8);
    new Uint8Array(packed.buffer).set(blob);
    for (let i = 0; i < packed.length; i += 3)
      this.add(packed[i] as number, packed[i + 1] as number, packed[i + 2] as number);
  }

  addRows(rows: RollupRows): void {
    for (const r of rows)
      this.add(keyOf(ROLLUPS.indexOf(r.rollup), r.nodeId, r.startMin), r.energyUnits, r.returnedUnits);
  }

  private add(key: number, energyUnits: number, returnedUnits: number): void {
    const s = this.sums.get(key);
    if (s) {
      s.energyUnits += energyUnits;
      s.returnedUnits += returnedUnits;
    } else this.sums.set(key, { energyUnits, returnedUnits });
  }

  /**
   * The sums as rows, one row object refilled for each: every caller reads a row before it asks
   * for the next, and a copy of 100,000 sums as objects cost the batch writer 10 MB a time.
   */
  *rows(): Generator<RollupRow> {
    const row: RollupRow = {
      rollup: ROLLUPS[0] as Rollup,
      nodeId: 0,
      startMin: 0,
      energyUnits: 0,
      returnedUnits: 0,
    };
    for (const [key, s] of this.sums) {
      const startMin = key % START_STRIDE;
      const rest = (key - startMin) / START_STRIDE;
      const nodeId = rest % NODE_STRIDE;
      row.rollup = ROLLUPS[(rest - nodeId) / NODE_STRIDE] as Rollup;
      row.nodeId = nodeId;
      row.startMin = startMin;
      row.energyUnits = s.energyUnits;
      row.returnedUnits = s.returnedUnits;
      yield row;
    }
  }

  /** The pending increment of one bucket, if any. */
  get(rollup: Rollup, nodeId: number, startMin: number): Sum | undefined {
    return this.sums.get(keyOf(ROLLUPS.indexOf(rollup), nodeId, startMin));
  }

  clear(): void {
    this.sums.clear();
    this.firstSeq = Number.POSITIVE_INFINITY;
    this.lastSeq = Number.NEGATIVE_INFINITY;
    this.journalRows = 0;
  }
}
