/**
 * Commits the pending batch at most every `intervalMs` (or sooner when it grows large). When the
 * disk is full or the file is locked, counting goes on in memory and the commit is retried with
 * backoff: the counters carry the energy, so nothing is lost, and the user is told once.
 *
 * With a commit thread (commit-thread.ts) those commits run there, on its own connection, while
 * this thread keeps counting: one batch in flight at a time, so batches land in order; a failed
 * one is taken back under the batch gathered meanwhile and retried with it. A batch is made ready
 * to cross in slices (batch-preparation.ts), and a full one is made ready while the one before is
 * still in flight, so the acknowledgement sends it at once. An explicit flush() waits for the
 * batch in flight, then commits the rest here: whoever calls it (a history query, shutdown, a
 * test) reads everything counted so far.
 */
import type { ApiError } from '../../../shared/result';
import { Batch, minuteKey } from './batch';
import type { MinuteRow, PlaceRow } from './rows';
import type { PackedRollups } from './packed-rollups';
import type { Calendar } from './calendar';
import { BatchPreparation } from './batch-preparation';
import type { CommitAck, CommitThread } from './commit-thread';
import { CommitTimings } from './commit-timings';
import { TURN_WORK_MS } from './read-pace';
import { planRollups } from './rollup-plan';
import type { RollupPricing } from '../cost/priced-rollups';
import type { JournalRange, Store } from './store';

export interface BatchWriterEvents {
  onFailure(error: ApiError): void;
  onRecovered(): void;
  /** The commit thread died; its batch was taken back and commits continue on this thread. */
  onCommitThreadLost?(error: Error): void;
}

/** How long an explicit flush waits for the batch in flight (a commit behind a locked file waits 2 s). */
const IN_FLIGHT_WAIT_MS = 30_000;

const MAX_BACKOFF_MS = 30_000;
/**
 * How often the journaled rollup increments are added to the rollup tables. Readers see them
 * at once either way (the store adds what is pending); this only bounds the replay after a crash.
 */
export const ROLLUP_APPLY_MS = 5_000;

export class BatchWriter {
  private current = new Batch();
  /** Detached from `current` and being made ready to cross; sent once ready and nothing is in flight. */
  private next: BatchPreparation | null = null;
  /** Handed to the commit thread, not yet acknowledged. */
  private inFlight: {
    id: number;
    batch: Batch | null;
    apply: JournalRange | null;
    sentAtMs: number;
  } | null = null;
  private nextCommitId = 1;
  /** The rollups are applied on this thread's connection, never beside a commit in flight. */
  private isApplyDue = false;
  /** flush() is waiting for the batch in flight. */
  private isWaiting = false;
  private timer: NodeJS.Timeout | null = null;
  private rollupTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** After stop() a flush still commits, but nothing is scheduled: the store is about to close. */
  private isStopped = false;
  lastError: ApiError | null = null;
  /** Until a batch is on disk, as this thread sees it (queue, commit and acknowledgement): /metrics. */
  readonly commitTimings = new CommitTimings();
  /** The tariff's energy-per-price twins (cost/priced-rollups.ts); null: no tariff, no cost. */
  pricing: RollupPricing | null = null;

  constructor(
    private readonly store: Store,
    readonly events: BatchWriterEvents,
    private readonly calendar: Calendar,
    private readonly intervalMs = 250,
    private readonly maxReadings = 5000,
    private thread: CommitThread | null = null,
  ) {
    thread?.listen(
      (ack) => this.acknowledged(ack),
      (error) => this.threadLost(error),
    );
  }

  /**
   * Settles once the commit thread runs (at once without one). Starting a thread resets V8 flags
   * process-wide (worker/young-generation.ts): whoever holds the main thread's sizes waits for it.
   */
  ready(): Promise<void> {
    return this.thread?.online ?? Promise.resolve();
  }

  /** The rollup increments of a batch, with the priced twins when a tariff is set. */
  private plan(batch: Batch): PackedRollups {
    return planRollups(batch.minutes.values(), this.calendar, this.twinFinder(batch));
  }

  /** planRollups' priced twins for `batch` (new twin nodes are stored with it); none without a tariff. */
  twinFinder(batch: Batch): ((nodeId: number, minute: number) => number | null) | undefined {
    return this.pricing?.twinFinder((id, key) => batch.nodes.set(id, key));
  }

  /** What ingest adds to: the batch being gathered. */
  get batch(): Batch {
    return this.current;
  }

  /** Called after each change; schedules the next commit. */
  touched(): void {
    if (this.current.readings >= this.maxReadings && this.failures === 0) {
      this.commitSoon();
      return;
    }
    if (!this.timer && !this.isStopped) this.timer = setTimeout(() => this.commitSoon(), this.delay());
  }

  /** The timer's and a full batch's commit: handed to the commit thread when there is one. */
  private commitSoon(): void {
    if (!this.thread?.isAlive) {
      this.flush();
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // With a batch in flight, only a full one is detached now; the acknowledgement sends the rest.
    if (!this.next && !this.current.isEmpty && (!this.inFlight || this.current.readings >= this.maxReadings))
      this.detach();
    this.sendNext();
  }

  /** Starts making the current batch ready to cross; counting goes on into a new one. */
  private detach(): void {
    const next = new BatchPreparation(this.current, this.calendar, this.twinFinder(this.current));
    this.current = new Batch();
    this.next = next;
    setImmediate(() => this.prepare(next));
  }

  private prepare(next: BatchPreparation): void {
    // Taken back meanwhile (a flush, a failed commit, the thread lost): it commits with `current`.
    if (this.next !== next) return;
    if (next.advance(TURN_WORK_MS)) this.sendNext();
    else setImmediate(() => this.prepare(next));
  }

  /** Sends the prepared batch and any rollups due, unless a batch is in flight. */
  private sendNext(): void {
    const thread = this.thread;
    if (!thread?.isAlive || this.inFlight) return;
    const next = this.next;
    // Its last slice sends it, with whatever rollups are due then.
    if (next && !next.isReady) return;
    const apply = this.isApplyDue ? this.store.journalRange : null;
    if (!next && !apply) return;
    this.isApplyDue = false;
    this.next = null;
    const sent = { id: this.nextCommitId++, batch: next?.batch ?? null, apply, sentAtMs: performance.now() };
    this.inFlight = sent;
    thread.send({ id: sent.id, apply }, next ? next.wire() : null);
  }

  /** The batch being prepared goes back under the current one, to be committed with it. */
  private takeBackNext(): void {
    const next = this.next;
    if (!next) return;
    this.next = null;
    this.current.absorbEarlier(next.batch);
  }

  private acknowledged(ack: CommitAck): void {
    const sent = this.inFlight;
    if (!sent || sent.id !== ack.id) return;
    this.inFlight = null;
    // Applied rows first: the batch's own journal row comes after them.
    if (sent.apply && ack.applied) {
      if (ack.applied.ok) this.store.forgetApplied(sent.apply, ack.applied.value);
      // The commits meet the same disk and report it; this only has to try again.
      else if (!this.rollupTimer && !this.isStopped)
        this.rollupTimer = setTimeout(() => this.applyRollups(), ROLLUP_APPLY_MS);
    }
    if (sent.batch && ack.committed) {
      if (ack.committed.ok) {
        this.commitTimings.note(performance.now() - sent.sentAtMs);
        this.store.noteCommitted(sent.batch.rollups, ack.committed.value);
        this.succeeded();
      } else {
        // Newest first: each batch taken back goes under what was gathered after it.
        this.takeBackNext();
        this.current.absorbEarlier(sent.batch);
        this.failed(ack.committed.error);
      }
    }
    // Inside flush() nothing new is sent: it commits the rest itself.
    if (this.isStopped || this.isWaiting) return;
    if (this.isApplyDue) this.applyRollups();
    if (this.failures > 0) return;
    this.sendNext();
    if (!this.current.isEmpty) this.touched();
  }

  private threadLost(error: Error): void {
    this.thread = null;
    const sent = this.inFlight;
    this.inFlight = null;
    this.takeBackNext();
    if (sent?.batch) this.current.absorbEarlier(sent.batch);
    this.events.onCommitThreadLost?.(error);
    if (!this.isStopped && !this.current.isEmpty) this.touched();
  }

  private succeeded(): void {
    if (!this.rollupTimer && !this.isStopped && this.store.pendingRollups > 0)
      this.rollupTimer = setTimeout(() => this.applyRollups(), ROLLUP_APPLY_MS);
    if (this.failures > 0) {
      this.failures = 0;
      this.lastError = null;
      this.events.onRecovered();
    }
  }

  private failed(error: ApiError): void {
    this.failures++;
    if (this.failures === 1 || error.code !== this.lastError?.code) this.events.onFailure(error);
    this.lastError = error;
    if (!this.isStopped) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.commitSoon(), this.delay());
    }
  }

  private delay(): number {
    if (this.failures === 0) return this.intervalMs;
    return Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** Math.min(this.failures, 10));
  }

  /** Commits now, on this thread. Returns whether everything pending is on disk. */
  flush(): boolean {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const sent = this.inFlight;
    if (sent && this.thread) {
      this.isWaiting = true;
      this.thread.waitFor(sent.id, IN_FLIGHT_WAIT_MS);
      this.isWaiting = false;
      // A thread that neither answers nor dies: what it holds is not known to be on disk.
      if (this.inFlight) return false;
    }
    this.takeBackNext();
    if (this.current.isEmpty) return true;
    this.current.rollups = this.plan(this.current);
    const startedMs = performance.now();
    const result = this.store.commit(this.current);
    if (result.ok) {
      this.commitTimings.note(performance.now() - startedMs);
      this.current.clear();
      this.succeeded();
      if (this.isApplyDue) this.applyRollups();
      return true;
    }
    this.failed(result.error);
    return false;
  }

  /** Adds the journaled rollup increments to the rollup tables; a failure is retried later. */
  applyRollups(): boolean {
    if (this.rollupTimer) clearTimeout(this.rollupTimer);
    this.rollupTimer = null;
    // On the commit thread, with the next batch or alone; never beside a commit in flight, where
    // two connections would wait on each other's lock.
    if (this.thread?.isAlive && !this.isStopped && !this.isWaiting) {
      this.isApplyDue = true;
      this.commitSoon();
      return true;
    }
    if (this.inFlight) {
      this.isApplyDue = true;
      return false;
    }
    this.isApplyDue = false;
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
    const key = minuteKey(channelId, minute);
    const batches = [this.current, this.next?.batch, this.inFlight?.batch];
    const pending = batches.reduce<MinuteRow | undefined>(
      (found, b) => found ?? b?.minutes.get(key),
      undefined,
    );
    if (pending) {
      const id = pending.placeId;
      if (id === null || id === undefined) return undefined;
      return (
        batches.reduce<PlaceRow | undefined>((found, b) => found ?? b?.places.get(id), undefined) ??
        this.store.place(id)
      );
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
    void this.thread?.stop();
    this.thread = null;
    return done;
  }
}
