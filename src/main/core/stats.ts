/** Counters of what the pipeline did with each message (`stats.get`). */
import type { Stats } from '../../shared/contract';

const KEEP_LAST_REJECTED = 50;

export class IngestStats {
  received = 0;
  applied = 0;
  ignored = 0;
  readonly rejected = new Map<string, number>();
  /** Of the rejected, those an alert already named one by one (a channel's reading). */
  readonly attributed = new Map<string, number>();
  private readonly lastRejected: Array<{ at: string; topic: string; reason: string }> = [];

  reject(reason: string, topic: string, atMs: number): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    // A hostile topic is data: keep a bounded, printable sample of it.
    const sample = topic.length > 200 ? `${topic.slice(0, 200)}…` : topic;
    this.lastRejected.push({ at: new Date(atMs).toISOString(), topic: sample, reason });
    if (this.lastRejected.length > KEEP_LAST_REJECTED) this.lastRejected.shift();
  }

  /** A rejection that its own alert reports: the periodic summary leaves it out. */
  attribute(reason: string): void {
    this.attributed.set(reason, (this.attributed.get(reason) ?? 0) + 1);
  }

  /** Counts rejections without a sample: for floods, whose samples would push every other one out. */
  countRejected(reason: string, count: number): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + count);
  }

  /** The latest sample of a reason, for an alert that says what was refused. */
  sampleOf(reason: string): { at: string; topic: string } | undefined {
    for (let i = this.lastRejected.length - 1; i >= 0; i--) {
      const r = this.lastRejected[i];
      if (r?.reason === reason) return { at: r.at, topic: r.topic };
    }
    return undefined;
  }

  /** The pipeline's part of `stats.get`; the console adds its aggregator role. */
  snapshot(extra: {
    devices: number;
    channels: number;
    uptimeS: number;
  }): Omit<Stats, 'aggregator' | 'lease'> {
    return {
      received: this.received,
      applied: this.applied,
      ignored: this.ignored,
      rejected: Object.fromEntries(this.rejected),
      lastRejected: [...this.lastRejected],
      ...extra,
    };
  }
}
