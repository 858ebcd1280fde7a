/**
 * The shape every scenario module in bench/scenarios/ shares. A scenario measures, the harness
 * (bench/run.ts) summarises: a module returns raw samples and the harness computes median, min,
 * max and the paired ratio, prints the table and writes bench/results/latest.json.
 */

/** What a target is compared against: the paired ratio to the baseline, or the value itself. */
export type Target =
  { of: 'ratio'; atLeast: number } | { of: 'value'; atLeast: number } | { of: 'value'; below: number };

export interface ScenarioResult {
  /** The row's name in the table and in latest.json (e.g. `ingest`, `renderer-scroll-fps`). */
  name: string;
  /** What was measured, in words (`core msgs/s`). */
  metric: string;
  unit: string;
  /** One value per measured repetition (warm-ups excluded). */
  samples: number[];
  /** The raw baseline, measured side by side in the same run, one sample per repetition. */
  baseline?: { metric: string; samples: number[] };
  target: Target;
  /**
   * Extra conditions beyond the target (memory: "flat"); the row is met only when all hold.
   * Each is a sentence saying what held or did not.
   */
  conditions?: Array<{ label: string; isMet: boolean }>;
  /** Lines printed under the table and kept in the JSON: sizes used, verification, caveats. */
  notes?: string[];
  /** Anything worth keeping for comparison (per-minute RSS, stage timings…). */
  details?: Record<string, unknown>;
}

export interface BenchContext {
  isQuick: boolean;
  /** Measured repetitions per scenario (full: 5, quick: 1). */
  repetitions: number;
  /** Unmeasured runs before them. */
  warmups: number;
  /** The repository root (bench/..). */
  root: string;
  /** A fresh temporary folder for this scenario, removed afterwards. */
  tmp: string;
  /** Set by `--profile`: scenarios that support it write `node --cpu-prof` profiles here. */
  profileDir: string | null;
  log(message: string): void;
  /** Registers a teardown step; they run in reverse order after the scenario, even when it fails. */
  defer(step: () => unknown): void;
}

export interface Scenario {
  name: string;
  /** The row names this module reports, when it reports more than its own name. */
  rows?: string[];
  run(ctx: BenchContext): Promise<ScenarioResult | ScenarioResult[]>;
}
