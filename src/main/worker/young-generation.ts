/**
 * How big each thread's young generation (V8's new space, where short-lived objects are made)
 * is, once the core runs on its worker thread.
 *
 * V8 grows an isolate's new space up to 2 × 16 MB semi-spaces when objects keep surviving
 * collections, and keeps it resident: the bench memory-peak found both threads at 33.6 MB of new
 * space, a fifth of the process, while the main thread had only 15–20 MB live in all. The main
 * thread relays and answers and keeps little, so it stays at the new space it started with (the
 * headless entry, serve.ts, holds it before loading the rest, which alone grew it to 2 × 8 MB).
 * The worker's ingest makes many short-lived objects per message, so it gets a fixed
 * WORKER_SEMI_SPACE_MB per semi-space from the start: 2 × 8 MB peaked at 258 MB, 2 × 4 MB at
 * 251 MB (against 309 MB left to V8, same machine and load), with no change in the ingest ratio
 * that its noise could show. A later probe of every thread's heap (2026-12-06) found the batch
 * writer started with the engine's size too (its new space a third of its heap) and the engine's
 * 2 × 4 MB still 8 MB of ~115: the engine now has 2 × 2 MB and the writer 2 × 1 MB, 4 + 6 MB less.
 *
 * These are V8 flags set at run time (the console is started as `node headless.js` or by
 * Electron, not with flags of our choosing), and V8 promises nothing about flags changed late;
 * test/integration/young-generation.test.ts checks what this relies on, on the Node that runs it:
 * - `--semi-space-growth-factor` is read each time a new space would grow, so at 1 every new
 *   space stays the size it is; but creating an isolate (starting a worker) sets it back to 2,
 *   so the hold is set again once the worker has started;
 * - `--min-`/`--max-semi-space-size` are read when an isolate is created: they size the worker
 *   started after them (and any thread it starts), which then need not grow.
 */
import { setFlagsFromString } from 'node:v8';

/** The worker's semi-space size, MB (its new space is two of them). */
export const WORKER_SEMI_SPACE_MB = 2;

/**
 * The batch writer's (core/store/commit-thread.ts): it reads each batch's rows out of the arrays
 * that crossed, one row object refilled, so it makes little that lives; with the engine's 2 × 4 MB
 * its new space was a third of its heap (memory-peak).
 */
export const WRITER_SEMI_SPACE_MB = 1;

/** No new space grows from now on (until an isolate is created). */
export function holdMainYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** V8's default again, for a core that runs on the main thread (KILOWATCH_CORE=main-thread). */
export function releaseMainYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
}

/**
 * Before a worker is started (the core's, or the batch writer's with WRITER_SEMI_SPACE_MB): its new
 * space is 2 × `semiSpaceMb` from the start. Threads started later get the same until it is set
 * again, which is why CoreHost sets it before every start.
 */
export function sizeWorkerYoungGeneration(semiSpaceMb = WORKER_SEMI_SPACE_MB): void {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  setFlagsFromString(`--min-semi-space-size=${semiSpaceMb}`);
}
