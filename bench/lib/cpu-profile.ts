/**
 * Reads a `node --cpu-prof` profile and says where the time went, so a missed target names its
 * slowest stage from measurement rather than a guess: self time grouped by pipeline stage
 * (the core's folders, mqtt.js, SQLite, Node internals, GC), the heaviest functions, and the
 * inclusive time of the pipeline's entry points.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  busyMs: number;
  stages: Array<{ stage: string; selfMs: number; share: number }>;
  functions: Array<{ fn: string; selfMs: number; share: number }>;
  entryPoints: Array<{ fn: string; inclusiveMs: number; share: number }>;
  /** The functions with the most time in their subtree (program roots left out). */
  inclusive: Array<{ fn: string; inclusiveMs: number; share: number }>;
  lines: string[];
}

/**
 * The pipeline's entry points (ARCHITECTURE.md §1: decode → energy → store → totals), by V8's
 * function name (a class method is profiled under its bare name) and a fragment of its file.
 */
const ENTRY_POINTS: Array<{ label: string; fn: string; file: string }> = [
  { label: 'mqtt.js read+parse', fn: 'parse', file: 'mqtt-packet/parser.js' },
  { label: 'mqtt.js handlePublish', fn: 'handlePublish', file: 'mqtt/build/lib/handlers/publish.js' },
  { label: 'Ingest.handle', fn: 'handle', file: 'src/main/core/ingest.ts' },
  { label: 'decodeShelly', fn: 'decodeShelly', file: 'src/main/core/shelly/decode.ts' },
  { label: 'payloadText (UTF-8)', fn: 'payloadText', file: 'src/main/core/shelly/payload.ts' },
  { label: 'depthExceeds', fn: 'depthExceeds', file: 'src/main/core/shelly/payload.ts' },
  { label: 'parseJsonObject', fn: 'parseJsonObject', file: 'src/main/core/shelly/payload.ts' },
  { label: 'componentFacts', fn: 'componentFacts', file: 'src/main/core/shelly/components.ts' },
  { label: 'Ingest.resolveDevice', fn: 'resolveDevice', file: 'src/main/core/ingest.ts' },
  { label: 'Ingest.counter', fn: 'counter', file: 'src/main/core/ingest.ts' },
  { label: 'applyReading', fn: 'applyReading', file: 'src/main/core/energy/counter-rules.ts' },
  { label: 'Ingest.book', fn: 'book', file: 'src/main/core/ingest.ts' },
  { label: 'BatchWriter.flush', fn: 'flush', file: 'src/main/core/store/batch-writer.ts' },
  { label: 'Store.commit', fn: 'commit', file: 'src/main/core/store/store.ts' },
  { label: 'pushLive', fn: 'pushLive', file: 'src/main/core/console.ts' },
  { label: 'publishAggregates', fn: 'publishAggregates', file: 'src/main/core/console.ts' },
  { label: 'snapshot', fn: 'snapshot', file: 'src/main/core/aggregate/snapshot.ts' },
];

function stageOf(url: string, fn: string, root: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8/native (program)';
  const path = url.replace(/^file:\/\//, '');
  const core = /\/src\/main\/core\/(?:([a-z-]+)\/)?([a-z-]+)\.ts/.exec(path);
  if (core && path.startsWith(root)) return `core ${core[1] ?? core[2]}`;
  if (path.startsWith(root) && path.includes('/bench/')) return 'bench harness';
  if (path.startsWith(`${root}/out/main/`)) return 'built core (out/main)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) {
    const name = pkg[1] as string;
    if (name === 'mqtt' || name === 'mqtt-packet' || name === 'bl' || name === 'readable-stream')
      return 'mqtt.js';
    if (name === 'better-sqlite3' || name === 'bindings') return 'better-sqlite3';
    if (name === 'tsx' || name === 'esbuild' || name === 'get-tsconfig') return 'tsx loader';
    return `npm ${name}`;
  }
  if (path.startsWith('node:')) return 'Node internals';
  if (url === '') return `builtin ${fn || '(anonymous)'}`;
  return 'other';
}

const label = (n: ProfileNode, root: string): string => {
  const file = n.callFrame.url.replace(/^file:\/\//, '').replace(`${root}/`, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
};

/**
 * The newest main-thread profile: Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>, and
 * thread 0 is the main thread (tsx's loader runs in a worker thread with a profile of its own).
 */
export function newestProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files[0]) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

export async function summariseProfile(dir: string, root: string, top = 12): Promise<ProfileSummary> {
  const file = newestProfile(dir);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let sampledUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    sampledUs += dt;
  }
  const idleUs = [...selfUs].reduce(
    (sum, [id, us]) => sum + (byId.get(id)?.callFrame.functionName === '(idle)' ? us : 0),
    0,
  );
  const busyUs = sampledUs - idleUs;

  const stages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const stage = stageOf(node.callFrame.url, node.callFrame.functionName, root);
    stages.set(stage, (stages.get(stage) ?? 0) + us);
    const fn = label(node, root);
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }

  // Inclusive time of each entry point: its subtree's samples, counted once even when it recurses.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const entry = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    const seenFn = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node && node.callFrame.url !== '' && node.callFrame.functionName !== '(idle)') {
        const fn = label(node, root);
        if (!seenFn.has(fn)) {
          seenFn.add(fn);
          inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
        }
      }
      const frame = node?.callFrame;
      const point =
        frame && ENTRY_POINTS.find((e) => e.fn === frame.functionName && frame.url.includes(e.file));
      if (point && !seen.has(point.label)) {
        seen.add(point.label);
        entry.set(point.label, (entry.get(point.label) ?? 0) + us);
      }
    }
  }

  const ms = (us: number) => us / 1000;
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const summary: ProfileSummary = {
    file,
    sampledMs: ms(sampledUs),
    busyMs: ms(busyUs),
    stages: sorted(stages).map(([stage, us]) => ({ stage, selfMs: ms(us), share: share(us) })),
    functions: sorted(functions)
      .slice(0, top)
      .map(([fn, us]) => ({ fn, selfMs: ms(us), share: share(us) })),
    entryPoints: ENTRY_POINTS.filter((e) => entry.has(e.label)).map((e) => ({
      fn: e.label,
      inclusiveMs: ms(entry.get(e.label) as number),
      share: share(entry.get(e.label) as number),
    })),
    inclusive: sorted(inclusive)
      .filter(([fn]) => !fn.startsWith('(anonymous) ') && !fn.startsWith('processTicksAndRejections'))
      .slice(0, top)
      .map(([fn, us]) => ({ fn, inclusiveMs: ms(us), share: share(us) })),
    lines: [],
  };
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  summary.lines.push(
    `profile ${file}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.sampledMs.toFixed(0)} ms sampled`,
    `  self time by stage: ${summary.stages
      .slice(0, 10)
      .map((s) => `${s.stage} ${pct(s.share)}`)
      .join(', ')}`,
    `  pipeline stages (inclusive): ${summary.entryPoints.map((e) => `${e.fn} ${pct(e.share)}`).join(', ')}`,
    `  heaviest subtrees: ${summary.inclusive
      .slice(0, 8)
      .map((f) => `${f.fn} ${pct(f.share)}`)
      .join('; ')}`,
    `  heaviest functions (self): ${summary.functions
      .slice(0, 8)
      .map((f) => `${f.fn} ${pct(f.share)}`)
      .join('; ')}`,
  );
  return summary;
}
