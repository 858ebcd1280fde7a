/**
 * How long a heavy read may hold the thread before it lets others run. The core's thread also
 * reads MQTT and answers every command, so a year-long CSV done in one go would freeze live totals
 * and the console for its whole length; done in slices with the event loop turning between them,
 * a light command waits at most one slice.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { besideGoesOn, spentThisTurnMs, TURN_MS } from '../turn-share';

/** Long enough that yielding costs little, short enough that nobody notices the wait. */
export const SLICE_MS = 8;

export interface ReadPace {
  /** False: every read runs to its end at once (a store only this connection can read). */
  readonly cooperative: boolean;
  /** Lets the event loop turn if this slice is spent; cheap to call often. */
  breathe(): Promise<void> | undefined;
}

/** Never yields: for reads on the writer's own connection, which an open cursor would block. */
export const AT_ONCE: ReadPace = { cooperative: false, breathe: () => undefined };

/**
 * workFor's budget for work done beside a backlog, at most: half a turn (turn-share.ts), the other
 * half the messages'.
 */
export const TURN_WORK_MS = TURN_MS / 2;

/**
 * The same pace for work that is taken up again on a later turn rather than awaited (a batch made
 * ready for the writer, a totals.live frame): `run` does a short run of the work and says whether
 * all of it is done; it is called again until then or until about `budgetMs` is spent, or the
 * turn's (turn-share.ts). True once the work is done; false, and the messages leave it room in the
 * next turn.
 */
export function workFor(budgetMs: number, run: () => boolean): boolean {
  // A slice has what the turn has left after the messages or another slice (a run at least);
  // Infinity is all of the work at once (a flush, a frame encoded whole), not a slice.
  const sliceMs = Number.isFinite(budgetMs) ? Math.min(budgetMs, TURN_MS - spentThisTurnMs()) : budgetMs;
  const until = performance.now() + sliceMs;
  for (;;) {
    if (run()) return true;
    if (performance.now() >= until) {
      besideGoesOn();
      return false;
    }
  }
}

export class SlicedPace implements ReadPace {
  readonly cooperative = true;
  private sliceStart = performance.now();
  /** The longest stretch between two turns of the event loop, for measurements. */
  longestSliceMs = 0;

  constructor(private readonly sliceMs = SLICE_MS) {}

  breathe(): Promise<void> | undefined {
    const spent = performance.now() - this.sliceStart;
    if (spent < this.sliceMs) return undefined;
    return this.yieldNow(spent);
  }

  private async yieldNow(spent: number): Promise<void> {
    this.longestSliceMs = Math.max(this.longestSliceMs, spent);
    await nextTurn();
    this.sliceStart = performance.now();
  }

  /** Closes the measurement at the end of the work. */
  finish(): void {
    this.longestSliceMs = Math.max(this.longestSliceMs, performance.now() - this.sliceStart);
  }
}
