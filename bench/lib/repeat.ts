/** Warm-up first, then the measured repetitions; each run gets its index and whether it counts. */
import type { BenchContext } from './types';

export async function repeat<T>(
  ctx: BenchContext,
  label: string,
  once: (run: { index: number; isWarmup: boolean }) => Promise<T>,
  counts: { warmups?: number; repetitions?: number } = {},
): Promise<T[]> {
  const warmups = counts.warmups ?? ctx.warmups;
  const repetitions = counts.repetitions ?? ctx.repetitions;
  const results: T[] = [];
  for (let i = 0; i < warmups + repetitions; i++) {
    const isWarmup = i < warmups;
    const startedMs = Date.now();
    const result = await once({ index: i - warmups, isWarmup });
    const tag = isWarmup ? `warm-up ${i + 1}/${warmups}` : `run ${i - warmups + 1}/${repetitions}`;
    ctx.log(`${label}: ${tag} (${((Date.now() - startedMs) / 1000).toFixed(1)} s)`);
    if (!isWarmup) results.push(result);
  }
  return results;
}
