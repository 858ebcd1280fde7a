/**
 * Keeps the C allocator from holding freed memory when the core runs on Linux with glibc.
 *
 * glibc serves a block of 128 kB or more by mapping it apart, and gives it back to the system when
 * it is freed. But each time such a block is freed, it raises that threshold to the block's size
 * (up to 32 MB), and from then on blocks of that size come from the allocator's heaps, one per
 * thread. The core's threads make and drop such blocks all the time at 10,000 channels: messages
 * between threads, `totals.live` frames, SQLite's copies of journal rows, rollup plans. In the heaps
 * they leave holes the process keeps. Pooling the biggest of them in our own code changed nothing
 * that the bench memory-peak could see (2026-12-07, two paired rounds: 259 and 261 MB against 256 and 262).
 * Pinning the threshold at its default did: 240–243 MB against 256–263, and flat
 * (end of the hour vs minute 5: +1.7 to +8.7 % against +8.3 to +19.2 %).
 *
 * glibc reads its own settings (MALLOC_MMAP_THRESHOLD_) from the environment only when a process
 * starts, and the console is started by Electron or as `node headless.js`, not by us; `mallopt` is
 * the same setting at run time, called through koffi (a foreign-function interface with prebuilt
 * binaries). Elsewhere (macOS, Windows, musl) there is no such threshold to pin.
 */
import { createRequire } from 'node:module';

/** mallopt's parameter number for the mmap threshold (malloc.h: M_MMAP_THRESHOLD). */
const M_MMAP_THRESHOLD = -3;
/** glibc's own starting value: what it would keep if no freed block ever moved it. */
const MMAP_THRESHOLD_BYTES = 128 * 1024;

export type ThresholdPin =
  { status: 'pinned' } | { status: 'not-glibc' } | { status: 'failed'; reason: string };

/**
 * True on Linux with glibc (not musl): the C library Node reports it was started with. The report
 * is Node's documented way to tell; it takes ~7 ms, once, at start.
 */
function isGlibc(): boolean {
  if (process.platform !== 'linux') return false;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}

/** Pins glibc's mmap threshold; call it before the core's threads start. */
export function pinMallocMmapThreshold(): ThresholdPin {
  if (!isGlibc()) return { status: 'not-glibc' };
  try {
    const koffi = createRequire(__filename)('koffi') as typeof import('koffi');
    const mallopt = koffi.load('libc.so.6').func('int mallopt(int, int)') as (p: number, v: number) => number;
    // mallopt returns 1 on success and 0 when it refuses the value.
    if (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) !== 1)
      return { status: 'failed', reason: 'glibc refused the value' };
    return { status: 'pinned' };
  } catch (e) {
    return { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The line to log when the pin could not be set (null: nothing to say). */
export function describeThresholdPin(pin: ThresholdPin): string | null {
  return pin.status === 'failed'
    ? `could not pin the C allocator's mmap threshold (${pin.reason}); memory may run ~20 MB higher at 10,000 channels`
    : null;
}
