/**
 * A synthetic history database in Kilowatch's own schema: `channels` Plus 2PM channels (two per
 * device, ten devices per room, ten rooms per office) with minute rows for the last `minuteDays`
 * (the newest in energy_minute_recent, as on a live file) and hour/day/week/month rollups for
 * every node over `days`. Energy per channel is constant
 * within an hour (a day curve), so every rollup is exactly the sum of what it covers.
 * Buckets are UTC and the database says so, so opening it never triggers a rollup rebuild.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RECENT_MINUTE_ROWS, Store } from '../../src/main/core/store/store';

export interface HistoryDb {
  path: string;
  channels: number;
  days: number;
  minuteDays: number;
  endMs: number;
  sizeBytes: number;
  buildMs: number;
  rooms: string[];
  devices: string[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Share of a channel's base load by hour of day: quiet nights, busy days. */
const CURVE = [3, 3, 3, 3, 3, 4, 6, 9, 12, 12, 11, 11, 12, 12, 11, 11, 11, 12, 12, 10, 8, 6, 5, 4];

export function buildHistoryDb(
  path: string,
  opts: { channels: number; days: number; minuteDays: number; endMs: number },
): HistoryDb {
  const started = Date.now();
  const opened = Store.open(path);
  if (!opened.ok) throw new Error(opened.error.message);
  opened.value.close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const devicesCount = Math.ceil(opts.channels / 2);
  const endMs = Math.floor(opts.endMs / DAY_MS) * DAY_MS;
  const startMs = endMs - opts.days * DAY_MS;
  const minuteStartMs = endMs - opts.minuteDays * DAY_MS;
  const devices: string[] = [];
  const rooms = new Set<string>();
  const nodeIds = new Map<string, number>();
  const nodeId = (node: string) => {
    let id = nodeIds.get(node);
    if (id === undefined) nodeIds.set(node, (id = nodeIds.size + 1));
    return id;
  };
  interface Ch {
    id: number;
    device: string;
    baseUnitsPerMinute: number;
    nodes: number[];
  }
  const channels: Ch[] = [];
  db.transaction(() => {
    db.prepare("INSERT INTO setting (key, value) VALUES ('rollup-zone', 'UTC')").run();
    db.prepare("INSERT INTO setting (key, value) VALUES ('client-id', 'kilowatch-bench')").run();
    const insertDevice = db.prepare(
      'INSERT INTO device (key, shelly_id, generation, model, first_seen_ms, last_seen_ms) VALUES (?, ?, 2, ?, ?, ?)',
    );
    const insertChannel = db.prepare(
      'INSERT INTO channel (id, device_key, component, is_gross, is_phase) VALUES (?, ?, ?, 1, 0)',
    );
    for (let d = 0; d < devicesCount; d++) {
      const room = Math.floor(d / 10);
      const office = Math.floor(room / 10);
      const key = `Bench/Office${office}/Room${room}/Dev${d}`;
      devices.push(key);
      rooms.add(`room:Bench/Office${office}/Room${room}`);
      insertDevice.run(
        key,
        `shellyplus2pm-${(0xb00000000000 + d).toString(16)}`,
        'SNSW-102P16EU',
        startMs,
        endMs,
      );
      for (let c = 0; c < 2 && channels.length < opts.channels; c++) {
        const id = channels.length + 1;
        insertChannel.run(id, key, `switch:${c}`);
        const nodes = [
          `channel:${key}|switch:${c}`,
          `device:${key}`,
          `room:Bench/Office${office}/Room${room}`,
          `office:Bench/Office${office}`,
          'company:Bench',
        ].map(nodeId);
        // 50 W to 1 kW base load in units (milliwatt-minutes) per minute at the curve's peak of 12.
        channels.push({
          id,
          device: key,
          baseUnitsPerMinute: (50 + ((d * 37 + c * 101) % 950)) * 1000,
          nodes,
        });
      }
    }
    const insertNode = db.prepare('INSERT INTO node (id, node) VALUES (?, ?)');
    for (const [node, id] of nodeIds) insertNode.run(id, node);
  })();

  const unitsPerMinute = (ch: Ch, hourOfDay: number) =>
    Math.round((ch.baseUnitsPerMinute * (CURVE[hourOfDay] as number)) / 12);
  // Minutes, in primary-key order (channel, minute) for fast inserts. The newest are in
  // energy_minute_recent, as many as a live file can hold there (just under RECENT_MINUTE_ROWS):
  // the worst case for a minute query, which reads that table by time.
  const recentFromMs = endMs - Math.floor((RECENT_MINUTE_ROWS - 1) / channels.length) * 60_000;
  const insertMinute = (table: string) =>
    db.prepare(
      `INSERT INTO ${table} (channel_id, minute, energy_units, returned_units, place_id) VALUES (?, ?, ?, 0, NULL)`,
    );
  const insertFolded = insertMinute('energy_minute');
  const insertRecent = insertMinute('energy_minute_recent');
  for (const ch of channels) {
    db.transaction(() => {
      for (let t = minuteStartMs; t < endMs; t += 60_000) {
        const insert = t < recentFromMs ? insertFolded : insertRecent;
        insert.run(ch.id, t / 60_000, unitsPerMinute(ch, new Date(t).getUTCHours()));
      }
    })();
  }
  // Rollups: hours from the curve, then days, ISO weeks (Monday) and months from the hours.
  const sums = {
    hour: new Map<string, number>(),
    day: new Map<string, number>(),
    week: new Map<string, number>(),
    month: new Map<string, number>(),
  };
  const add = (map: Map<string, number>, node: number, startMin: number, units: number) => {
    const key = `${node}|${startMin}`;
    map.set(key, (map.get(key) ?? 0) + units);
  };
  for (let t = startMs; t < endMs; t += HOUR_MS) {
    const date = new Date(t);
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    const week = day - ((date.getUTCDay() + 6) % 7) * DAY_MS;
    const month = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    for (const ch of channels) {
      const units = unitsPerMinute(ch, date.getUTCHours()) * 60;
      for (const node of ch.nodes) {
        add(sums.hour, node, t / 60_000, units);
        add(sums.day, node, day / 60_000, units);
        add(sums.week, node, week / 60_000, units);
        add(sums.month, node, month / 60_000, units);
      }
    }
    // Flush hours as they complete to keep memory bounded.
    if (sums.hour.size > 2_000_000) flushRollup(db, 'hour', sums.hour);
  }
  for (const rollup of ['hour', 'day', 'week', 'month'] as const) flushRollup(db, rollup, sums[rollup]);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return {
    path,
    channels: channels.length,
    days: opts.days,
    minuteDays: opts.minuteDays,
    endMs,
    sizeBytes: statSync(path).size,
    buildMs: Date.now() - started,
    rooms: [...rooms],
    devices,
  };
}

function flushRollup(db: Database.Database, rollup: string, map: Map<string, number>): void {
  const insert = db.prepare(
    `INSERT INTO energy_${rollup} (node_id, start_min, energy_units, returned_units) VALUES (?, ?, ?, 0)
     ON CONFLICT (node_id, start_min) DO UPDATE SET energy_units = energy_units + excluded.energy_units`,
  );
  db.transaction(() => {
    for (const [key, units] of map) {
      const [node, start] = key.split('|');
      insert.run(Number(node), Number(start), units);
    }
  })();
  map.clear();
}
