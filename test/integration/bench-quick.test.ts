/**
 * CI runs the benchmarks' quick mode: every scenario must run (nothing is asserted about speed;
 * the machine is shared and noisy). Results go to a temp folder, not over the last full run.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';

const SCENARIOS = [
  'ingest',
  'ingest-qos1',
  'store',
  'query-room-hour-30d',
  'query-company-day-1y',
  'query-device-minute-1d',
  'csv-month',
  'startup',
  'renderer-first-tree',
  'renderer-longest-task',
  'renderer-scroll-fps',
  'memory-peak',
  'burst-command-p99',
  'burst-command-max',
  'burst-live-gap',
  'burst-ipc-command-p99',
  'burst-ipc-command-max',
  'burst-ipc-live-gap',
];

describe('npm run bench -- --quick', () => {
  it('runs every scenario and writes the results JSON', () => {
    const dir = tempDir('kw-bench-');
    const root = resolve(__dirname, '../..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/run.ts'), '--quick'], {
      cwd: root,
      env: { ...process.env, KILOWATCH_BENCH_RESULTS: dir.path },
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const latest = JSON.parse(readFileSync(join(dir.path, 'latest.json'), 'utf8')) as {
      quick: boolean;
      machine: { cpus: number; memGiB: number; node: string };
      scenarios: Array<{ name: string; median: number; unit: string; target: unknown; met: boolean }>;
    };
    expect(latest.quick).toBe(true);
    expect(latest.machine.cpus).toBeGreaterThan(0);
    expect(latest.scenarios.map((s) => s.name).sort()).toEqual([...SCENARIOS].sort());
    for (const s of latest.scenarios) expect(Number.isFinite(s.median), s.name).toBe(true);
    dir.remove();
  }, 300_000);
});
