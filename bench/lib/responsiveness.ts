/**
 * How responsive the console stays while it drains a burst: a client calls a light command on a
 * fixed schedule and the time each call takes is kept, and the `totals.live` pushes are timed.
 * Shared by the bridge side (bench process → HTTP) and the in-process stand-in of the IPC path.
 *
 * Open loop: calls start on their schedule whether or not the previous one answered, and each
 * latency is counted from when the call was due, not from when the timer got round to it. On the
 * console's own thread a late timer is exactly the unresponsiveness a queued IPC message would see,
 * and a closed loop would hide every call a stall swallowed (coordinated omission).
 *
 * Times are epoch milliseconds from `nowMs()`, so a side in another process can be compared with
 * the publisher's start.
 */
import { nowMs } from './child-side';

export interface CommandProbe {
  /** Latency of every call that was due while the burst drained, ms, in the order they were due. */
  latenciesMs: number[];
  /** When the light command first said everything was applied (nowMs()). */
  drainedAt: number;
  /** The last `applied` the command reported. */
  applied: number;
}

/**
 * Calls `call` every `everyMs` from `startedAt` until it reports `applied >= expected`. Rejects
 * when a call fails or nothing more is applied for `stallMs`.
 */
export function probeUntilDrained(
  call: () => Promise<{ applied: number }>,
  options: { startedAt: number; everyMs: number; expected: number; stallMs: number },
): Promise<CommandProbe> {
  const { startedAt, everyMs, expected, stallMs } = options;
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    let fired = 0;
    let pending = 0;
    let applied = 0;
    let progressAt = nowMs();
    let drainedAt = 0;
    let failure: Error | null = null;
    let timer: NodeJS.Timeout | null = null;
    // Once drained (or failed) no call starts; the ones in flight still count when they answer.
    const isStopped = () => drainedAt > 0 || failure !== null;
    const settle = () => {
      if (pending > 0 || !isStopped()) return;
      if (timer) clearTimeout(timer);
      if (failure) reject(failure);
      else resolve({ latenciesMs, drainedAt, applied });
    };
    const fire = (dueAt: number) => {
      pending++;
      call().then(
        (reply) => {
          pending--;
          const doneAt = nowMs();
          latenciesMs.push(doneAt - dueAt);
          if (reply.applied > applied) {
            applied = reply.applied;
            progressAt = doneAt;
          }
          if (applied >= expected && drainedAt === 0) drainedAt = doneAt;
          else if (doneAt - progressAt > stallMs)
            failure ??= new Error(
              `stalled: ${applied} of ${expected} applied, nothing more for ${stallMs} ms`,
            );
          settle();
        },
        (e: unknown) => {
          pending--;
          failure ??= e instanceof Error ? e : new Error(String(e));
          settle();
        },
      );
    };
    const tick = () => {
      if (isStopped()) return;
      // Every call due by now goes out, each with its own due time: a stalled loop owes them all.
      const now = nowMs();
      while (startedAt + fired * everyMs <= now) fire(startedAt + fired++ * everyMs);
      timer = setTimeout(tick, Math.max(0, startedAt + fired * everyMs - nowMs()));
    };
    tick();
  });
}

/** The value below which `p` of the sorted values fall (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * The longest time the screen went without a `totals.live` while the burst drained: between the
 * burst's start and the first push, between pushes, and up to the first push at or after the drain.
 */
export function longestGapMs(pushesAt: readonly number[], startedAt: number, drainedAt: number): number {
  let previous = startedAt;
  let longest = 0;
  for (const at of pushesAt) {
    if (at < startedAt) continue;
    longest = Math.max(longest, at - previous);
    previous = at;
    if (at >= drainedAt) return longest;
  }
  // No push at or after the drain: the gap runs on to the drain itself at least.
  return Math.max(longest, drainedAt - previous);
}

export interface Responsiveness {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  calls: number;
  longestGapMs: number;
  pushes: number;
  drainSeconds: number;
  drainRate: number;
}

export function summariseResponsiveness(
  probe: CommandProbe,
  pushesAt: readonly number[],
  startedAt: number,
  messages: number,
): Responsiveness {
  const drainSeconds = (probe.drainedAt - startedAt) / 1000;
  return {
    p50Ms: percentile(probe.latenciesMs, 0.5),
    p99Ms: percentile(probe.latenciesMs, 0.99),
    maxMs: Math.max(...probe.latenciesMs),
    calls: probe.latenciesMs.length,
    longestGapMs: longestGapMs(pushesAt, startedAt, probe.drainedAt),
    pushes: pushesAt.filter((at) => at >= startedAt && at <= probe.drainedAt).length,
    drainSeconds,
    drainRate: messages / drainSeconds,
  };
}
