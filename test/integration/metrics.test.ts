/**
 * GET /metrics on the built headless console as a site runs it: a real Mosquitto, a Gen2 meter
 * publishing energy and power, a BLU H&T paired to a BLU Gateway Gen3 that answers the console's
 * Shelly.GetComponents, a plug whose topic holds quotes and a backslash, and a sensor whose name
 * holds a newline. Each scrape is read with a Prometheus text-format parser and checked field by
 * field against what was published and what site.tree and stats.get say; a scraper without the
 * token is refused in words.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import parsePrometheus, { type PrometheusFamily as Family } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteTree, Stats } from '../../src/shared/contract';
import { command } from '../support/console-run';
import { fetchSignedIn, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const METER = { prefix: 'Coreflux/Porto/MeetingRoom/Light1', src: 'shellyplus1pm-a8032ab1c2d3' };
/** Not a valid place name, so Unassigned; its node ids carry the topic as it is. */
const PLUG = { prefix: 'Coreflux/Porto/Bad"Room\\x/Plug', src: 'shellyplusplugs-a8032ab1c2d4' };
const GATEWAY = { prefix: 'Coreflux/Porto/MeetingRoom/BluGateway', src: 'shellyblugwg3-e4b063a1b2c3' };
const HT = '7c:c6:b6:61:e5:80';
const HT_NAME = 'Meeting "room" H&T \\ back\nslash}';
const ROOM = 'room:Coreflux/Porto/MeetingRoom';

const dir = tempDir();
let mosquitto: Mosquitto;
let headless: Headless;
let devices: MqttClient;
let token: string;

/** A Plus 1PM's minute NotifyStatus, with its power now. */
function switchStatus(device: { prefix: string; src: string }, totalWh: number, powerW: number): string {
  const minuteS = Math.floor(Date.now() / 60_000) * 60;
  return JSON.stringify({
    src: device.src,
    dst: `${device.prefix}/events`,
    method: 'NotifyStatus',
    params: {
      ts: minuteS + 0.22,
      'switch:0': {
        id: 0,
        apower: powerW,
        aenergy: { by_minute: [0, 0, 0], minute_ts: minuteS, total: totalWh },
      },
    },
  });
}

function bthomeStatus(component: string, status: Record<string, unknown>): string {
  return JSON.stringify({
    src: GATEWAY.src,
    dst: `${GATEWAY.prefix}/events`,
    method: 'NotifyStatus',
    params: { ts: Date.now() / 1000, [component]: { id: Number(component.split(':')[1]), ...status } },
  });
}

/** The gateway's answer to Shelly.GetComponents (fixture blu-ht-via-gateway.json), at `tsS`. */
function components(tsS: number): unknown {
  const sensor = (id: number, objId: number, value: number) => ({
    key: `bthomesensor:${id}`,
    status: { id, value, last_updated_ts: tsS },
    config: { id, addr: HT, name: null, obj_id: objId, idx: 0, meta: null },
  });
  return {
    components: [
      {
        key: 'bthomedevice:200',
        status: { id: 200, rssi: -71, battery: 100, packet_id: 120, last_updated_ts: tsS },
        config: { id: 200, addr: HT, name: HT_NAME, key: null, meta: { ui: { local_name: 'SBHT-003C' } } },
        attrs: { flags: 2, model_id: 3 },
      },
      sensor(200, 1, 100),
      sensor(201, 46, 48),
      sensor(203, 69, 22.4),
    ],
    cfg_rev: 27,
    offset: 0,
    total: 4,
  };
}

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${token}` }, query = '') {
  const res = await fetch(`${headless.url}/metrics${query}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The scrape, parsed: family name → family. */
async function metrics(query = ''): Promise<Map<string, Family>> {
  const { status, text } = await scrape(undefined, query);
  expect(status).toBe(200);
  return new Map(parsePrometheus(text).map((f) => [f.name, f]));
}

/** The one sample of `name` whose labels include `labels`; its value as a number. */
function sample(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) throw new Error(`no ${name} in the scrape`);
  const found = family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (found.length !== 1)
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return Number(found[0]?.value);
}

const tree = () => command<SiteTree>(headless, 'site.tree');
const stats = () => command<Stats>(headless, 'stats.get');

/** Reads until `check` passes, one read at a time; fails naming `what` after 20 s. */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const config = join(dir.path, 'kilowatch.toml');
  writeFileSync(config, '[site]\ntimezone = "UTC"\n');
  mosquitto = await startMosquitto();
  headless = await startHeadless(
    [
      ...['--broker', mosquitto.url, '--subscribe', 'Coreflux/#', '--config', config],
      ...['--db', join(dir.path, 'kw.db'), '--port', '0'],
    ],
    {
      KILOWATCH_TOKEN: undefined,
      KILOWATCH_BROKER_PASSWORD: undefined,
      KILOWATCH_BROKER_USERNAME: undefined,
    },
  );
  // What a Prometheus on this machine reads through bearer_token_file.
  token = readFileSync(join(dir.path, 'api-token'), 'utf8').trim();
  devices = await testClient(mosquitto.url, 'devices');
  // The gateway answers the console's Shelly.GetComponents as the real one does, on `<src>/rpc`.
  devices.on('message', (topic, payload) => {
    const request = JSON.parse(payload.toString()) as { id: number; src: string; method: string };
    if (topic !== `${GATEWAY.prefix}/rpc` || request.method !== 'Shelly.GetComponents') return;
    const reply = { id: request.id, src: GATEWAY.src, dst: request.src, result: components(1_741_593_553) };
    void devices.publishAsync(`${request.src}/rpc`, JSON.stringify(reply), { qos: 1 });
  });
  await devices.subscribeAsync(`${GATEWAY.prefix}/rpc`, { qos: 1 });
  await until(
    () => command<{ subscribed: boolean }>(headless, 'connection.status'),
    (s) => s.subscribed,
    'the console subscribed',
  );
  // First readings are baselines; the second counts the rise.
  for (const [device, wh, w] of [
    [METER, 1000, 10],
    [METER, 1012.345, 42.5],
    [PLUG, 500, 0],
    [PLUG, 503.5, 7.5],
  ] as const)
    await devices.publishAsync(`${device.prefix}/events/rpc`, switchStatus(device, wh, w), { qos: 1 });
  await devices.publishAsync(`${GATEWAY.prefix}/online`, 'true', { qos: 1 });
  // A component the console does not know yet: it asks the gateway what it is.
  await devices.publishAsync(
    `${GATEWAY.prefix}/events/rpc`,
    bthomeStatus('bthomesensor:203', { value: 22.4, last_updated_ts: 1_741_593_553 }),
    { qos: 1 },
  );
  await until(
    tree,
    (t) => t.sensors.some((s) => s.address === HT && s.name === HT_NAME),
    'the sensor paired',
  );
  await devices.publishAsync(
    `${GATEWAY.prefix}/events/rpc`,
    bthomeStatus('bthomesensor:203', { value: 23.7, last_updated_ts: 1_741_593_613 }),
    { qos: 1 },
  );
  await until(
    tree,
    (t) =>
      t.sensors.some((s) => s.address === HT && s.temperatureC === 23.7) &&
      t.totals.some((n) => n.id === ROOM && n.energyWh > 0) &&
      t.totals.some((n) => n.id === `device:${PLUG.prefix}` && n.energyWh > 0),
    'the readings counted',
  );
}, 60_000);

afterAll(async () => {
  await devices?.endAsync();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('GET /metrics', () => {
  it('refuses a scraper without the token, or with a wrong one, in words', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token-0123456789' }] as Array<
      Record<string, string>
    >) {
      const refused = await scrape(headers);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="kilowatch"');
      expect(refused.text).toMatch(/Not signed in|not this console.s API token/);
      expect(refused.text).not.toContain('kilowatch_');
    }
    expect((await fetch(`${headless.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers the token and a signed-in browser in the Prometheus text format', async () => {
    const withToken = await scrape();
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const browser = await fetchSignedIn(headless.url, '/metrics');
    expect(browser.status).toBe(200);
    expect(await browser.text()).toContain('# TYPE kilowatch_energy_wh_total counter');
  });

  it("gives every node's energy and power as site.tree has them", async () => {
    const families = await metrics();
    const { totals } = await tree();
    expect(families.get('kilowatch_energy_wh_total')?.type).toBe('COUNTER');
    expect(families.get('kilowatch_power_watts')?.type).toBe('GAUGE');
    const room = totals.find((t) => t.id === ROOM);
    expect(room?.energyWh).toBeCloseTo(12.345, 6);
    expect(sample(families, 'kilowatch_energy_wh_total', { node: ROOM })).toBe(room?.energyWh);
    expect(sample(families, 'kilowatch_energy_wh_total', { node: ROOM, kind: 'room' })).toBe(room?.energyWh);
    const light = `device:${METER.prefix}`;
    const labels = { node: light, kind: 'device', path: METER.prefix };
    expect(sample(families, 'kilowatch_energy_wh_total', labels)).toBe(
      totals.find((t) => t.id === light)?.energyWh,
    );
    expect(sample(families, 'kilowatch_power_watts', labels)).toBe(42.5);
    expect(sample(families, 'kilowatch_power_watts', { node: 'company:Coreflux' })).toBe(
      totals.find((t) => t.id === 'company:Coreflux')?.powerW,
    );
    // One sample per place and device with totals, no more; channels only when asked.
    const channels = totals.filter((t) => t.id.startsWith('channel:'));
    expect(channels.length).toBeGreaterThan(0);
    expect(families.get('kilowatch_energy_wh_total')?.metrics.length).toBe(totals.length - channels.length);
    const withChannels = await metrics('?channels=1');
    expect(withChannels.get('kilowatch_energy_wh_total')?.metrics.length).toBe(totals.length);
  });

  it('escapes hostile label values: a topic with quotes and a backslash, a name with a newline', async () => {
    const families = await metrics('?channels=1');
    const plug = `device:${PLUG.prefix}`;
    const { totals } = await tree();
    expect(
      sample(families, 'kilowatch_energy_wh_total', { node: plug, kind: 'device', path: PLUG.src }),
    ).toBe(totals.find((t) => t.id === plug)?.energyWh);
    expect(sample(families, 'kilowatch_power_watts', { node: `channel:${PLUG.prefix}|switch:0` })).toBe(7.5);
    expect(sample(families, 'shelly_temperature_celsius', { sensor: HT, name: HT_NAME })).toBe(23.7);
  });

  it('says which devices report and how long ago they were heard', async () => {
    const families = await metrics();
    const light = { device: METER.src, path: METER.prefix };
    expect(sample(families, 'kilowatch_device_online', light)).toBe(1);
    expect(sample(families, 'kilowatch_device_online', { device: GATEWAY.src, path: GATEWAY.prefix })).toBe(
      1,
    );
    const age = sample(families, 'kilowatch_device_last_seen_age_seconds', light);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
  });

  it('gives the BLU H&T under the names the BLU pipeline graphs, with its room', async () => {
    const families = await metrics();
    const labels = { sensor: HT, room: 'Coreflux/Porto/MeetingRoom' };
    expect(sample(families, 'shelly_temperature_celsius', labels)).toBe(23.7);
    expect(sample(families, 'shelly_humidity_percent', labels)).toBe(48);
    expect(sample(families, 'shelly_battery_level', labels)).toBe(100);
    expect(sample(families, 'shelly_sensor_last_seen', labels)).toBe(1_741_593_613);
  });

  it('counts messages received and rejected by reason, as stats.get does', async () => {
    const before = await metrics();
    const rejectedBefore = before
      .get('kilowatch_messages_rejected_total')
      ?.metrics.find((m) => m.labels?.reason === 'invalid-json');
    const was = Number(rejectedBefore?.value ?? 0);
    await devices.publishAsync(`${METER.prefix}/events/rpc`, '{"src": not json', { qos: 1 });
    const after = await until(stats, (s) => (s.rejected['invalid-json'] ?? 0) > was, 'the rejection counted');
    const families = await metrics();
    expect(sample(families, 'kilowatch_messages_rejected_total', { reason: 'invalid-json' })).toBe(was + 1);
    expect(families.get('kilowatch_messages_rejected_total')?.type).toBe('COUNTER');
    const received = sample(families, 'kilowatch_messages_received_total');
    expect(received).toBeGreaterThanOrEqual(after.received);
    expect(received).toBeGreaterThanOrEqual(8);
  });

  it('says the broker is connected and this console is the aggregator', async () => {
    await until(stats, (s) => s.aggregator, 'the aggregator lease');
    const families = await metrics();
    expect(sample(families, 'kilowatch_broker_connected')).toBe(1);
    expect(sample(families, 'kilowatch_aggregator')).toBe(1);
  });

  it('times the store commits as a summary', async () => {
    // The readings are counted at once, but on disk only after the commit thread's first round.
    const commitsOf = (families: Map<string, Family>) => families.get('kilowatch_store_commit_seconds');
    const summary = commitsOf(
      await until(metrics, (f) => Number(commitsOf(f)?.metrics[0]?.count) > 0, 'a commit'),
    );
    expect(summary?.type).toBe('SUMMARY');
    const [commits] = summary?.metrics ?? [];
    expect(summary?.metrics.length).toBe(1);
    expect(Number(commits?.sum)).toBeGreaterThan(0);
    const quantiles = Object.entries(commits?.quantiles ?? {}).map(([q, s]) => [Number(q), Number(s)]);
    expect(quantiles.map(([q]) => q)).toEqual([0.5, 0.9, 0.99]);
    for (const [, seconds] of quantiles) {
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(Number(commits?.sum));
    }
  });

  it('drops what went away: a device moved into a room is no longer listed under its old path', async () => {
    const plug = `device:${PLUG.prefix}`;
    await command(headless, 'site.assign', {
      device: PLUG.src,
      path: ['Coreflux', 'Porto', 'Lobby'],
      name: 'Plug',
    });
    const families = await metrics();
    const series = families.get('kilowatch_energy_wh_total')?.metrics.filter((m) => m.labels?.node === plug);
    expect(series?.map((m) => m.labels?.path)).toEqual(['Coreflux/Porto/Lobby/Plug']);
    const online = families
      .get('kilowatch_device_online')
      ?.metrics.filter((m) => m.labels?.device === PLUG.src);
    expect(online?.map((m) => m.labels?.path)).toEqual(['Coreflux/Porto/Lobby/Plug']);
  });
});
