/**
 * How long the batch writer's commits take, for `metrics.snapshot` (GET /metrics): a slow disk
 * shows here long before the database refuses writes. Counts and the sum are kept for ever, as a
 * Prometheus summary wants them; quantiles come from the last RECENT_COMMITS only, so a stall
 * shows while it happens and fades once it is over.
 */
import type { CommitTimingsSnapshot } from '../../../shared/contract';

export const RECENT_COMMITS = 256;

const QUANTILES = [0.5, 0.9, 0.99] as const;

export class CommitTimings {
  private count = 0;
  private totalMs = 0;
  /** A ring of the latest durations, in ms. */
  private readonly recent: number[] = [];
  private next = 0;

  note(ms: number): void {
    this.count++;
    this.totalMs += ms;
    if (this.recent.length < RECENT_COMMITS) this.recent.push(ms);
    else this.recent[this.next] = ms;
    this.next = (this.next + 1) % RECENT_COMMITS;
  }

  snapshot(): CommitTimingsSnapshot {
    const sorted = [...this.recent].sort((a, b) => a - b);
    // Nearest rank: a quantile is a duration some commit really took.
    const at = (q: number) =>
      (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) / 1000;
    return {
      commits: this.count,
      seconds: this.totalMs / 1000,
      recent: sorted.length === 0 ? [] : QUANTILES.map((quantile) => ({ quantile, seconds: at(quantile) })),
    };
  }
}
