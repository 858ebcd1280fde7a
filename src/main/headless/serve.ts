/**
 * The headless console's entry (`out/main/headless.js`). It holds the main thread's young
 * generation at the size it starts with before anything else is loaded: the bundle's modules,
 * the contract's schemas above all, allocate enough while loading to grow it to 2 × 8 MB, which
 * would then stay resident (worker/young-generation.ts). A static import would not do: the
 * bundle loads its shared chunks before any of the entry's own code, so the rest comes after,
 * dynamically. The C allocator's threshold is pinned here too, before any thread starts
 * (worker/malloc-threshold.ts).
 */
import { describeThresholdPin, pinMallocMmapThreshold } from '../worker/malloc-threshold';
import { holdMainYoungGeneration } from '../worker/young-generation';

holdMainYoungGeneration();
const pinFailure = describeThresholdPin(pinMallocMmapThreshold());
if (pinFailure) console.warn(`kilowatch: ${pinFailure}`);
// This file's folder, not serve-main's: the bundle may put that one in a chunk of its own.
const entryDir = __dirname;
import('./serve-main').then(
  ({ serve }) => serve(entryDir),
  (e: unknown) => {
    console.error('kilowatch: could not start', e);
    process.exit(1);
  },
);
