/**
 * Ground truth and read-back for the fault drills. The drill knows every counter value the broker
 * acknowledged, so the energy each node must show is exact: per channel the last acknowledged
 * counter minus the first (the baseline, rule 3), summed up channel → device → room → office →
 * company (rule 13). The console's figures are read three ways: the HTTP API, the retained
 * aggregates it publishes, and the SQLite file.
 */
import Database from 'better-sqlite3';
import { apiTotals, command, until, type AggregateWatch } from '../../support/console-run';
import type { Headless } from '../../support/headless';
import { publishedMessages, UNITS_PER_MWH, type SimDevice } from './fleet';

/** Expected energy per contract node id, in mWh (integers: sums never drift). */
export function expectedMWh(devices: SimDevice[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (node: string, mWh: number) => out.set(node, (out.get(node) ?? 0) + mWh);
  for (const d of devices) {
    for (const c of d.channels) {
      if (c.firstSentMWh === null || c.lastSentMWh === null) throw new Error(`${c.node} never reported`);
      const mWh = c.lastSentMWh - c.firstSentMWh;
      add(c.node, mWh);
      add(`device:${d.prefix}`, mWh);
      add(`room:${d.room}`, mWh);
      add(`office:${d.room.split('/').slice(0, 2).join('/')}`, mWh);
      add(`company:${d.room.split('/')[0]}`, mWh);
    }
  }
  return out;
}

/** The retained aggregate topic of a node (only devices and the place above them are published). */
export function aggregateTopic(node: string, outPrefix = 'kilowatch'): string | null {
  const m = /^(device|room|office|company):(.+)$/.exec(node);
  return m ? `${outPrefix}/${m[2]}/energy` : null;
}

/** Nodes whose value differs from the expected one by 1e-6 Wh or more: `node: got X Wh, want Y Wh`. */
export function mismatchesWh(
  expected: Map<string, number>,
  actualWh: (node: string) => number | undefined,
): string[] {
  const out: string[] = [];
  for (const [node, mWh] of expected) {
    const got = actualWh(node);
    const want = mWh / 1000;
    if (got === undefined || !(Math.abs(got - want) < 1e-6))
      out.push(`${node}: got ${got} Wh, want ${want} Wh`);
  }
  return out;
}

export async function apiMismatches(headless: Headless, expected: Map<string, number>): Promise<string[]> {
  const totals = await apiTotals(headless);
  return mismatchesWh(expected, (node) => totals.get(node)?.energyWh);
}

export function aggregateMismatches(watch: AggregateWatch, expected: Map<string, number>): string[] {
  const published = new Map([...expected].filter(([node]) => aggregateTopic(node) !== null));
  return mismatchesWh(published, (node) => watch.latest.get(aggregateTopic(node) as string)?.energyWh);
}

export interface StoredFigures {
  /** node_total.energy_units per node. */
  totals: Map<string, number>;
  /** Σ energy_minute_all.energy_units per channel node (both minute tables). */
  minutes: Map<string, number>;
  /** counter_state.value_units of each channel's import counter. */
  counters: Map<string, number>;
  /** Ledger rows per channel node and kind (`out-of-order`, `dip-ignored`, …). */
  ledger: Map<string, Map<string, number>>;
  returnedUnits: number;
}

/** Reads the console's SQLite file (WAL: a reader never blocks the running console). */
export function storedFigures(dbPath: string): StoredFigures {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const channelNode = "'channel:' || c.device_key || '|' || c.component";
    const rows = <T>(sql: string) => db.prepare(sql).all() as T[];
    const totals = rows<{ node: string; units: number }>(
      'SELECT node, energy_units AS units FROM node_total',
    );
    const minutes = rows<{ node: string; units: number }>(
      `SELECT ${channelNode} AS node, sum(m.energy_units) AS units FROM energy_minute_all m JOIN channel c ON c.id = m.channel_id GROUP BY m.channel_id`,
    );
    const counters = rows<{ node: string; units: number }>(
      `SELECT ${channelNode} AS node, s.value_units AS units FROM counter_state s JOIN channel c ON c.id = s.channel_id WHERE s.direction = 'import'`,
    );
    const ledger = rows<{ node: string; kind: string; n: number }>(
      `SELECT ${channelNode} AS node, l.kind AS kind, count(*) AS n FROM ledger l JOIN channel c ON c.id = l.channel_id GROUP BY l.channel_id, l.kind`,
    );
    const returned = db.prepare('SELECT coalesce(sum(returned_units), 0) AS n FROM node_total').get() as {
      n: number;
    };
    const byNode = new Map<string, Map<string, number>>();
    for (const r of ledger) byNode.set(r.node, (byNode.get(r.node) ?? new Map()).set(r.kind, r.n));
    return {
      totals: new Map(totals.map((r) => [r.node, r.units])),
      minutes: new Map(minutes.map((r) => [r.node, r.units])),
      counters: new Map(counters.map((r) => [r.node, r.units])),
      ledger: byNode,
      returnedUnits: returned.n,
    };
  } finally {
    db.close();
  }
}

/** Where the SQLite file disagrees with the ground truth, in exact integer units. */
export function storedMismatches(dbPath: string, devices: SimDevice[]): string[] {
  const stored = storedFigures(dbPath);
  const out: string[] = [];
  const check = (what: string, got: number | undefined, wantMWh: number) => {
    if (got !== wantMWh * UNITS_PER_MWH)
      out.push(`${what}: got ${got} units, want ${wantMWh * UNITS_PER_MWH}`);
  };
  for (const [node, mWh] of expectedMWh(devices)) check(`node_total ${node}`, stored.totals.get(node), mWh);
  for (const d of devices) {
    for (const c of d.channels) {
      check(
        `Σ energy_minute_all ${c.node}`,
        stored.minutes.get(c.node) ?? 0,
        (c.lastSentMWh ?? 0) - (c.firstSentMWh ?? 0),
      );
      check(`counter_state ${c.node}`, stored.counters.get(c.node), c.lastSentMWh ?? -1);
    }
  }
  if (stored.returnedUnits !== 0) out.push(`returned energy: got ${stored.returnedUnits} units, want 0`);
  return out;
}

/**
 * Waits until the API, the retained aggregates and the SQLite file all show the expected totals
 * (each is written on its own schedule), and returns what still differs when the time is up.
 */
export async function settleExact(
  headless: Headless,
  watch: AggregateWatch,
  dbPath: string,
  devices: SimDevice[],
  timeoutMs: number,
): Promise<{ api: string[]; aggregates: string[]; stored: string[] }> {
  const expected = expectedMWh(devices);
  const read = async () => ({
    api: await apiMismatches(headless, expected),
    aggregates: aggregateMismatches(watch, expected),
    stored: storedMismatches(dbPath, devices),
  });
  const isExact = (r: { api: string[]; aggregates: string[]; stored: string[] }) =>
    r.api.length + r.aggregates.length + r.stored.length === 0;
  const last = await until(read, isExact, timeoutMs);
  return last ?? (await read());
}

/**
 * What the console received against what the devices had acknowledged by the broker, and what it
 * rejected. Redeliveries may add to `received`; nothing the broker accepted may be missing, and a
 * drill on the normal path rejects nothing (no device taken for a flood).
 */
export async function messagesRead(
  headless: Headless,
  devices: SimDevice[],
): Promise<{ received: number; published: number; rejected: Record<string, number> }> {
  const stats = await command<{ received: number; rejected: Record<string, number> }>(headless, 'stats.get');
  return { received: stats.received, published: publishedMessages(devices), rejected: stats.rejected };
}

/** Polls the SQLite file until every channel's baseline is committed. */
export async function baselinesStored(
  dbPath: string,
  devices: SimDevice[],
  timeoutMs: number,
): Promise<void> {
  const nodes = devices.flatMap((d) => d.channels.map((c) => c.node));
  const stored = await until(
    async () => storedFigures(dbPath).counters,
    (counters) => nodes.every((n) => counters.has(n)),
    timeoutMs,
  );
  const missing = nodes.filter((n) => !stored?.has(n));
  if (missing.length > 0)
    throw new Error(`baselines not committed within ${timeoutMs} ms: ${missing.join(', ')}`);
}
