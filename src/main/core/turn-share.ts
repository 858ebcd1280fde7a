/**
 * One turn of the core's event loop, shared between the broker's messages and the work done beside
 * them in slices (a batch made ready for the writer, a totals.live frame written). Each kept to its
 * own budget, they still ran one after another in the same turn, and a command that arrived
 * meanwhile waited for all of them: 8 ms of messages, then 4 of a batch, then 4 of a frame. The
 * turn's clock now starts with whichever runs first, what runs after it has what the turn has
 * left, and while work beside the messages is waiting, the messages leave it half of the turn.
 */

/** A turn's work: about what a command that arrives meanwhile waits for, besides its own. */
export const TURN_MS = 8;

let startedAt: number | null = null;
let turn = 0;
/** The turn in which work beside the messages goes on. */
let besideTurn = -1;

/** Milliseconds of work done in this turn so far; the first call in a turn starts its clock. */
export function spentThisTurnMs(): number {
  const now = performance.now();
  if (startedAt === null) {
    startedAt = now;
    // Queued before any slice deferred from this turn (setImmediate keeps its order), so the
    // next turn's first slice finds the clock stopped.
    setImmediate(() => {
      startedAt = null;
      turn++;
    });
  }
  return now - startedAt;
}

/** Work beside the messages did not finish in this turn and goes on in the next. */
export function besideGoesOn(): void {
  spentThisTurnMs();
  besideTurn = turn + 1;
}

/** How much of this turn the messages may take, ms. */
export function messageShareMs(): number {
  spentThisTurnMs();
  // The other half is what workFor's slices may take (store/read-pace.ts, TURN_WORK_MS).
  return besideTurn === turn ? TURN_MS / 2 : TURN_MS;
}
