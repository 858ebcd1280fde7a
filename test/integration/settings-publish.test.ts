/**
 * Settings on the headless console as a site runs it (the built console, its bridge, a real
 * Mosquitto, a Gen2 meter publishing): the publish prefix and interval change at once, with no
 * restart, and the aggregates follow on the broker; a value kilowatch.toml or a flag sets is shown
 * as such and refused, naming where it is set; bad values are refused in words; changes are in the
 * audit trail and outlive a restart, kept in the data folder and not in the user's file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Settings } from '../../src/shared/contract';
import { switchNotify } from '../support/core';
import { api, sessionCookie, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Aurora/Faro/Kitchen/Oven';
const SRC = 'shellyplus1pm-a8032ab1c2d3';

const dir = tempDir();
const dbPath = `${dir.path}/settings.db`;
const configPath = `${dir.path}/kilowatch.toml`;
const CONFIG = '[site]\nlanguage = "pt-PT"\n';
let mosquitto: Mosquitto;
let headless: Headless;
let meter: MqttClient;
let watcher: MqttClient;
/** Aggregates as the broker hands them out: topic → its last payload. */
const published = new Map<string, { energyWh: number }>();
/** The Coreflux Python example's room topics: topic → its last payload. */
const coreflux = new Map<string, { total_energy: number }>();
let wh = 100;
/** The baseline: energy is what the counter rose since the first reading (101 Wh). */
const FIRST_WH = 101;

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
async function call<T>(command: string, params: unknown = {}): Promise<Reply<T>> {
  return (await api(headless.url, command, params)).body as unknown as Reply<T>;
}

async function start(extra: string[] = []): Promise<void> {
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    '--subscribe',
    'Aurora/#',
    '--db',
    dbPath,
    '--config',
    configPath,
    '--port',
    '0',
    ...extra,
  ]);
  // A reading sent before the console subscribed would be lost to it (no session yet).
  let subscribed = false;
  await waitFor(
    () => {
      void call<{ subscribed: boolean }>('connection.status').then(
        (r) => (subscribed = r.ok && r.value.subscribed),
      );
      return subscribed;
    },
    15_000,
    'the console subscribed',
  );
}

/** The meter says its counter went up by 1 Wh. */
async function reading(): Promise<void> {
  wh += 1;
  const minuteS = Math.floor(Date.now() / 60_000) * 60;
  await meter.publishAsync(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, wh, minuteS), { qos: 1 });
}

beforeAll(async () => {
  writeFileSync(configPath, CONFIG);
  mosquitto = await startMosquitto();
  meter = await testClient(mosquitto.url, 'fake-meter');
  watcher = await testClient(mosquitto.url, 'watcher');
  watcher.on('message', (topic, payload) => {
    if (topic.endsWith('/aggregated/energy'))
      coreflux.set(topic, JSON.parse(payload.toString()) as { total_energy: number });
    else if (topic.endsWith('/energy'))
      published.set(topic, JSON.parse(payload.toString()) as { energyWh: number });
  });
  await watcher.subscribeAsync(['kilowatch/#', 'site/energy/#', 'Aurora/+/+/aggregated/energy'], {
    qos: 1,
  });
  await start();
  // The first reading is the counter's baseline; the second is energy.
  await reading();
  await reading();
}, 60_000);

afterAll(async () => {
  await meter?.endAsync();
  await watcher?.endAsync();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('settings on a running console', () => {
  it('says where each value comes from: defaults, and the file by name', async () => {
    const got = await call<Settings>('settings.get');
    expect(got).toMatchObject({
      ok: true,
      value: {
        values: { publishPrefix: 'kilowatch', publishIntervalS: 15, minuteDays: 35, language: 'pt-PT' },
        sources: { publishPrefix: 'default', publishIntervalS: 'default', language: 'file' },
        pinnedBy: { language: `${configPath} [site] language` },
      },
    });
  });

  it('refuses a value the file sets, naming it, and keeps none of the change', async () => {
    const refused = await call('settings.set', { publishIntervalS: 2, language: 'en-GB' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!refused.ok) expect(refused.error.message).toContain(`${configPath} [site] language`);
    expect(await call('settings.get')).toMatchObject({
      ok: true,
      value: { values: { publishIntervalS: 15 } },
    });
  });

  it('refuses bad values in words', async () => {
    for (const [params, field] of [
      [{ publishPrefix: 'site/#' }, 'publishPrefix'],
      [{ publishPrefix: '$SYS/kw' }, 'publishPrefix'],
      [{ publishPrefix: 'site//energy' }, 'publishPrefix'],
      [{ publishIntervalS: 0 }, 'publishIntervalS'],
      [{ minuteDays: 1.5 }, 'minuteDays'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ language: 'klingon' }, 'language'],
      [{}, 'params'],
      [{ colour: 'blue' }, 'params'],
    ] as const) {
      const r = await call('settings.set', params);
      expect(r, JSON.stringify(params)).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
      if (!r.ok) expect(r.error.message).toContain(field);
    }
  });

  it('publishes under a new prefix and at a new interval at once, with no restart', async () => {
    await waitFor(() => published.has('kilowatch/Aurora/energy'), 30_000, 'the first aggregates');
    const set = await call<Settings>('settings.set', { publishPrefix: 'site/energy', publishIntervalS: 1 });
    expect(set).toMatchObject({
      ok: true,
      value: {
        values: { publishPrefix: 'site/energy', publishIntervalS: 1 },
        sources: { publishPrefix: 'console', publishIntervalS: 'console' },
      },
    });
    // Every second now: three readings, each published within a few seconds (not 15).
    for (let i = 0; i < 3; i++) {
      await reading();
      const expected = wh - FIRST_WH;
      await waitFor(
        () => published.get('site/energy/Aurora/energy')?.energyWh === expected,
        5000,
        `${expected} Wh under the new prefix`,
      );
    }
    // The lease moved with it: this console holds it on the new topic.
    const lease = await new Promise<string>((resolve) => {
      void testClient(mosquitto.url).then(async (c) => {
        c.on('message', (topic, payload) => {
          if (topic === 'site/energy/_lease/aggregator' && payload.length > 0) {
            resolve(payload.toString());
            void c.endAsync();
          }
        });
        await c.subscribeAsync('site/energy/_lease/aggregator', { qos: 1 });
      });
    });
    expect(lease).toMatch(/kilowatch-/);
    // Its own aggregates under the new prefix are not taken for a device's.
    const stats = await call<{ rejected: Record<string, number> }>('stats.get');
    expect(JSON.stringify(stats)).not.toContain('site/energy');
  });

  it('publishes the Coreflux topics once the profile is chosen, with no restart, and does not read them back', async () => {
    const set = await call<Settings>('settings.set', { publishProfiles: ['kilowatch', 'coreflux-python'] });
    expect(set).toMatchObject({
      ok: true,
      value: {
        values: { publishProfiles: ['kilowatch', 'coreflux-python'] },
        sources: { publishProfiles: 'console' },
      },
    });
    await reading();
    const expected = wh - FIRST_WH;
    await waitFor(
      () => coreflux.get('Aurora/Faro/Kitchen/aggregated/energy')?.total_energy === expected,
      25_000,
      `${expected} Wh on the Coreflux room topic`,
    );
    const tree = await call<{ nodes: Array<{ id: string }> }>('site.tree');
    expect(JSON.stringify(tree)).not.toContain('aggregated');
    expect(await call('settings.set', { publishProfiles: ['kilowatch', 'coreflux-java'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-params' },
    });
  }, 40_000);

  it('records each change in the audit trail, before and after', async () => {
    const r = await call<{ entries: AuditEntry[] }>('audit.query', { action: 'settings.set' });
    if (!r.ok) throw new Error(r.error.message);
    const done = r.value.entries.find((e) => e.outcome === 'done' && e.target?.startsWith('publishPrefix'));
    expect(done).toMatchObject({
      target: 'publishPrefix, publishIntervalS',
      before: 'publishPrefix=kilowatch, publishIntervalS=15',
      after: 'publishPrefix=site/energy, publishIntervalS=1',
    });
    expect(r.value.entries.some((e) => e.outcome === 'failed' && /language/.test(e.detail ?? ''))).toBe(true);
  });

  it("keeps the changes across a restart, in the data folder, not in the user's file", async () => {
    await headless.stop();
    expect(readFileSync(configPath, 'utf8')).toBe(CONFIG);
    await start();
    expect(await call('settings.get')).toMatchObject({
      ok: true,
      value: {
        values: { publishPrefix: 'site/energy', publishIntervalS: 1 },
        sources: { publishPrefix: 'console', publishIntervalS: 'console', language: 'file' },
      },
    });
    await reading();
    const expected = wh - FIRST_WH;
    await waitFor(
      () => published.get('site/energy/Aurora/energy')?.energyWh === expected,
      10_000,
      `${expected} Wh after the restart`,
    );
  });

  it('lets a flag win over what was chosen here, and says so', async () => {
    await headless.stop();
    await start(['--out-prefix', 'flagged']);
    const got = await call<Settings>('settings.get');
    expect(got).toMatchObject({
      ok: true,
      value: {
        values: { publishPrefix: 'flagged', publishIntervalS: 1 },
        sources: { publishPrefix: 'flag' },
        pinnedBy: { publishPrefix: 'the --out-prefix flag' },
      },
    });
    const refused = await call('settings.set', { publishPrefix: 'other' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!refused.ok) expect(refused.error.message).toContain('--out-prefix');
  });

  it('rebuilds history on request, and keeps the desk from changing settings or rebuilding', async () => {
    const rebuilt = await call<{ minutes: number; buckets: number; differed: number }>('history.rebuild');
    expect(rebuilt).toMatchObject({ ok: true, value: { differed: 0 } });
    if (rebuilt.ok) expect(rebuilt.value.minutes).toBeGreaterThanOrEqual(1);

    expect(await call('access.setPin', { pin: '2468' })).toMatchObject({ ok: true });
    const cookie = await sessionCookie(headless.url);
    const desk = async (command: string, params: unknown = {}) =>
      (await (
        await fetch(`${headless.url}/api/${command}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify(params),
        })
      ).json()) as Reply<unknown>;
    expect(await desk('settings.get')).toMatchObject({ ok: true });
    expect(await desk('settings.set', { publishIntervalS: 30 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await desk('history.rebuild')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('settings.get')).toMatchObject({
      ok: true,
      value: { values: { publishIntervalS: 1 } },
    });
  });
});
