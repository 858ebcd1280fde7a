/**
 * Recomputes the rollups from the minute rows and reports where they differed. Each minute row
 * remembers the room it was counted in, so the rebuild attributes energy exactly as ingest did.
 * Only buckets that lie wholly after the retention cutoff (the minute before which rows were
 * pruned) can be recomputed; older ones are kept as they are.
 *
 * Also run once when a database from schema v1 (minutes without rollups) is opened, and when the
 * site's time zone changes (local buckets move).
 */
import type { RebuildProgress } from '../../../shared/contract';
import { countedNodes, type Placement } from '../site/placement';
import { ROLLUPS, type Calendar, type Rollup } from './calendar';
import { planRollups } from './rollup-plan';
import type { RollupPricing } from '../cost/priced-rollups';
import type { MinuteRow } from './rows';
import { isUnassignedPlace, placeKey, UNASSIGNED_PLACE, type KeyIndex } from './key-index';
import type { Store } from './store';

/** The minute before which rows have been pruned (a setting). */
export const PRUNED_BEFORE_SETTING = 'minutes-pruned-before';

/** Minute rows between progress reports: a few a second on a slow disk, not one per row. */
const PROGRESS_EVERY = 50_000;

export interface RebuildReport {
  minutes: number;
  buckets: number;
  differed: number;
  fromMinute: number | null;
}

interface Sum {
  energyUnits: number;
  returnedUnits: number;
}

export function rebuildRollups(
  store: Store,
  calendar: Calendar,
  nodeIds: KeyIndex,
  placeIds: KeyIndex,
  placementOfDevice: (deviceKey: string) => Placement,
  onProgress?: (progress: RebuildProgress) => void,
  pricing?: RollupPricing | null,
): RebuildReport {
  // Journaled increments first: left pending, they would land again on top of the rebuilt buckets.
  const applied = store.applyRollups();
  if (!applied.ok) throw new Error(applied.error.message);
  const db = store.database;
  const places = new Map(store.loadPlaces().map((p) => [p.id, p]));
  const oldest = (db.prepare('SELECT min(minute) AS m FROM energy_minute_all').get() as { m: number | null })
    .m;
  if (oldest === null) return { minutes: 0, buckets: 0, differed: 0, fromMinute: null };
  const total = onProgress
    ? (db.prepare('SELECT count(*) AS n FROM energy_minute_all').get() as { n: number }).n
    : 0;
  onProgress?.({ phase: 'reading', done: 0, total });
  const cutoff = store.setting(PRUNED_BEFORE_SETTING);
  const firstWhole = Object.fromEntries(
    ROLLUPS.map((r) => {
      if (cutoff === undefined) return [r, -Infinity];
      // A bucket that began before the cutoff lost minutes to retention: it cannot be recomputed whole.
      const start = calendar.starts(Number(cutoff))[r];
      return [r, start === Number(cutoff) ? start : Math.floor(calendar.next(start * 60_000, r) / 60_000)];
    }),
  ) as Record<Rollup, number>;

  const newNodes = new Map<number, string>();
  const newPlaces: Array<{ id: number; company: string; office: string; room: string }> = [];
  /** Devices whose minutes predate remembered rooms (schema v1) → the room they get now. */
  const backfill = new Map<string, number>();
  /** The node ids a channel's minute counts towards, per room it was counted in. */
  const nodesOf = new Map<string, number[]>();
  let minutes = 0;
  const rows = db
    .prepare(
      `SELECT m.minute, m.energy_units AS e, m.returned_units AS r, m.place_id AS placeId,
              m.booking_id AS bookingId, c.device_key AS deviceKey, c.component, c.is_phase AS isPhase
       FROM energy_minute_all m JOIN channel c ON c.id = m.channel_id`,
    )
    .iterate() as Iterable<{
    minute: number;
    e: number;
    r: number;
    placeId: number | null;
    bookingId: number | null;
    deviceKey: string;
    component: string;
    isPhase: number;
  }>;
  function placementOf(placeId: number | null, deviceKey: string): Placement {
    if (placeId === null) return placementOfDevice(deviceKey);
    const p = places.get(placeId);
    return p && !isUnassignedPlace(p)
      ? { place: { company: p.company, office: p.office, room: p.room, device: '' } }
      : { reason: 'no-placement' };
  }
  // A minute counted with metering roles in play went exactly where its booking says.
  const bookings = new Map(
    store.loadBookings().map((b) => {
      const targets = JSON.parse(b.key) as Array<[number, number]>;
      return [
        b.id,
        {
          nodeIds: targets.filter(([, shape]) => shape === 0).map(([id]) => id),
          shaped: targets.filter(([, shape]) => shape !== 0).map(([id, shape]) => id * 4 + shape),
        },
      ] as const;
    }),
  );
  // The minutes as the batch writer sees them, so the same planRollups derives the buckets.
  function* minuteRows(): Generator<MinuteRow> {
    for (const row of rows) {
      minutes++;
      if (onProgress && minutes % PROGRESS_EVERY === 0)
        onProgress({ phase: 'reading', done: minutes, total });
      const booked = row.bookingId === null ? undefined : bookings.get(row.bookingId);
      const minute = {
        channelId: 0,
        minute: row.minute,
        energyUnits: row.e,
        returnedUnits: row.r,
        gapFromS: null,
      };
      if (booked) {
        yield { ...minute, nodeIds: booked.nodeIds, shaped: booked.shaped };
        continue;
      }
      const key = `${row.placeId ?? '-'}|${row.deviceKey}|${row.component}`;
      let ids = nodesOf.get(key);
      if (!ids) {
        const placement = placementOf(row.placeId, row.deviceKey);
        ids = countedNodes(row.deviceKey, row.component, row.isPhase === 1, placement).map((node) =>
          nodeIds.id(node, (newId) => newNodes.set(newId, node)),
        );
        nodesOf.set(key, ids);
        if (row.placeId === null && !backfill.has(row.deviceKey)) {
          // Unassigned ones too: left placeless they would follow the device to its next room.
          const p = 'place' in placement ? placement.place : UNASSIGNED_PLACE;
          backfill.set(
            row.deviceKey,
            placeIds.id(placeKey(p.company, p.office, p.room), (id) =>
              newPlaces.push({ id, company: p.company, office: p.office, room: p.room }),
            ),
          );
        }
      }
      yield { ...minute, nodeIds: ids };
    }
  }
  const sums = new Map<string, Sum>();
  // Priced again with today's tariff: twins of other prices within the range are rewritten.
  const twinOf = pricing?.twinFinder((id, key) => newNodes.set(id, key));
  for (const r of planRollups(minuteRows(), calendar, twinOf)) {
    if (r.startMin < firstWhole[r.rollup]) continue; // began before the retention cutoff
    sums.set(`${r.rollup}|${r.nodeId}|${r.startMin}`, {
      energyUnits: r.energyUnits,
      returnedUnits: r.returnedUnits,
    });
  }

  onProgress?.({ phase: 'writing', done: minutes, total });
  let differed = 0;
  db.transaction(() => {
    const insertPlace = db.prepare(
      'INSERT OR IGNORE INTO place (id, company, office, room) VALUES (@id, @company, @office, @room)',
    );
    for (const p of newPlaces) insertPlace.run(p);
    const insertNode = db.prepare('INSERT OR IGNORE INTO node (id, node) VALUES (?, ?)');
    for (const [id, node] of newNodes) insertNode.run(id, node);
    // Minutes counted before rooms were remembered (schema v1) take the device's placement now
    // (Unassigned included), as the rollups just rebuilt do.
    const setPlaces = ['energy_minute', 'energy_minute_recent'].map((table) =>
      db.prepare(
        `UPDATE ${table} SET place_id = ? WHERE place_id IS NULL AND channel_id IN (SELECT id FROM channel WHERE device_key = ?)`,
      ),
    );
    for (const [deviceKey, placeId] of backfill)
      for (const setPlace of setPlaces) setPlace.run(placeId, deviceKey);
    for (const rollup of ROLLUPS) {
      const stored = new Map(
        (
          db
            .prepare(
              `SELECT node_id AS n, start_min AS s, energy_units AS e, returned_units AS r FROM energy_${rollup} WHERE start_min >= ?`,
            )

            .all(Number.isFinite(firstWhole[rollup]) ? firstWhole[rollup] : -1e15) as Array<{
            n: number;
            s: number;
            e: number;
            r: number;
          }>
        ).map((row) => [`${rollup}|${row.n}|${row.s}`, row]),
      );
      for (const [key, s] of sums) {
        if (!key.startsWith(`${rollup}|`)) continue;
        const old = stored.get(key);
        if (!old || old.e !== s.energyUnits || old.r !== s.returnedUnits) differed++;
        stored.delete(key);
      }
      differed += [...stored.values()].filter((row) => row.e !== 0 || row.r !== 0).length;
      db.prepare(`DELETE FROM energy_${rollup} WHERE start_min >= ?`).run(
        Number.isFinite(firstWhole[rollup]) ? firstWhole[rollup] : -1e15,
      );
      const insert = db.prepare(
        `INSERT INTO energy_${rollup} (node_id, start_min, energy_units, returned_units) VALUES (?, ?, ?, ?)`,
      );
      for (const [key, s] of sums) {
        if (!key.startsWith(`${rollup}|`)) continue;
        const [, nodeId, start] = key.split('|');
        insert.run(Number(nodeId), Number(start), s.energyUnits, s.returnedUnits);
      }
    }
  })();
  return { minutes, buckets: sums.size, differed, fromMinute: oldest };
}
