/**
 * How far V8 lets the heap grow past what was live at the last full collection before it collects
 * again. V8 picks the factor from how fast it collects against how fast the program allocates,
 * up to four times the live heap: ingest allocates fast and keeps little (at most 78 MB live at
 * 10,000 channels), so the old generation filled with garbage to 330 MB before a collection and
 * the console's resident set peaked at 456 MB (bench memory-peak). At 30 % it peaks at about
 * 245 MB; V8 collects about six times as often (65 full collections in the simulated hour instead
 * of 11), each one small because little is live.
 *
 * Why this flag and not a heap limit (`--max-old-space-size`, a worker's `resourceLimits`): a limit
 * is a wall, and a site with more channels than the limit was sized for would crash the core; a
 * growing factor only changes when V8 collects. V8 reads it at every full collection, so setting it
 * after start takes effect from the next one; it is process-wide, which is what is meant whichever
 * thread the core runs on.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;

export function limitHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
