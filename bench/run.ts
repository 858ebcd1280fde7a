/**
 * `npm run bench [-- --quick] [-- --only ingest,store] [-- --profile]`
 *
 * Runs every scenario module in bench/scenarios/ (each exports `scenario: Scenario`), prints the
 * table of median and min–max with the ratio against the baseline measured in the same run,
 * and writes bench/results/latest.json (the previous one becomes previous.json, and the table
 * shows the change against it). A full run without --only also writes bench/results/README-table.md
 * for the README's Performance section.
 *
 * Quick mode is CI's smoke test: small sizes, one warm-up and one run; it asserts only that every
 * scenario runs (the exit code is 1 when one fails), never a speed.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { failedRow, machine, markdownTable, textTable, toRow, type Results, type Row } from './lib/report';
import type { BenchContext, Scenario } from './lib/types';

/** The issue's order; a new module (e.g. the history queries) runs at its place, unknown ones last. */
const ORDER = [
  'ingest',
  'ingest-qos1',
  'store',
  'history-queries',
  'query-room-hour-30d',
  'query-company-day-1y',
  'query-device-minute-1d',
  'csv-month',
  'startup',
  'renderer',
  'memory-peak',
  'burst-responsiveness',
];

const ROOT = resolve(__dirname, '..');
// CI's smoke test points this elsewhere so a quick run never replaces the last full results.
const RESULTS = process.env.KILOWATCH_BENCH_RESULTS ?? join(__dirname, 'results');

const isScenario = (v: unknown): v is Scenario =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Scenario).name === 'string' &&
  typeof (v as Scenario).run === 'function';

async function loadScenarios(): Promise<Scenario[]> {
  const dir = join(__dirname, 'scenarios');
  const scenarios: Scenario[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const module = (await import(join(dir, file))) as Record<string, unknown>;
    // `export const scenario` by convention; any exported { name, run } is accepted.
    const found = [module.scenario, module.default, ...Object.values(module)].find(isScenario);
    if (!found) throw new Error(`bench/scenarios/${file} exports no scenario ({ name, run })`);
    scenarios.push(found);
  }
  const rank = (s: Scenario) => (ORDER.includes(s.name) ? ORDER.indexOf(s.name) : ORDER.length);
  return scenarios.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function readPrevious(isQuick: boolean): Row[] {
  const file = join(RESULTS, 'latest.json');
  if (!existsSync(file)) return [];
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Results;
    return previous.quick === isQuick ? previous.scenarios : [];
  } catch (e) {
    if (e instanceof SyntaxError) return [];
    throw e;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      repetitions: { type: 'string' },
    },
  });
  const isQuick = values.quick ?? false;
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : null;
  const startedAt = new Date();
  const t0 = Date.now();
  const all = await loadScenarios();
  const selected = all.filter(
    (s) => !only || only.includes(s.name) || (s.rows ?? []).some((r) => only.includes(r)),
  );
  if (only && selected.length === 0) {
    console.error(`bench: no scenario named ${only.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
    return 2;
  }
  mkdirSync(RESULTS, { recursive: true });
  const profileDir = values.profile ? join(RESULTS, 'profiles') : null;
  if (profileDir) {
    rmSync(profileDir, { recursive: true, force: true });
    mkdirSync(profileDir, { recursive: true });
  }
  const m = machine();
  console.log(
    `Kilowatch bench (${isQuick ? 'quick' : 'full'}): ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Node ${m.node}`,
  );

  if (m.loadAvg1 > 0.5)
    console.log(`bench: the load average is ${m.loadAvg1}: other work on this machine will skew the numbers`);
  const loads: Record<string, number> = {};
  const rows: Row[] = [];
  let failures = 0;
  let current: { defers: Array<() => unknown> } | null = null;
  const teardown = async (defers: Array<() => unknown>) => {
    for (const step of defers.reverse()) {
      try {
        await step();
      } catch (e) {
        console.error(`bench: teardown step failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    defers.length = 0;
  };
  process.once('SIGINT', () => {
    console.error('bench: interrupted; stopping brokers and child processes…');
    void teardown(current?.defers ?? []).then(() => process.exit(130));
  });

  for (const scenario of selected) {
    const defers: Array<() => unknown> = [];
    current = { defers };
    const tmp = mkdtempSync(join(tmpdir(), `kw-bench-${scenario.name}-`));
    defers.push(() => rmSync(tmp, { recursive: true, force: true }));
    const repetitions = values.repetitions ? Number(values.repetitions) : isQuick ? 1 : 5;
    const ctx: BenchContext = {
      isQuick,
      repetitions,
      warmups: 1,
      root: ROOT,
      tmp,
      profileDir: profileDir && join(profileDir, scenario.name),
      log: (message) => console.log(`  ${message}`),
      defer: (step) => void defers.push(step),
    };
    if (ctx.profileDir) mkdirSync(ctx.profileDir, { recursive: true });
    loads[scenario.name] = Math.round((loadavg()[0] ?? 0) * 100) / 100;
    console.log(`\n▶ ${scenario.name} (load average ${loads[scenario.name]})`);
    const began = Date.now();
    try {
      const produced = await scenario.run(ctx);
      for (const result of Array.isArray(produced) ? produced : [produced]) rows.push(toRow(result));
    } catch (e) {
      failures++;
      console.error(
        `bench: ${scenario.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      for (const name of scenario.rows ?? [scenario.name]) rows.push(failedRow(name, e));
    } finally {
      await teardown(defers);
    }
    console.log(`  (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  }

  const previous = readPrevious(isQuick);
  console.log(`\n${textTable(rows, previous)}\n`);
  for (const row of rows) {
    for (const note of row.notes ?? []) console.log(`  ${row.name}: ${note}`);
    if (row.error) console.log(`  ${row.name}: FAILED: ${row.error.split('\n')[0]}`);
  }
  const durationS = Math.round((Date.now() - t0) / 100) / 10;
  const headlessArgs = process.env.BENCH_HEADLESS_NODE_ARGS;
  const command =
    (headlessArgs ? `BENCH_HEADLESS_NODE_ARGS='${headlessArgs}' ` : '') +
    `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const results: Results = {
    machine: m,
    quick: isQuick,
    startedAt: startedAt.toISOString(),
    durationS,
    command,
    loadAvg1: loads,
    scenarios: rows,
  };
  const latest = join(RESULTS, 'latest.json');
  if (existsSync(latest)) renameSync(latest, join(RESULTS, 'previous.json'));
  writeFileSync(latest, `${JSON.stringify(results, null, 2)}\n`);
  if (!isQuick && !only) {
    const md = [
      `Measured ${startedAt.toISOString().slice(0, 10)} with \`${command}\` on ${m.cpus} × ${m.cpuModel}, ` +
        `${m.memGiB} GiB RAM, Node ${m.node} (${m.platform}); median of ${rows[0]?.samples.length ?? 0} runs ` +
        `after a warm-up, min–max in the next column; ratio = median of paired runs against the row's baseline; ` +
        `1-minute load average ${m.loadAvg1} at the start (${Object.entries(loads)
          .map(([name, load]) => `${name} ${load}`)
          .join(', ')}).`,
      '',
      markdownTable(rows),
      '',
      ...rows.flatMap((r) => (r.notes ?? []).map((n) => `- \`${r.name}\`: ${n}`)),
      '',
    ].join('\n');
    writeFileSync(join(RESULTS, 'README-table.md'), md);
  }
  console.log(
    `bench: ${rows.length} rows in ${durationS} s → ${latest}${failures ? `; ${failures} FAILED` : ''}`,
  );
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('bench: could not run', e);
    process.exit(1);
  },
);
