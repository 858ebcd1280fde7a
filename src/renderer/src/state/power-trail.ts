/**
 * The last hour of live power, kept client-side from `totals.live` pushes: for every company and
 * office from the start, and for each node from the moment it is first selected. The core keeps
 * no power history, so a trail's past is filled from its stored minutes (average power per minute)
 * when it is first followed. One sample per few seconds is plenty for an hour-wide line.
 */
import { create } from 'zustand';
import type { NodeTotals } from '../../../shared/contract';

export const TRAIL_WINDOW_MS = 60 * 60_000;
const SAMPLE_EVERY_MS = 3000;
/** Nodes followed because someone selected them, besides companies and offices. */
const MAX_FOLLOWED = 24;

export interface PowerSample {
  atMs: number;
  powerW: number;
}

interface PowerTrailStore {
  /** Samples per followed node, oldest first; arrays are appended in place. */
  trails: Record<string, PowerSample[]>;
  /** Bumped when any trail changes. */
  version: number;
  follow: (id: string, current: NodeTotals | undefined, atMs: number) => void;
  followAlways: (ids: string[]) => void;
  sample: (byId: Record<string, NodeTotals>, atMs: number) => void;
  /** Fills a followed trail's past from stored minutes, before its first live sample. */
  seed: (id: string, samples: PowerSample[]) => void;
}

const always = new Set<string>();
const recent: string[] = [];

function add(trail: PowerSample[], atMs: number, powerW: number): void {
  const last = trail[trail.length - 1];
  if (last && atMs - last.atMs < SAMPLE_EVERY_MS) {
    // Within one sample period the newest value wins, so the line ends at the current power.
    last.powerW = powerW;
  } else trail.push({ atMs, powerW });
  let drop = 0;
  while (drop < trail.length && (trail[drop] as PowerSample).atMs < atMs - TRAIL_WINDOW_MS) drop++;
  if (drop > 0) trail.splice(0, drop);
}

export const usePowerTrail = create<PowerTrailStore>()((set, get) => ({
  trails: {},
  version: 0,
  follow: (id, current, atMs) => {
    const at = recent.indexOf(id);
    if (at >= 0) recent.splice(at, 1);
    recent.push(id);
    const trails = get().trails;
    while (recent.length > MAX_FOLLOWED) {
      const old = recent.shift() as string;
      if (!always.has(old)) delete trails[old];
    }
    if (!trails[id]) {
      trails[id] = [];
      if (current) add(trails[id], atMs, current.powerW);
    }
    set((s) => ({ version: s.version + 1 }));
  },
  followAlways: (ids) => {
    const trails = get().trails;
    for (const id of ids) {
      always.add(id);
      trails[id] ??= [];
    }
  },
  sample: (byId, atMs) => {
    const trails = get().trails;
    for (const id in trails) {
      const totals = byId[id];
      if (totals) add(trails[id] as PowerSample[], atMs, totals.powerW);
    }
    set((s) => ({ version: s.version + 1 }));
  },
  seed: (id, samples) => {
    const trail = get().trails[id];
    if (!trail) return;
    const firstLiveMs = trail[0]?.atMs ?? Number.POSITIVE_INFINITY;
    const past = samples.filter((sample) => sample.atMs < firstLiveMs - SAMPLE_EVERY_MS);
    if (past.length === 0) return;
    trail.unshift(...past);
    set((s) => ({ version: s.version + 1 }));
  },
}));

/**
 * Average power per stored minute (Wh in a minute × 60 = W), each drawn at the minute's end. A
 * minute the core has no row for, between two that it has, drew nothing (only rises are stored).
 */
export function minuteSamples(
  points: Array<{ start: string; end: string; energyWh: number }>,
): PowerSample[] {
  const out: PowerSample[] = [];
  let lastEndMs: number | null = null;
  for (const point of points) {
    const startMs = Date.parse(point.start);
    const endMs = Date.parse(point.end);
    if (lastEndMs !== null && startMs > lastEndMs) out.push({ atMs: startMs, powerW: 0 });
    out.push({ atMs: endMs, powerW: Math.round(point.energyWh * 60 * 10) / 10 });
    lastEndMs = endMs;
  }
  return out;
}
