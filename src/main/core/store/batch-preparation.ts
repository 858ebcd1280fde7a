/**
 * A batch made ready for the batch writer's thread a slice at a time: its rollups planned and its
 * minute rows packed, a few milliseconds per turn of the core's event loop.
 *
 * Both grow with the batch, and a batch grows with how long the one before took to commit: in a
 * backlog (bench burst-responsiveness, 300,000 readings) batches held up to 76,000 readings, and
 * planning and packing one took 20 ms on average and over 100 ms at worst, in one turn, while
 * every command and live push waited behind it. In slices the same work leaves room between them.
 *
 * The last-value rows (counter states, running totals) are packed when the batch is detached, not
 * when it is done: batch-wire.ts's packLastValues says why.
 */
import type { Batch } from './batch';
import type { Calendar } from './calendar';
import {
  minuteArray,
  packLastValues,
  packMinute,
  toWire,
  type BatchWire,
  type LastValues,
} from './batch-wire';
import { workFor } from './read-pace';
import { RollupPlanner } from './rollup-plan';
import type { MinuteRow } from './rows';

/** How many rows between looks at the clock. */
const ROWS_PER_CHECK = 256;

export class BatchPreparation {
  private readonly rows: Iterator<MinuteRow>;
  private readonly planner: RollupPlanner;
  private readonly minutes: Float64Array<ArrayBuffer>;
  private readonly last: LastValues;
  private packed = 0;
  private isDone = false;

  /** `batch` is no longer added to: its minute rows are read across turns. */
  constructor(
    readonly batch: Batch,
    calendar: Calendar,
    twinOf?: (nodeId: number, minute: number) => number | null,
  ) {
    this.last = packLastValues(batch);
    this.minutes = minuteArray(batch.minutes.size);
    this.rows = batch.minutes.values();
    this.planner = new RollupPlanner(calendar, twinOf);
  }

  get isReady(): boolean {
    return this.isDone;
  }

  /** Plans and packs rows for about `budgetMs` (all of them with Infinity); true once all are. */
  advance(budgetMs: number): boolean {
    return this.isDone || workFor(budgetMs, () => this.run());
  }

  /** Up to ROWS_PER_CHECK rows; true once all are done. */
  private run(): boolean {
    for (let k = 0; k < ROWS_PER_CHECK; k++) {
      const next = this.rows.next();
      if (next.done) {
        this.batch.rollups = this.planner.finish();
        this.isDone = true;
        return true;
      }
      this.planner.add(next.value);
      packMinute(this.minutes, this.packed++, next.value);
    }
    return false;
  }

  /** The packed batch, once ready (advance returned true). */
  wire(): { wire: BatchWire; transfer: ArrayBuffer[] } {
    if (!this.isDone) throw new Error('a batch was sent before it was prepared');
    return toWire(this.batch, this.minutes, this.last);
  }
}
