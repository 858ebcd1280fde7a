/**
 * Home Assistant MQTT discovery (README "Home Assistant"): the built headless console, a real
 * Mosquitto and a Gen2 meter under `Aurora/Faro/Kitchen/Oven`. A client subscribed to
 * `homeassistant/#` reads every config field by field against the aggregates the console really
 * publishes (the value_template's path evaluated on the real payload), sees the configs kept
 * across restarts with the same unique_ids, grouped per room, republished only on change, and
 * retracted when a node goes away, also while the console was down. Off by default.
 */
import { writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, NodeTotals } from '../../src/shared/contract';
import {
  discoveryConfigs,
  discoveryTopic,
  isDiscoveryConfigTopic,
  nodeHash,
} from '../../src/main/core/aggregate/ha-discovery';
import { loadConfig } from '../../src/main/core/config';
import { openConsole } from '../../src/main/core/open-console';
import { switchNotify } from '../support/core';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
interface HaConfig {
  name: string;
  unique_id: string;
  object_id: string;
  state_topic: string;
  value_template: string;
  device_class: string;
  state_class: string;
  unit_of_measurement: string;
  availability?: Array<{ topic: string; value_template: string }>;
  device: { identifiers: string[]; name: string; manufacturer: string; model: string; via_device?: string };
}

const PREFIX = 'Aurora/Faro/Kitchen/Oven';
const SRC = 'shellyplus1pm-a8032ab1c2d3';
const DEVICE = `device:${PREFIX}`;
const NODES = ['company:Aurora', 'office:Aurora/Faro', 'room:Aurora/Faro/Kitchen', DEVICE];
const ON = '[publish]\nintervalS = 1\n\n[homeassistant]\ndiscovery = true\n';

const dir = tempDir();
const dbPath = `${dir.path}/ha.db`;
const configPath = `${dir.path}/kilowatch.toml`;
let mosquitto: Mosquitto;
let headless: Headless | null = null;
let meter: MqttClient;
let watcher: MqttClient;
/** The broker's copy as the watcher last heard it: topic → payload ('' = retracted). */
const configs = new Map<string, string>();
/** Every config message heard, in order. */
const configLog: Array<{ topic: string; payload: string }> = [];
const aggregates = new Map<string, Record<string, unknown>>();
let lease = '';
let wh = 100;

async function call<T>(command: string, params: unknown = {}): Promise<Reply<T>> {
  return (await api((headless as Headless).url, command, params)).body as unknown as Reply<T>;
}

async function start(): Promise<void> {
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    // Everything, the console's own outputs included: they must not be read as a device's.
    '--subscribe',
    '#',
    '--db',
    dbPath,
    '--config',
    configPath,
    '--port',
    '0',
  ]);
}

async function stop(): Promise<void> {
  await headless?.stop();
  headless = null;
}

async function reading(): Promise<void> {
  wh += 1;
  const minuteS = Math.floor(Date.now() / 60_000) * 60;
  await meter.publishAsync(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, wh, minuteS), { qos: 1 });
}

const live = (): Map<string, HaConfig> =>
  new Map([...configs].filter(([, p]) => p !== '').map(([t, p]) => [t, JSON.parse(p) as HaConfig] as const));
const topicOf = (node: string, sensor: 'energy' | 'power') => discoveryTopic('homeassistant', node, sensor);
/** What HA's `{{ value_json.<key> }}` renders from a payload. */
function render(template: string, payload: Record<string, unknown>): unknown {
  const m = /^\{\{ value_json\.(\w+) \}\}$/.exec(template);
  if (!m) throw new Error(`unexpected template ${template}`);
  return payload[m[1] as string];
}

async function retainedOn(topic: string): Promise<string | null> {
  const c = await testClient(mosquitto.url);
  let got: string | null = null;
  c.on('message', (t, p, packet) => {
    if (t === topic && packet.retain) got = p.toString();
  });
  await c.subscribeAsync(topic, { qos: 1 });
  await new Promise((r) => setTimeout(r, 500));
  await c.endAsync();
  return got;
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  meter = await testClient(mosquitto.url, 'fake-meter');
  watcher = await testClient(mosquitto.url, 'ha-watcher');
  watcher.on('message', (topic, payload) => {
    const text = payload.toString();
    if (topic.startsWith('homeassistant/')) {
      configs.set(topic, text);
      configLog.push({ topic, payload: text });
    } else if (topic === 'kilowatch/_lease/aggregator') lease = text;
    else if (topic.endsWith('/energy')) aggregates.set(topic, JSON.parse(text) as Record<string, unknown>);
  });
  await watcher.subscribeAsync(['homeassistant/#', 'kilowatch/#'], { qos: 1 });
}, 60_000);

afterAll(async () => {
  await meter?.endAsync();
  await watcher?.endAsync();
  await stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('the configs, alone', () => {
  it('keeps hostile names inside their topic and their JSON', () => {
    const path = ['Co+rp"', 'Of#fice\n', 'Ro/om', 'De/v+#"\\\n'];
    const nodes = [
      `company:${path[0]}`,
      `office:${path.slice(0, 2).join('/')}`,
      `room:${path.slice(0, 3).join('/')}`,
      'device:x',
    ];
    const targets = nodes.map((node, i) => ({ node, path: path.slice(0, i + 1) }));
    const totals = new Map<string, NodeTotals>(
      nodes.map((id) => [
        id,
        { id, energyWh: 1, returnedWh: 0, powerW: 2, todayWh: 0, devices: 1, reporting: 1, since: 'x' },
      ]),
    );
    const out = discoveryConfigs(targets, totals, {
      haPrefix: 'homeassistant',
      outPrefix: 'kilowatch',
      availabilityTopic: null,
      names: new Map([['device:x', 'De/v+#"\\\n']]),
    });
    expect(out).toHaveLength(8);
    for (const { topic, payload } of out) {
      expect(topic).toMatch(/^homeassistant\/sensor\/kilowatch_[0-9a-f]{12}\/(energy|power)\/config$/);
      expect(isDiscoveryConfigTopic(topic, 'homeassistant')).toBe(true);
      const config = JSON.parse(payload) as HaConfig;
      expect(config.object_id).toMatch(/^kilowatch_[a-z0-9_]+_(energy|power)$/);
      expect(config.state_topic).not.toMatch(/[+#]/);
      expect(config.availability).toBeUndefined();
    }
    const device = JSON.parse(out[6]?.payload ?? '{}') as HaConfig;
    expect(device.name).toBe('De/v+#"\\\n energy');
    expect(device.device.name).toBe('Co+rp" / Of#fice\n / Ro/om');
    expect(device.state_topic).toBe('kilowatch/Co%2Brp"/Of%23fice%0A/Ro%2Fom/De%2Fv%2B%23"\\%0A/energy');
  });

  it('ingest ignores the configs (counted as ignored) before any decoder sees them', async () => {
    const topic = discoveryTopic('homeassistant', DEVICE, 'energy');
    for (const discovery of [true, false]) {
      const decoded: string[] = [];
      const opened = openConsole({
        dbPath: ':memory:',
        outPrefix: 'kilowatch',
        publishIntervalS: 3600,
        homeAssistant: { discovery, prefix: 'homeassistant' },
        observe: (t) => decoded.push(t),
      });
      if (!opened.ok) throw new Error(opened.error.message);
      const { console: core, store } = opened.value;
      core.ingest.handle(topic, Buffer.from('{"state_topic":"kilowatch/Aurora/energy"}'), true);
      expect(core.stats.ignored).toBe(1);
      // Off, the topic is nobody's in particular and goes the way of any unknown message.
      expect(decoded).toEqual(discovery ? [] : [topic]);
      await core.close();
      store.close();
    }
  });

  it('refuses discovery without Kilowatch’s own topics, and bad prefixes, in kilowatch.toml', () => {
    const path = `${dir.path}/bad.toml`;
    writeFileSync(path, '[publish]\nprofiles = ["coreflux-python"]\n[homeassistant]\ndiscovery = true\n');
    const r = loadConfig(path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/homeassistant\.discovery.*kilowatch/);
    writeFileSync(path, '[homeassistant]\ndiscovery = true\nprefix = "home/#"\n');
    const bad = loadConfig(path);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('homeassistant.prefix');
    writeFileSync(path, '[homeassistant]\ndiscovery = "yes"\n');
    expect(loadConfig(path).ok).toBe(false);
  });
});

describe('Home Assistant discovery on a real broker', () => {
  it('publishes nothing under homeassistant/ without the setting', async () => {
    writeFileSync(configPath, '[publish]\nintervalS = 1\n');
    await start();
    await new Promise((r) => setTimeout(r, 1500));
    // The first reading is the counter's baseline; the second is energy.
    await reading();
    await reading();
    await waitFor(
      () => aggregates.get(`kilowatch/${PREFIX}/energy`)?.energyWh === 1,
      20_000,
      'the first aggregates',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const heard = [...configLog];
    // Stopped first: a console left running would fight the next one for its client id.
    await stop();
    expect(heard).toEqual([]);
  });

  it('publishes an energy and a power sensor per node, pointing at the real aggregates', async () => {
    writeFileSync(configPath, ON);
    await start();
    await waitFor(() => live().size === 8, 20_000, 'eight configs');
    const byTopic = live();
    for (const node of NODES) {
      const hash = nodeHash(node);
      const energy = byTopic.get(topicOf(node, 'energy'));
      const power = byTopic.get(topicOf(node, 'power'));
      expect(energy, node).toBeDefined();
      expect(power, node).toBeDefined();
      if (!energy || !power) continue;
      expect(energy).toMatchObject({
        unique_id: `kilowatch_${hash}_energy`,
        device_class: 'energy',
        state_class: 'total_increasing',
        unit_of_measurement: 'Wh',
        value_template: '{{ value_json.energyWh }}',
      });
      expect(power).toMatchObject({
        unique_id: `kilowatch_${hash}_power`,
        device_class: 'power',
        state_class: 'measurement',
        unit_of_measurement: 'W',
        value_template: '{{ value_json.powerW }}',
        state_topic: energy.state_topic,
      });
      // The state topic is one the console really publishes, and the template finds the figure.
      const aggregate = aggregates.get(energy.state_topic);
      expect(aggregate, energy.state_topic).toBeDefined();
      expect(render(energy.value_template, aggregate ?? {})).toBe(1);
      expect(typeof render(power.value_template, aggregate ?? {})).toBe('number');
      // Available exactly while a console holds the lease.
      expect(energy.availability).toEqual([
        { topic: 'kilowatch/_lease/aggregator', value_template: "{{ 'online' if value else 'offline' }}" },
      ]);
      expect(lease).toMatch(/"clientId"/);
    }
    expect(byTopic.get(topicOf(DEVICE, 'energy'))?.state_topic).toBe(`kilowatch/${PREFIX}/energy`);
  });

  it('groups a room and its devices as one HA device; the office and company apart', async () => {
    const byTopic = live();
    const device = (node: string) => byTopic.get(topicOf(node, 'energy'))?.device;
    const room = {
      identifiers: [`kilowatch_room_${nodeHash('room:Aurora/Faro/Kitchen')}`],
      name: 'Aurora / Faro / Kitchen',
      manufacturer: 'Kilowatch',
      model: 'room',
      via_device: `kilowatch_office_${nodeHash('office:Aurora/Faro')}`,
    };
    expect(device('room:Aurora/Faro/Kitchen')).toEqual(room);
    expect(device(DEVICE)).toEqual(room);
    expect(byTopic.get(topicOf(DEVICE, 'power'))?.device).toEqual(room);
    expect(byTopic.get(topicOf(DEVICE, 'energy'))?.name).toBe('Oven energy');
    expect(byTopic.get(topicOf('room:Aurora/Faro/Kitchen', 'energy'))?.name).toBe('Energy');
    expect(device('office:Aurora/Faro')).toMatchObject({
      identifiers: [`kilowatch_office_${nodeHash('office:Aurora/Faro')}`],
      name: 'Aurora / Faro',
      model: 'office',
    });
    expect(device('company:Aurora')).toMatchObject({
      identifiers: [`kilowatch_company_${nodeHash('company:Aurora')}`],
      name: 'Aurora',
      model: 'company',
    });
  });

  it('does not republish unchanged configs, and never reads them as a device', async () => {
    configLog.length = 0;
    await reading();
    await waitFor(() => aggregates.get(`kilowatch/${PREFIX}/energy`)?.energyWh === 2, 10_000, '2 Wh');
    await new Promise((r) => setTimeout(r, 2500));
    expect(configLog).toEqual([]);
    const stats = await call<{ ignored: number; lastRejected: Array<{ topic: string }> }>('stats.get');
    expect(stats.ok).toBe(true);
    expect(JSON.stringify(stats)).not.toContain('homeassistant');
    const tree = await call('site.tree');
    expect(JSON.stringify(tree)).not.toMatch(/homeassistant|kilowatch_/);
  });

  it('republishes the same configs after a restart: the same unique_ids', async () => {
    const before = live();
    await stop();
    configLog.length = 0;
    await start();
    await waitFor(
      () => new Set(configLog.map((m) => m.topic)).size === 8,
      20_000,
      'every config again after the restart',
    );
    for (const { topic, payload } of configLog) expect(JSON.parse(payload)).toEqual(before.get(topic));
  });

  it('republishes a renamed device’s configs, keeping its entity', async () => {
    configLog.length = 0;
    const name = "O'Brien & Sons (Çhef)";
    expect(await call('site.rename', { node: DEVICE, name })).toMatchObject({ ok: true });
    await reading();
    await waitFor(() => configLog.length >= 2, 10_000, 'the device’s configs again');
    await new Promise((r) => setTimeout(r, 1500));
    expect(configLog.map((m) => m.topic).sort()).toEqual([
      topicOf(DEVICE, 'energy'),
      topicOf(DEVICE, 'power'),
    ]);
    const energy = live().get(topicOf(DEVICE, 'energy'));
    expect(energy).toMatchObject({
      name: `${name} energy`,
      unique_id: `kilowatch_${nodeHash(DEVICE)}_energy`,
      // The entity_id seed stays: HA keeps the entity_id it made anyway.
      object_id: 'kilowatch_aurora_faro_kitchen_oven_energy',
    });
    expect(energy?.state_topic).toBe(`kilowatch/${PREFIX}/energy`);
  });

  it('retracts the room a device left, and publishes its new room', async () => {
    configLog.length = 0;
    const moved = await call('site.assign', { device: DEVICE, path: ['Aurora', 'Faro', 'Pantry'] });
    expect(moved).toMatchObject({ ok: true });
    // Energy of the minute under way stays where the minute began: the new room's aggregate (and
    // so its configs) comes with the first energy counted there, in the next minute.
    await reading();
    await new Promise((r) => setTimeout(r, 60_500 - (Date.now() % 60_000)));
    await reading();
    const pantry = 'room:Aurora/Faro/Pantry';
    await waitFor(
      () => configs.get(topicOf(pantry, 'energy'))?.startsWith('{') === true,
      15_000,
      'the Pantry configs',
    );
    await waitFor(
      () => configs.get(topicOf('room:Aurora/Faro/Kitchen', 'energy')) === '',
      10_000,
      'the Kitchen configs retracted',
    );
    expect(configs.get(topicOf('room:Aurora/Faro/Kitchen', 'power'))).toBe('');
    // Gone from the broker, not just overwritten: HA re-reading retained configs finds nothing.
    expect(await retainedOn(topicOf('room:Aurora/Faro/Kitchen', 'energy'))).toBeNull();
    const device = live().get(topicOf(DEVICE, 'energy'));
    expect(device?.device.identifiers).toEqual([`kilowatch_room_${nodeHash(pantry)}`]);
    expect(device?.device.name).toBe('Aurora / Faro / Pantry');
    expect(device?.state_topic).toMatch(/^kilowatch\/Aurora\/Faro\/Pantry\//);
    expect(live().size).toBe(8);
  }, 120_000);

  it('retracts, after a restart, configs of nodes gone while it was down; another site’s stay', async () => {
    await stop();
    const gone = topicOf('room:Aurora/Faro/Cellar', 'energy');
    const foreign = topicOf('room:Elsewhere/X/Y', 'energy');
    const stale = { state_topic: 'kilowatch/Aurora/Faro/Cellar/energy', unique_id: 'x' };
    const other = { state_topic: 'othersite/Elsewhere/X/Y/energy', unique_id: 'y' };
    await meter.publishAsync(gone, JSON.stringify(stale), { qos: 1, retain: true });
    await meter.publishAsync(foreign, JSON.stringify(other), { qos: 1, retain: true });
    await waitFor(() => configs.has(gone) && configs.has(foreign), 5000, 'the planted configs');
    await start();
    await waitFor(() => configs.get(gone) === '', 20_000, 'the stale config retracted');
    await new Promise((r) => setTimeout(r, 1500));
    expect(JSON.parse(configs.get(foreign) ?? '{}')).toEqual(other);
    await meter.publishAsync(foreign, '', { qos: 1, retain: true });
  });

  it('says once that discovery needs Kilowatch’s own topics, and takes its configs back', async () => {
    const set = await call('settings.set', { publishProfiles: ['coreflux-python'] });
    expect(set).toMatchObject({ ok: true });
    await waitFor(() => live().size === 0, 10_000, 'every config retracted');
    await new Promise((r) => setTimeout(r, 2000));
    const alerts = await call<{ alerts: Alert[] }>('alerts.query');
    if (!alerts.ok) throw new Error(alerts.error.message);
    expect(alerts.value.alerts.filter((a) => /Home Assistant discovery/.test(a.message))).toHaveLength(1);
    expect(await call('settings.set', { publishProfiles: ['kilowatch'] })).toMatchObject({ ok: true });
    await waitFor(() => live().size === 8, 10_000, 'the configs back');
  });
});
