/**
 * Commits the pending batch at most every `intervalMs` (or sooner when it grows large). When the
 * disk is full or the file is locked, counting goes on in memory and the commit is retried with
 * backoff: the counters carry the energy, so nothing is lost, and the user is told once.
 */
import type { ApiError } from '../../../shared/result';
import { Batch, minuteKey } from './batch';
import type { PlaceRow } from './rows';
import type { Calendar } from './calendar';
import { planRollups } from './rollup-plan';
import type { Store } from './store';

export interface BatchWriterEvents {
  onFailure(error: ApiError): void;
  onRecovered(): void;
}

const MAX_BACKOFF_MS = 30_000;
/**
 * How often the journaled rollup increments are added to the rollup tables. Readers see them
 * at once either way (the store adds what is pending); this only bounds the replay after a crash.
 */
export const ROLLUP_APPLY_MS = 5_000;

export class BatchWriter {
  readonly batch = new Batch();
  private timer: NodeJS.Timeout | null = null;
  private rollupTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** After stop() a flush still commits, but nothing is scheduled: the store is about to close. */
  private isStopped = false;
  lastError: ApiError | null = null;

  constructor(
    private readonly store: Store,
    readonly events: BatchWriterEvents,
    private readonly calendar: Calendar,
    private readonly intervalMs = 250,
    private readonly maxReadings = 5000,
  ) {}

  /** Called after each change; schedules the next commit. */
  touched(): void {
    if (this.batch.readings >= this.maxReadings && this.failures === 0) {
      this.flush();
      return;
    }
    if (!this.timer && !this.isStopped) this.timer = setTimeout(() => this.flush(), this.delay());
  }

  private delay(): number {
    if (this.failures === 0) return this.intervalMs;
    return Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** Math.min(this.failures, 10));
  }

  /** Commits now. Returns whether everything pending is on disk. */
  flush(): boolean {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.batch.isEmpty) return true;
    this.batch.rollups = planRollups(this.batch.minutes.values(), this.calendar);
    const result = this.store.commit(this.batch);
    if (result.ok) {
      this.batch.clear();
      if (!this.rollupTimer && !this.isStopped && this.store.pendingRollups > 0)
        this.rollupTimer = setTimeout(() => this.applyRollups(), ROLLUP_APPLY_MS);
      if (this.failures > 0) {
        this.failures = 0;
        this.lastError = null;
        this.events.onRecovered();
      }
      return true;
    }
    this.failures++;
    if (this.failures === 1 || result.error.code !== this.lastError?.code)
      this.events.onFailure(result.error);
    this.lastError = result.error;
    if (!this.isStopped) this.timer = setTimeout(() => this.flush(), this.delay());
    return false;
  }

  /** Adds the journaled rollup increments to the rollup tables; a failure is retried later. */
  applyRollups(): boolean {
    if (this.rollupTimer) clearTimeout(this.rollupTimer);
    this.rollupTimer = null;
    const result = this.store.applyRollups();
    if (result.ok) return true;
    // The commits meet the same disk and report it; this only has to try again.
    if (!this.isStopped) this.rollupTimer = setTimeout(() => this.applyRollups(), ROLLUP_APPLY_MS);
    return false;
  }

  /**
   * The place a channel's minute was already counted in, still pending or on disk; undefined when
   * nothing was counted in it yet (or it was counted before places were remembered).
   */
  placeOfMinute(channelId: number, minute: number): PlaceRow | undefined {
    const pending = this.batch.minutes.get(minuteKey(channelId, minute));
    if (pending) {
      const id = pending.placeId;
      return id === null || id === undefined
        ? undefined
        : (this.batch.places.get(id) ?? this.store.place(id));
    }
    return this.store.minutePlace(channelId, minute);
  }

  get isHealthy(): boolean {
    return this.failures === 0;
  }

  stop(): boolean {
    this.isStopped = true;
    const done = this.flush() && this.applyRollups();
    if (this.timer) clearTimeout(this.timer);
    if (this.rollupTimer) clearTimeout(this.rollupTimer);
    this.timer = null;
    this.rollupTimer = null;
    return done;
  }
}
