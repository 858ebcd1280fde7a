/** Summaries of repeated measurements. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const min = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : Math.min(...values);

export const max = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : Math.max(...values);

/**
 * Ratios of pairs measured back to back (repetition i of the subject against repetition i of its
 * baseline): a slow moment of the machine hits both sides of a pair, so the median of the pair
 * ratios is steadier than the ratio of two medians.
 */
export function pairRatios(subject: readonly number[], baseline: readonly number[]): number[] {
  const n = Math.min(subject.length, baseline.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((subject[i] as number) / (baseline[i] as number));
  return out;
}

/** A number for a table: 3 significant digits, thousands grouped. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
