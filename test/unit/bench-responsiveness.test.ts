/**
 * The burst-responsiveness bench's arithmetic: a stalled thread must show in the latencies (open
 * loop, counted from when each call was due), and the longest totals.live gap must include the
 * wait for the first push and for the one after the drain.
 */
import { describe, expect, it } from 'vitest';
import { nowMs } from '../../bench/lib/child-side';
import { longestGapMs, percentile, probeUntilDrained } from '../../bench/lib/responsiveness';

/** Keeps this thread busy, as a long synchronous batch in the core would. */
function blockThreadFor(ms: number): void {
  const until = nowMs() + ms;
  while (nowMs() < until) continue;
}

describe('percentile', () => {
  it('takes the nearest rank of the sorted values', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.99)).toBe(10);
    expect(percentile(values, 0.1)).toBe(1);
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('longestGapMs', () => {
  it('counts from the burst start to the first push', () => {
    expect(longestGapMs([1600, 1800, 2000], 1000, 1900)).toBe(600);
  });

  it('counts between pushes and stops at the first push at or after the drain', () => {
    expect(longestGapMs([1100, 1300, 2000, 2900], 1000, 1950)).toBe(700);
  });

  it('ignores pushes before the burst, and runs on to the drain when none came after it', () => {
    expect(longestGapMs([500, 1100, 1200], 1000, 2000)).toBe(800);
  });
});

describe('probeUntilDrained', () => {
  it('counts a call that waited behind a stalled thread from when it was due', async () => {
    let applied = 0;
    const probe = await probeUntilDrained(
      async () => {
        applied++;
        // The first call blocks the thread for 100 ms, as a long synchronous batch would.
        if (applied === 1) blockThreadFor(100);
        return { applied };
      },
      { startedAt: nowMs(), everyMs: 20, expected: 6, stallMs: 5000 },
    );
    expect(probe.applied).toBeGreaterThanOrEqual(6);
    expect(probe.latenciesMs[0]).toBeGreaterThanOrEqual(100);
    // Due at 20 ms, started only after the stall at 100 ms: a closed loop would say about 0.
    expect(probe.latenciesMs[1]).toBeGreaterThanOrEqual(80);
    expect(probe.latenciesMs[2]).toBeGreaterThanOrEqual(60);
  });

  it('fails when nothing more is applied for the stall time', async () => {
    await expect(
      probeUntilDrained(async () => ({ applied: 3 }), {
        startedAt: nowMs(),
        everyMs: 5,
        expected: 10,
        stallMs: 50,
      }),
    ).rejects.toThrow('stalled: 3 of 10 applied, nothing more for 50 ms');
  });
});
