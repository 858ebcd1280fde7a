/**
 * When to poll next: every interval while the device answers; after a failure the wait doubles,
 * up to five minutes, so a device that is away is not hammered; one answer resets it.
 */
export const MAX_BACKOFF_MS = 5 * 60_000;

export class PollBackoff {
  private failures = 0;

  constructor(private readonly intervalMs: number) {}

  /** Failures in a row so far. */
  get failed(): number {
    return this.failures;
  }

  succeeded(): number {
    this.failures = 0;
    return this.intervalMs;
  }

  /** The wait before the next try after one more failure. */
  failedOnce(): number {
    this.failures++;
    // Capped before multiplying: 2^n overflows nothing, but a long outage must stay at the cap.
    const doubled = this.intervalMs * 2 ** Math.min(this.failures, 20);
    return Math.min(Math.max(doubled, this.intervalMs), Math.max(MAX_BACKOFF_MS, this.intervalMs));
  }
}
