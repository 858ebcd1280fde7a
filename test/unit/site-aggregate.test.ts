/**
 * A head office reading site consoles' device aggregates (README "Head office"): the decoder
 * (names percent-decoded, only device-level topics) and the counter rules it feeds (counted from
 * zero at `since`, duplicates and stale retained copies change nothing, a drop or a new `since`
 * counts the new value from zero).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openConsole } from '../../src/main/core/open-console';
import type { KilowatchConsole } from '../../src/main/core/console';
import type { Store } from '../../src/main/core/store/store';
import { decodeSiteAggregate } from '../../src/main/core/sites/site-aggregate';
import { siteConflict, withSiteFilters } from '../../src/main/core/sites/site-sources';

const T0 = Date.parse('2025-03-10T08:00:00Z');
const ctx = { arrivalS: T0 / 1000 + 60, isRetained: false };
const body = (o: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      energyWh: 12.5,
      returnedWh: 0,
      powerW: 80,
      since: new Date(T0 - 3_600_000).toISOString(),
      ts: new Date(T0).toISOString(),
      devices: 1,
      reporting: 1,
      ...o,
    }),
  );

describe('decodeSiteAggregate', () => {
  it('reads a device topic as one counter, placed by its percent-decoded names', () => {
    const out = decodeSiteAggregate('R%26D/Lisbon/Sala%201/Meter/energy', body(), ctx);
    expect(out.kind).toBe('device');
    if (out.kind !== 'device') return;
    expect(out.device.key).toBe('R&D/Lisbon/Sala 1/Meter');
    const counter = out.facts.find((f) => f.type === 'counter' && f.direction === 'import');
    expect(counter).toMatchObject({ units: 12.5 * 60_000, order: { primaryS: T0 / 1000 } });
    expect(out.facts).toContainEqual({ type: 'power', component: 'site:0', powerW: 80 });
    expect(out.facts).toContainEqual({ type: 'online', isOnline: true });
  });

  it('ignores company, office and room totals and the lease: they would count twice', () => {
    for (const rest of [
      'Aurora/energy',
      'Aurora/Lisbon/energy',
      'Aurora/Lisbon/Sala/energy',
      '_lease/aggregator',
    ])
      expect(decodeSiteAggregate(rest, body(), ctx)).toEqual({ kind: 'ignored', why: 'not-a-counter' });
  });

  it('refuses a name that decodes outside its branch, and a payload without times', () => {
    expect(decodeSiteAggregate('A%2FB/Lisbon/Sala/Meter/energy', body(), ctx)).toEqual({
      kind: 'rejected',
      reason: 'invalid-name',
    });
    expect(decodeSiteAggregate('A/B/C/D/energy', body({ since: 'never' }), ctx)).toMatchObject({
      kind: 'rejected',
    });
  });

  it('refuses a head office that would read its own totals', () => {
    expect(siteConflict('kilowatch', ['kilowatch'])).toMatch(/own publish prefix/);
    expect(siteConflict('kilowatch/hq', ['kilowatch'])).not.toBeNull();
    expect(siteConflict('hq', ['kilowatch'])).toBeNull();
    const profile = {
      name: 's',
      url: 'mqtt://x',
      protocolVersion: 4 as const,
      keepaliveS: 30,
      subscribe: ['Aurora/#'],
    };
    expect(withSiteFilters(profile, ['kilowatch']).subscribe).toEqual(['Aurora/#', 'kilowatch/#']);
    expect(withSiteFilters({ ...profile, subscribe: ['#'] }, ['kilowatch']).subscribe).toEqual(['#']);
  });
});

describe('a head office counting a site device', () => {
  let core: KilowatchConsole | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await core?.close();
    store?.close();
  });

  it('counts from zero at since, and a drop or a new since from zero again', async () => {
    let nowMs = T0;
    const opened = openConsole({
      dbPath: ':memory:',
      outPrefix: 'hq',
      publishIntervalS: 3600,
      clock: () => nowMs,
      headOfficeSites: ['kilowatch'],
    });
    if (!opened.ok) throw new Error(opened.error.message);
    ({ console: core, store } = opened.value);
    const c = core;
    const since1 = new Date(T0 - 3_600_000).toISOString();
    const since2 = new Date(T0 + 600_000).toISOString();
    const topic = 'kilowatch/R%26D/Lisbon/Sala%201/Meter/energy';
    const feed = (atS: number, energyWh: number, since = since1, isRetained = false, t = topic) => {
      nowMs = T0 + atS * 1000;
      const payload = {
        energyWh,
        returnedWh: 0,
        powerW: 5,
        since,
        ts: new Date(nowMs).toISOString(),
        reporting: 1,
      };
      c.ingest.handle(t, Buffer.from(JSON.stringify(payload)), isRetained);
    };
    const totals = async () => {
      const tree = await c.handlers['site.tree']({});
      if (!tree.ok) throw new Error(tree.error.message);
      return new Map(tree.value.totals.map((t) => [t.id, t.energyWh]));
    };
    const device = 'device:R&D/Lisbon/Sala 1/Meter';

    feed(0, 10); // all of it counted since `since`: no baseline lost
    expect((await totals()).get(device)).toBe(10);
    feed(15, 15);
    feed(15, 15); // duplicate
    nowMs = T0 + 30_000;
    c.ingest.handle(
      topic,
      Buffer.from(JSON.stringify({ energyWh: 12, since: since1, ts: new Date(T0 + 5000).toISOString() })),
      true,
    ); // a stale retained copy
    expect((await totals()).get(device)).toBe(15);
    feed(45, 3); // the site's total fell within one period: started over, 3 counted
    expect((await totals()).get(device)).toBe(18);
    feed(60, 5);
    expect((await totals()).get(device)).toBe(20);
    feed(700, 40, since2); // a new period: 40 from zero, not 40 − 5
    expect((await totals()).get(device)).toBe(60);
    feed(715, 41, since2);
    feed(730, 30, since1); // a message of the old period arriving late changes nothing
    const t = await totals();
    expect(t.get(device)).toBe(61);
    expect(t.get('company:R&D')).toBe(61);
    expect(t.get('room:R&D/Lisbon/Sala 1')).toBe(61);

    const ignoredBefore = c.stats.ignored;
    feed(745, 999, since2, false, 'kilowatch/R%26D/Lisbon/energy'); // an office total
    feed(745, 999, since2, false, 'kilowatch/R%26D/energy');
    expect(c.stats.ignored).toBe(ignoredBefore + 2);
    expect((await totals()).get('company:R&D')).toBe(61);
  });

  it('refuses, in settings, a publish prefix that would read its own totals as a site', async () => {
    const opened = openConsole({
      dbPath: ':memory:',
      outPrefix: 'hq',
      publishIntervalS: 3600,
      headOfficeSites: ['kilowatch'],
    });
    if (!opened.ok) throw new Error(opened.error.message);
    ({ console: core, store } = opened.value);
    const refused = await core.handlers['settings.set']({ publishPrefix: 'kilowatch/hq' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!refused.ok) expect(refused.error.message).toContain('[headoffice] sites includes "kilowatch"');
    expect(core.settings.values.publishPrefix).toBe('hq');
    expect(await core.handlers['settings.set']({ publishPrefix: 'head-office' })).toMatchObject({ ok: true });
  });

  it('refuses to open when its own prefix is a site prefix', () => {
    const opened = openConsole({
      dbPath: ':memory:',
      outPrefix: 'kilowatch',
      publishIntervalS: 3600,
      headOfficeSites: ['kilowatch'],
    });
    expect(opened.ok).toBe(false);
  });
});
