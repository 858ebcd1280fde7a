/**
 * Minute rows in two tables (schema v10): commits append to energy_minute_recent, keyed by time,
 * and fold them into energy_minute once RECENT_MINUTE_ROWS have gathered. Where a row sits must
 * never change an answer: every history read gives the same figures with the rows all recent,
 * all folded, or split (a minute in both tables, as when energy for a folded minute arrives late),
 * and those figures are the energy committed, worked out here from the batches themselves.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/main/core/store/batch';
import { HistoryReader, type MinuteSum } from '../../src/main/core/store/history-reader';
import { AT_ONCE } from '../../src/main/core/store/read-pace';
import { RECENT_MINUTE_ROWS, Store } from '../../src/main/core/store/store';
import { switchNotify, testCore } from '../support/core';
import { deviceRow } from '../support/store-rows';
import { tempDir } from '../support/temp-dir';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const M0 = 29_000_000;
const KITCHEN = { id: 1, company: 'Aurora', office: 'Porto', room: 'Kitchen' };
const LOBBY = { id: 2, company: 'Aurora', office: 'Porto', room: 'Lobby' };
const BOOKING = 7;

function ok<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A store with one device of three channels, two rooms and a booking, and what it committed. */
function openStore() {
  const dir = tempDir();
  const store = ok(Store.open(`${dir.path}/kw.db`));
  cleanups.push(() => dir.remove());
  cleanups.push(() => store.close());
  const setup = new Batch();
  setup.devices.set('dev', deviceRow('dev'));
  for (const id of [1, 2, 3])
    setup.channels.set(id, {
      id,
      deviceKey: 'dev',
      component: `switch:${id}`,
      isGross: false,
      isPhase: false,
    });
  for (const p of [KITCHEN, LOBBY]) setup.places.set(p.id, p);
  setup.bookings.set(BOOKING, '[[1,0]]');
  ok(store.commit(setup));
  type Row = {
    channel: number;
    minute: number;
    e: number;
    r: number;
    place: number | null;
    booking: number | null;
  };
  const committed: Row[] = [];
  const commit = (rows: Row[]) => {
    const batch = new Batch();
    for (const x of rows) batch.addMinute(x.channel, x.minute, x.e, x.r, null, x.place, undefined, x.booking);
    ok(store.commit(batch));
    committed.push(...rows);
  };
  const count = (table: string) =>
    (store.database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { store, commit, committed, count };
}

/** Minute sums with every minute once: rows of one minute from both tables add up. */
function byMinute(rows: readonly MinuteSum[]): Array<[number, number, number]> {
  const out = new Map<number, [number, number, number]>();
  for (const row of rows) {
    const m = out.get(row.minute) ?? [row.minute, 0, 0];
    m[1] += row.energyUnits;
    m[2] += row.returnedUnits;
    out.set(row.minute, m);
  }
  return [...out.values()].sort((a, b) => a[0] - b[0]);
}

/** Every read history makes of minute rows, normalised so that where a row sits cannot show. */
async function answers(store: Store) {
  const reader = new HistoryReader(store.database, AT_ONCE);
  const porto = { company: 'Aurora', office: 'Porto' };
  const bounds = [M0, M0 + 30, M0 + 60, M0 + 90, M0 + 120];
  const buckets = async (channel: number, isPlaceless: boolean) =>
    (await reader.placeBucketSums(porto, channel, isPlaceless, bounds))
      .map((b) => [b.bucket, b.energyUnits, b.returnedUnits])
      .sort((a, b) => (a[0] as number) - (b[0] as number));
  return {
    minutes: byMinute(await reader.minutes([1, 2, 3], M0, M0 + 120)),
    kitchen: byMinute(await reader.placeMinutes({ ...porto, room: 'Kitchen' }, [1, 2, 3], [3], M0, M0 + 120)),
    booked: byMinute(await reader.bookedMinutes([1, 2, 3], M0, M0 + 120)),
    buckets: [await buckets(1, false), await buckets(3, true)],
    place: store.minutePlace(1, M0 + 10)?.room,
  };
}

/** The same answers worked out from the committed rows. */
function expected(rows: ReturnType<typeof openStore>['committed']) {
  const sums = (keep: (r: (typeof rows)[number]) => boolean) =>
    byMinute(rows.filter(keep).map((r) => ({ minute: r.minute, energyUnits: r.e, returnedUnits: r.r })));
  const bucketsOf = (keep: (r: (typeof rows)[number]) => boolean) => {
    const out = new Map<number, number[]>();
    for (const r of rows.filter(keep)) {
      const b = Math.floor((r.minute - M0) / 30);
      const s = out.get(b) ?? [b, 0, 0];
      s[1] = (s[1] as number) + r.e;
      s[2] = (s[2] as number) + r.r;
      out.set(b, s);
    }
    return [...out.values()].sort((a, b) => (a[0] as number) - (b[0] as number));
  };
  const inPorto = (r: (typeof rows)[number], placeless: boolean) =>
    r.booking === null && (r.place !== null || placeless);
  return {
    minutes: sums(() => true),
    kitchen: sums(
      (r) => r.booking === null && (r.place === KITCHEN.id || (r.place === null && r.channel === 3)),
    ),
    booked: sums((r) => r.booking !== null),
    buckets: [
      bucketsOf((r) => r.channel === 1 && inPorto(r, false)),
      bucketsOf((r) => r.channel === 3 && inPorto(r, true)),
    ],
  };
}

/** Two hours of minutes: channel 1 in the kitchen (booked for a while), 2 in the lobby, 3 placeless. */
function twoHours(commit: ReturnType<typeof openStore>['commit'], from: number, to: number) {
  for (let minute = M0 + from; minute < M0 + to; minute++)
    commit([
      {
        channel: 1,
        minute,
        e: 60_000 + (minute % 7),
        r: 0,
        place: KITCHEN.id,
        booking: minute % 10 === 0 ? BOOKING : null,
      },
      { channel: 2, minute, e: 30_000, r: minute % 3, place: LOBBY.id, booking: null },
      { channel: 3, minute, e: 1_000 + (minute % 5), r: 0, place: null, booking: null },
    ]);
}

describe('minute rows in two tables', () => {
  it('give the same answers recent, folded and split, and those answers are the energy committed', async () => {
    const s = openStore();
    twoHours(s.commit, 0, 70);
    expect(s.count('energy_minute')).toBe(0);
    const recent = await answers(s.store);
    const want = expected(s.committed);
    expect(recent).toMatchObject(want);
    expect(recent.place).toBe('Kitchen');

    ok(s.store.foldRecentMinutes());
    expect(s.count('energy_minute_recent')).toBe(0);
    expect(s.count('energy_minute')).toBe(210);
    expect(await answers(s.store)).toEqual(recent);

    // The rest of the two hours lands in recent, and late energy for folded minutes too, counted
    // in another room: the minute's row keeps the room it was first counted in.
    twoHours(s.commit, 70, 120);
    s.commit([
      { channel: 1, minute: M0 + 10, e: 5_000, r: 0, place: LOBBY.id, booking: null },
      { channel: 3, minute: M0 + 65, e: 700, r: 0, place: null, booking: null },
    ]);
    const split = await answers(s.store);
    expect(s.count('energy_minute_recent')).toBe(152);
    expect(split.minutes).toEqual(expected(s.committed).minutes);
    expect(split.place).toBe('Kitchen');

    ok(s.store.foldRecentMinutes());
    expect(s.count('energy_minute')).toBe(360);
    const folded = await answers(s.store);
    expect(folded.minutes).toEqual(split.minutes);
    // Where the late energy counts follows the row it joins, as it did with one table: minute M0+10
    // was booked, so the fold books its late 5,000 units too. Until the fold it counts as its row says.
    const bookedAt = (x: typeof split) => x.booked.find(([m]) => m === M0 + 10)?.[1];
    expect(bookedAt(folded)).toBe((bookedAt(split) as number) + 5_000);
    expect(folded.place).toBe('Kitchen');
    // Folded, the late energy belongs to the row's own room, as one table always booked it.
    const late = s.store.database
      .prepare(
        'SELECT energy_units AS e, place_id AS place FROM energy_minute WHERE channel_id = 1 AND minute = ?',
      )
      .get(M0 + 10);
    expect(late).toEqual({ e: 60_000 + ((M0 + 10) % 7) + 5_000, place: KITCHEN.id });
  });

  it('folds on its own once a commit brings RECENT_MINUTE_ROWS, and retention clears both tables', () => {
    const s = openStore();
    let minute = M0;
    let energy = 0;
    /** `n` rows over the three channels, each channel's minutes after the last ones. */
    const commitRows = (n: number) => {
      const rows = Array.from({ length: n }, (_, i) => ({
        channel: 1 + (i % 3),
        minute: minute + Math.floor(i / 3),
        e: 60 + (i % 11),
        r: 0,
        place: 1,
        booking: null,
      }));
      s.commit(rows);
      energy += rows.reduce((sum, r) => sum + r.e, 0);
      minute += Math.ceil(n / 3);
    };
    while (s.committed.length + 3_000 < RECENT_MINUTE_ROWS) {
      commitRows(3_000);
      expect(s.count('energy_minute')).toBe(0);
    }
    // The commit that brings the table to RECENT_MINUTE_ROWS moves everything; the next one stays.
    commitRows(RECENT_MINUTE_ROWS - s.committed.length);
    expect(s.count('energy_minute_recent')).toBe(0);
    expect(s.count('energy_minute')).toBe(RECENT_MINUTE_ROWS);
    commitRows(1);
    expect(s.count('energy_minute_recent')).toBe(1);
    const stored = s.store.database.prepare('SELECT sum(energy_units) AS e FROM energy_minute_all').get() as {
      e: number;
    };
    expect(stored.e).toBe(energy);

    // A minute past retention in each table: both go.
    s.commit([{ channel: 3, minute: M0, e: 9, r: 0, place: 1, booking: null }]);
    const removed = ok(s.store.pruneMinutes(M0 + 1));
    expect(removed).toBe(3 + 1);
    const left = s.store.database
      .prepare('SELECT count(*) AS n FROM energy_minute_all WHERE minute < ?')
      .get(M0 + 1) as { n: number };
    expect(left.n).toBe(0);
  });

  it('serves history.query from both tables through the console', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const t = testCore(`${dir.path}/kw.db`, '2025-03-10T08:00:00Z');
    cleanups.push(() => t.close());
    const prefix = 'Aurora/Porto/Kitchen/Oven';
    const src = 'shellyplus1pm-a8032ab1c2d9';
    const start = Date.parse('2025-03-10T08:00:00Z');
    const stream = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        t.setTime(start + i * 60_000 + 500);
        t.feed(
          `${prefix}/events/rpc`,
          switchNotify(src, prefix, 1000 + i * 2.5, (start + i * 60_000) / 1000),
        );
      }
      t.core.writer.flush();
    };
    const query = async (node: string, resolution: 'minute' | 'hour') => {
      const r = await t.core.handlers['history.query']({
        node,
        from: '2025-03-10T08:00:00Z',
        to: '2025-03-10T10:00:00Z',
        resolution,
      });
      if (!r.ok) throw new Error(r.error.message);
      return Math.round(r.value.points.reduce((n, p) => n + p.energyWh, 0) * 1000) / 1000;
    };
    stream(0, 50);
    ok(t.store.foldRecentMinutes());
    stream(50, 90);
    const db = new Database(`${dir.path}/kw.db`, { readonly: true });
    cleanups.push(() => void db.close());
    const where = db.prepare(
      'SELECT (SELECT count(*) FROM energy_minute) AS folded, (SELECT count(*) FROM energy_minute_recent) AS recent',
    );
    expect(where.get()).toEqual({ folded: 49, recent: 40 });
    // 89 rises of 2.5 Wh after the first reading's baseline, wherever their minutes are.
    for (const node of ['room:Aurora/Porto/Kitchen', 'company:Aurora', `device:${prefix}`])
      for (const resolution of ['minute', 'hour'] as const) expect(await query(node, resolution)).toBe(222.5);
  });
});
