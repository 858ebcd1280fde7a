/**
 * Coreflux-compatible publish profiles (README "Coreflux-compatible topics"): the built headless
 * console, a real Mosquitto, a Gen2 meter in the Coreflux unified namespace and the console
 * subscribed to the same root (`Coreflux/#`) it publishes the profiles under. The topics and
 * payloads are checked field by field against the console's own totals, at each example's
 * rhythm; the console never takes its own outputs for a device's. The builders are also checked
 * alone with names that would publish outside their branch if they were not escaped.
 */
import { writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeTotals, SiteNode, SiteTree } from '../../src/shared/contract';
import {
  csharpPublications,
  isCorefluxOutput,
  PythonPublisher,
} from '../../src/main/core/aggregate/coreflux-profiles';
import type { PublishProfile } from '../../src/main/core/aggregate/publish-profiles';
import { loadConfig } from '../../src/main/core/config';
import { switchNotify, testCore } from '../support/core';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

const totalsOf = (energyWh: number): NodeTotals => ({
  id: 'x',
  energyWh,
  returnedWh: 0,
  powerW: 0,
  todayWh: 0,
  devices: 1,
  reporting: 1,
  since: '2025-01-01T00:00:00.000Z',
});

describe('the profiles’ topics and payloads, alone', () => {
  // Every character that would leave a branch or make a wildcard if it reached a topic as it is.
  const path = ['Co+rp', 'Of#fice', 'Ro/om', 'De/v+#%'];
  const targets = [
    { node: 'company:c', path: path.slice(0, 1) },
    { node: 'office:o', path: path.slice(0, 2) },
    { node: 'room:r', path: path.slice(0, 3) },
    { node: 'device:d', path },
  ];
  const totals = new Map([
    ['company:c', totalsOf(12.3456)],
    ['office:o', totalsOf(12.3456)],
    ['room:r', totalsOf(7.5)],
    ['device:d', totalsOf(7.5)],
  ]);
  const NOW = Date.parse('2025-06-01T12:00:00.987Z');

  it('coreflux-csharp: escaped topics, the example’s four fields, Wh to 3 decimals, Unix seconds', () => {
    const out = csharpPublications(targets, totals, NOW);
    const byTopic = new Map(out.map((p) => [p.topic, JSON.parse(p.payload) as Record<string, unknown>]));
    expect([...byTopic.keys()]).toEqual([
      'Co%2Brp/CompanyEnergyConsumed',
      'Co%2Brp/Of%23fice/OfficeEnergyConsumed',
      'Co%2Brp/Of%23fice/Ro%2Fom/RoomEnergyConsumed',
      'Co%2Brp/Of%23fice/Ro%2Fom/De%2Fv%2B%23%25/status/EnergyConsumed',
    ]);
    const unixS = Math.floor(NOW / 1000);
    expect(byTopic.get('Co%2Brp/CompanyEnergyConsumed')).toStrictEqual({
      Name: 'Co+rp',
      Topic: 'Co%2Brp/CompanyEnergyConsumed',
      TotalEnergy: 12.346,
      UnixTimestamp: unixS,
    });
    expect(byTopic.get('Co%2Brp/Of%23fice/Ro%2Fom/RoomEnergyConsumed')).toStrictEqual({
      Name: 'Ro/om',
      Topic: 'Co%2Brp/Of%23fice/Ro%2Fom/RoomEnergyConsumed',
      TotalEnergy: 7.5,
      UnixTimestamp: unixS,
    });
    expect(byTopic.get('Co%2Brp/Of%23fice/Ro%2Fom/De%2Fv%2B%23%25/status/EnergyConsumed')).toStrictEqual({
      Name: 'De/v+#%',
      Topic: 'Co%2Brp/Of%23fice/Ro%2Fom/De%2Fv%2B%23%25/status/EnergyConsumed',
      TotalEnergyConsumed: 7.5,
      UnixTimestamp: unixS,
    });
    // Every topic stays in its own branch, and is a topic one may publish on.
    for (const { topic } of out) expect(topic).not.toMatch(/[+#]/);
    expect(out.map((p) => p.topic.split('/').length)).toEqual([2, 3, 4, 6]);
    // Published every time, changed or not.
    expect(csharpPublications(targets, totals, NOW)).toHaveLength(4);
  });

  it('coreflux-python: one escaped topic per room, Unix ms, and only when the total changed', () => {
    const python = new PythonPublisher();
    expect(python.changes(targets, totals, NOW)).toStrictEqual([
      {
        topic: 'Co%2Brp/Of%23fice/Ro%2Fom/aggregated/energy',
        payload: JSON.stringify({ timestamp: NOW, total_energy: 7.5 }),
      },
    ]);
    expect(python.changes(targets, totals, NOW + 15_000)).toEqual([]);
    const moved = new Map(totals).set('room:r', totalsOf(8.0001));
    const next = python.changes(targets, moved, NOW + 30_000);
    expect(next.map((p) => JSON.parse(p.payload) as unknown)).toStrictEqual([
      { timestamp: NOW + 30_000, total_energy: 8 },
    ]);
  });

  it('recognises exactly the outputs of the profiles that are on', () => {
    const both = new Set<PublishProfile>(['kilowatch', 'coreflux-csharp', 'coreflux-python']);
    const outputs = [
      ...csharpPublications(targets, totals, NOW),
      ...new PythonPublisher().changes(targets, totals, NOW),
    ].map((p) => p.topic);
    for (const topic of outputs) {
      expect(isCorefluxOutput(topic, both), topic).toBe(true);
      expect(isCorefluxOutput(topic, new Set(['kilowatch'])), topic).toBe(false);
    }
    expect(isCorefluxOutput('A/B/C/aggregated/energy', new Set(['coreflux-csharp']))).toBe(false);
    // A device's own messages are never taken for outputs.
    for (const topic of [
      'Coreflux/Porto/MeetingRoom/Light1/status/switch:0',
      'Coreflux/Porto/MeetingRoom/Light1/events/rpc',
      'Coreflux/Porto/MeetingRoom/Light1/status',
      'X/Coreflux/Porto/MeetingRoom/Light1/status/EnergyConsumed',
      'Coreflux/Porto/MeetingRoom/Light1/aggregated/energy',
    ])
      expect(isCorefluxOutput(topic, both), topic).toBe(false);
  });

  it('takes the profiles from kilowatch.toml, and refuses unknown or repeated names in words', () => {
    const dir = tempDir();
    try {
      const file = `${dir.path}/kilowatch.toml`;
      writeFileSync(file, '[publish]\nprefix = "kw"\n');
      const plain = loadConfig(file);
      expect(plain.ok && plain.value.config.publish.profiles).toEqual(['kilowatch']);
      writeFileSync(file, '[publish]\nprofiles = ["coreflux-csharp", "coreflux-python"]\n');
      const set = loadConfig(file);
      expect(set.ok && set.value.config.publish.profiles).toEqual(['coreflux-csharp', 'coreflux-python']);
      writeFileSync(file, '[publish]\nprofiles = ["kilowatch", "coreflux-java"]\n');
      const unknown = loadConfig(file);
      expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
      if (!unknown.ok)
        expect(unknown.error.message).toBe(
          `${file}: publish.profiles.1: unknown publish profile "coreflux-java"; ` +
            'use "kilowatch", "coreflux-csharp", "coreflux-python"',
        );
      writeFileSync(file, '[publish]\nprofiles = ["kilowatch", "kilowatch"]\n');
      const twice = loadConfig(file);
      expect(!twice.ok && twice.error.message).toContain(
        'publish.profiles: a publish profile is named twice',
      );
    } finally {
      dir.remove();
    }
  });

  it('changes at run time: ingest ignores the outputs only while their profile is on', async () => {
    const dir = tempDir();
    const t = testCore(`${dir.path}/core.db`);
    try {
      const refused = t.core.setPublishProfiles(['kilowatch', 'coreflux-rust']);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
      expect(t.core.publishProfiles).toEqual(['kilowatch']);
      const output = (name: string) => ({
        Name: name,
        Topic: `Acme/HQ/Lab/${name}/status/EnergyConsumed`,
        TotalEnergyConsumed: 1,
        UnixTimestamp: 1,
      });
      // Off: a topic of that shape is a device's like any other.
      t.feed('Acme/HQ/Lab/Before/status/EnergyConsumed', output('Before'));
      expect(t.core.stats.applied).toBe(1);
      expect(t.core.setPublishProfiles(['coreflux-csharp'])).toStrictEqual({
        ok: true,
        value: ['coreflux-csharp'],
      });
      const ignored = t.core.stats.ignored;
      t.feed('Acme/HQ/Lab/After/status/EnergyConsumed', output('After'));
      t.feed('Acme/HQ/Lab/RoomEnergyConsumed', { Name: 'Lab', TotalEnergy: 1 });
      expect(t.core.stats.ignored).toBe(ignored + 2);
      expect(t.core.stats.applied).toBe(1);
      expect(t.core.registry.find('Acme/HQ/Lab/After')).toBeUndefined();
    } finally {
      await t.close();
      dir.remove();
    }
  });
});

// ---- the built console on a real broker -----------------------------------------------------------

const PREFIX = 'Coreflux/Porto/MeetingRoom/Light1';
const SRC = 'shellyplus1pm-c4d8d5a1b2c3';
/** Staff named it otherwise: its csharp topic is not its own topic prefix. */
const NAME = 'Desk Lamp';
const DEVICE_TOPIC = `Coreflux/Porto/MeetingRoom/${NAME}/status/EnergyConsumed`;
const ROOM_TOPIC = 'Coreflux/Porto/MeetingRoom/RoomEnergyConsumed';
const OFFICE_TOPIC = 'Coreflux/Porto/OfficeEnergyConsumed';
const COMPANY_TOPIC = 'Coreflux/CompanyEnergyConsumed';
const PYTHON_TOPIC = 'Coreflux/Porto/MeetingRoom/aggregated/energy';

interface Seen {
  topic: string;
  payload: Record<string, unknown>;
  atMs: number;
  retain: boolean;
}

describe('on a running console and a real broker', () => {
  const dir = tempDir();
  let mosquitto: Mosquitto;
  let headless: Headless;
  let meter: MqttClient;
  let watcher: MqttClient;
  /** Everything the console published under Coreflux/ (not the meter's, not its commands). */
  const seen: Seen[] = [];
  let meterMessages = 0;
  let counted = false;
  const of = (topic: string) => seen.filter((s) => s.topic === topic);

  async function call<T>(command: string, params: unknown = {}): Promise<T> {
    const reply = (await api(headless.url, command, params)).body as unknown as Reply<T>;
    if (!reply.ok) throw new Error(`${command}: ${reply.error.message}`);
    return reply.value;
  }

  async function reading(totalWh: number): Promise<void> {
    const minuteS = Math.floor(Date.now() / 60_000) * 60;
    await meter.publishAsync(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, totalWh, minuteS), { qos: 1 });
    meterMessages++;
  }

  /** The console's own figures for a node, as site.tree gives them. */
  async function totalWh(node: string): Promise<number | undefined> {
    const tree = await call<SiteTree>('site.tree');
    return tree.totals.find((t) => t.id === node)?.energyWh;
  }

  beforeAll(async () => {
    const config = `${dir.path}/kilowatch.toml`;
    writeFileSync(
      config,
      '[site]\ntimezone = "UTC"\n\n[publish]\nprofiles = ["kilowatch", "coreflux-csharp", "coreflux-python"]\n',
    );
    mosquitto = await startMosquitto();
    meter = await testClient(mosquitto.url, 'coreflux-meter');
    watcher = await testClient(mosquitto.url, 'coreflux-dashboard');
    watcher.on('message', (topic, payload, packet) => {
      if (!/(EnergyConsumed|\/aggregated\/energy)$/.test(topic)) return;
      seen.push({
        topic,
        payload: JSON.parse(payload.toString('utf8')) as Record<string, unknown>,
        atMs: Date.now(),
        retain: packet.retain,
      });
    });
    await watcher.subscribeAsync('Coreflux/#', { qos: 1 });
    headless = await startHeadless(
      [
        '--broker',
        mosquitto.url,
        '--subscribe',
        'Coreflux/#',
        '--db',
        `${dir.path}/coreflux.db`,
        '--config',
        config,
        '--port',
        '0',
      ],
      { KILOWATCH_BROKER_PASSWORD: undefined, KILOWATCH_BROKER_USERNAME: undefined },
    );
    let subscribed = false;
    await waitFor(
      () => {
        void api(headless.url, 'connection.status', {}).then((r) => {
          const reply = r.body as unknown as Reply<{ subscribed: boolean }>;
          subscribed = reply.ok && reply.value.subscribed;
        });
        return subscribed;
      },
      15_000,
      'the console subscribed',
    );
    // A baseline, then 1.234 Wh.
    await reading(100);
    await reading(101.234);
    await waitFor(
      () => {
        void totalWh('company:Coreflux').then((wh) => (counted = wh === 1.234));
        return counted;
      },
      10_000,
      'the first energy counted',
    );
    await call('site.assign', { device: SRC, path: ['Coreflux', 'Porto', 'MeetingRoom'], name: NAME });
  }, 60_000);

  afterAll(async () => {
    await meter?.endAsync();
    await watcher?.endAsync();
    await headless?.stop();
    await mosquitto?.stop();
    dir.remove();
  });

  it('coreflux-csharp: every 10 s, device, room, office and company, the console’s own totals', async () => {
    // Two rounds with the device under its new name: 10 s apart, unchanged figures published again.
    await waitFor(() => of(DEVICE_TOPIC).length >= 2, 35_000, 'two rounds of coreflux-csharp');
    const [first, second] = of(DEVICE_TOPIC) as [Seen, Seen];
    expect(second.atMs - first.atMs).toBeGreaterThan(8_500);
    expect(second.atMs - first.atMs).toBeLessThan(11_500);
    await waitFor(
      () => of(COMPANY_TOPIC).filter((s) => s.atMs >= second.atMs - 1000).length > 0,
      3000,
      'the company',
    );
    const own = {
      device: await totalWh(`device:${PREFIX}`),
      room: await totalWh('room:Coreflux/Porto/MeetingRoom'),
      office: await totalWh('office:Coreflux/Porto'),
      company: await totalWh('company:Coreflux'),
    };
    expect(own).toStrictEqual({ device: 1.234, room: 1.234, office: 1.234, company: 1.234 });
    const latest = (topic: string) => of(topic).at(-1) as Seen;
    const cases: Array<[string, string, string, number | undefined]> = [
      [DEVICE_TOPIC, NAME, 'TotalEnergyConsumed', own.device],
      [ROOM_TOPIC, 'MeetingRoom', 'TotalEnergy', own.room],
      [OFFICE_TOPIC, 'Porto', 'TotalEnergy', own.office],
      [COMPANY_TOPIC, 'Coreflux', 'TotalEnergy', own.company],
    ];
    for (const [topic, name, field, wh] of cases) {
      const { payload, atMs, retain } = latest(topic);
      expect(Object.keys(payload).sort(), topic).toEqual(['Name', 'Topic', field, 'UnixTimestamp'].sort());
      expect(payload.Name, topic).toBe(name);
      expect(payload.Topic, topic).toBe(topic);
      expect(payload[field], topic).toBe(wh);
      expect(Number.isInteger(payload.UnixTimestamp), topic).toBe(true);
      expect(Math.abs((payload.UnixTimestamp as number) - atMs / 1000), topic).toBeLessThan(3);
      // Not retained, as in the example.
      expect(retain, topic).toBe(false);
    }
    // Kilowatch's own topics go on beside them.
    expect(await totalWh('company:Coreflux')).toBe(1.234);
  }, 60_000);

  it('coreflux-python: every 15 s only when the room’s total changed, Unix ms', async () => {
    await waitFor(() => of(PYTHON_TOPIC).length >= 1, 20_000, 'the first coreflux-python message');
    const first = of(PYTHON_TOPIC)[0] as Seen;
    expect(Object.keys(first.payload).sort()).toEqual(['timestamp', 'total_energy']);
    expect(first.payload.total_energy).toBe(await totalWh('room:Coreflux/Porto/MeetingRoom'));
    expect(first.payload.total_energy).toBe(1.234);
    expect(Math.abs((first.payload.timestamp as number) - first.atMs)).toBeLessThan(2000);
    expect(first.retain).toBe(false);
    // The next turn, 15 s on, has nothing new to say: nothing is published.
    const quietUntil = first.atMs + 16_500;
    await waitFor(() => Date.now() > quietUntil, 20_000, 'the next coreflux-python turn');
    expect(of(PYTHON_TOPIC)).toHaveLength(1);
    // The room's total moves: the following turn says so.
    await reading(102.5);
    await waitFor(() => of(PYTHON_TOPIC).length >= 2, 17_000, 'coreflux-python after a change');
    const second = of(PYTHON_TOPIC)[1] as Seen;
    expect(second.payload.total_energy).toBe(2.5);
    expect(second.payload.total_energy).toBe(await totalWh('room:Coreflux/Porto/MeetingRoom'));
    expect(Math.abs((second.payload.timestamp as number) - second.atMs)).toBeLessThan(2000);
    // On the 15 s rhythm: two turns after the first.
    expect(second.atMs - first.atMs).toBeGreaterThan(28_000);
    expect(second.atMs - first.atMs).toBeLessThan(32_000);
  }, 60_000);

  it('never reads its own Coreflux outputs back as a device’s', async () => {
    const outputs = seen.length;
    expect(outputs).toBeGreaterThan(8);
    await new Promise((r) => setTimeout(r, 500));
    const stats = await call<{
      applied: number;
      ignored: number;
      devices: number;
      rejected: Record<string, number>;
    }>('stats.get');
    // Only the meter's messages were read; the outputs were ignored, not rejected.
    expect(stats.applied).toBe(meterMessages);
    expect(stats.ignored).toBeGreaterThanOrEqual(outputs);
    expect(stats.rejected).toStrictEqual({});
    expect(stats.devices).toBe(1);
    const tree = await call<SiteTree>('site.tree');
    const devices: string[] = [];
    const walk = (nodes: SiteNode[]): void => {
      for (const n of nodes) {
        if (n.kind === 'device') devices.push(n.id);
        walk(n.children);
      }
    };
    walk(tree.nodes);
    expect(devices).toEqual([`device:${PREFIX}`]);
    expect(JSON.stringify(tree)).not.toContain('EnergyConsumed');
    expect(JSON.stringify(tree)).not.toContain('aggregated');
  });
});
