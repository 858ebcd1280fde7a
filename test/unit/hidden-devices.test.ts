/**
 * Issue #13, item 4: nothing hidden. Every device the console has heard is in `site.tree`, under
 * its place or Unassigned: a Pro 1CB's breaker with its state, a thermostat, a Presence and a
 * Wall Display with their readings as the room's climate. A device whose every message was
 * rejected is listed but not reporting. The statuses are real device dumps from Home Assistant's
 * fixtures (test/fixtures/shelly/real/ha-status, cited in the README there).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage, Sensor, SiteNode, SiteTree } from '../../src/shared/contract';
import { testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

interface HaDump {
  shelly: { id: string; model: string };
  topic_prefix: string;
  config?: Record<string, Record<string, unknown>>;
  status: Record<string, unknown>;
}

const dump = (name: string): HaDump =>
  JSON.parse(
    readFileSync(resolve(__dirname, '../fixtures/shelly/real/ha-status', `${name}.json`), 'utf8'),
  ) as HaDump;

const T0 = Date.parse('2025-10-02T12:00:00Z');
const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function start(): TestCore {
  const dir = tempDir();
  dirs.push(dir);
  return testCore(`${dir.path}/kw.db`, new Date(T0).toISOString());
}

/** The device's own status as its first NotifyFullStatus, as a Shelly sends it on connect. */
function fullStatus(t: TestCore, d: HaDump, atMs: number): void {
  t.setTime(atMs);
  t.feed(`${d.topic_prefix}/events/rpc`, {
    src: d.shelly.id,
    dst: `${d.topic_prefix}/events`,
    method: 'NotifyFullStatus',
    params: { ts: atMs / 1000, ...d.status },
  });
}

async function tree(t: TestCore): Promise<SiteTree> {
  const reply = await t.core.handlers['site.tree']({});
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

function find(nodes: SiteNode[], id: string): SiteNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const below = find(node.children, id);
    if (below) return below;
  }
  return undefined;
}

const sensorOf = (t: SiteTree, address: string): Sensor | undefined =>
  t.sensors.find((s) => s.address === address);

describe('devices without energy in site.tree', () => {
  it('shows a Pro 1CB with its breaker state, under Unassigned', async () => {
    const t = start();
    const cb = dump('pro1cb_gen2');
    fullStatus(t, cb, T0 + 1000);
    const site = await tree(t);
    const unassigned = site.nodes.find((n) => n.kind === 'unassigned');
    const device = unassigned?.children.find((n) => n.id === `device:${cb.topic_prefix}`);
    expect(device).toMatchObject({ kind: 'device', online: true, lastSeen: '2025-10-02T12:00:01.000Z' });
    expect(device?.children.map((c) => [c.id, c.output, c.switchable])).toEqual([
      [`channel:${cb.topic_prefix}|cb:0`, true, undefined],
    ]);
    await t.close();
  });

  it('shows a Presence and a Wall Display with their readings; a sensor error is no reading', async () => {
    const t = start();
    const presence = dump('presence_gen4');
    const wall = dump('wall_display_xl');
    fullStatus(t, presence, T0 + 1000);
    fullStatus(t, wall, T0 + 2000);
    const site = await tree(t);
    expect(find(site.nodes, `device:${presence.topic_prefix}`)).toMatchObject({ online: true, children: [] });
    expect(find(site.nodes, `channel:${wall.topic_prefix}|switch:0`)).toMatchObject({
      switchable: true,
      output: true,
    });
    expect(sensorOf(site, presence.shelly.id)).toMatchObject({
      source: 'device',
      device: `device:${presence.topic_prefix}`,
      model: null,
      room: null,
      occupied: true,
      temperatureC: null,
      humidityPct: null,
      lastUpdated: '2025-10-02T12:00:01.000Z',
    });
    // The Wall Display XL's dump has no temperature driver: −275.15 °C with `errors` is no reading.
    // Its `src` is upper case, not a Shelly id the decoder trusts: it is known by its prefix.
    expect(sensorOf(site, wall.topic_prefix)).toMatchObject({
      source: 'device',
      temperatureC: null,
      humidityPct: null,
      illuminanceLux: 120,
      lastUpdated: '2025-10-02T12:00:02.000Z',
    });
    await t.close();
  });

  it("puts a thermostat's temperature and humidity in its room's climate, from its virtual numbers' roles", async () => {
    const t = start();
    const st = dump('st1820_gen3');
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    fullStatus(t, st, T0 + 1000);
    const assigned = await t.core.handlers['site.assign']({
      device: st.shelly.id,
      path: ['Coreflux', 'Porto', 'Bedroom'],
      name: 'Floor heating',
    });
    expect(assigned.ok).toBe(true);
    // Its numbers mean nothing yet: the roles are in its config, asked with Shelly.GetComponents.
    expect(sensorOf(await tree(t), st.shelly.id)).toBeUndefined();
    const components = Object.entries(st.config ?? {})
      .filter(([key]) => key.startsWith('number:'))
      .map(([key, config]) => ({ key, status: st.status[key], config }));
    t.setTime(T0 + 1500);
    t.feed('kilowatch-console/rpc', {
      id: 7,
      src: st.shelly.id,
      dst: 'kilowatch-console',
      result: { components, cfg_rev: 34, offset: 0, total: components.length },
    });
    const site = await tree(t);
    const room = 'room:Coreflux/Porto/Bedroom';
    expect(find(site.nodes, room)?.children.map((c) => [c.id, c.name, c.online])).toEqual([
      [`device:${st.topic_prefix}`, 'Floor heating', true],
    ]);
    expect(sensorOf(site, st.shelly.id)).toEqual({
      address: st.shelly.id,
      name: 'Floor heating',
      model: null,
      source: 'device',
      gateway: null,
      room,
      device: `device:${st.topic_prefix}`,
      temperatureC: 25.5,
      humidityPct: 59,
      batteryPct: null,
      rssiDbm: null,
      packetId: null,
      lastUpdated: '2025-10-02T12:00:01.500Z',
    });
    // The target temperature (number:202, 27 °C) is a setting, not the room's temperature. The
    // windows hear of the sensor once per message.
    const readings = events.filter((e) => e.event === 'sensor.reading').map((e) => e.payload as Sensor);
    expect(readings.map((s) => [s.temperatureC, s.humidityPct, s.lastUpdated])).toEqual([
      [25.5, 59, '2025-10-02T12:00:01.500Z'],
    ]);
    await t.close();
  });
});

describe('a device whose every message was rejected', () => {
  it('is in the tree but not reporting, with no last-seen', async () => {
    const t = start();
    const prefix = 'Coreflux/Porto/Lab/Broken';
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    for (const [i, energy] of [{ total: 'lots' }, { by_minute: [1] }].entries()) {
      t.setTime(T0 + 60_000 * (i + 1));
      t.feed(`${prefix}/events/rpc`, {
        src: 'shellyplus1pm-bad0bad0bad0',
        dst: `${prefix}/events`,
        method: 'NotifyStatus',
        params: { ts: (T0 + 60_000 * (i + 1)) / 1000, 'switch:0': { id: 0, aenergy: energy } },
      });
    }
    const stats = await t.core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.devices).toBe(1);
    expect(stats.value.applied).toBe(2);
    const device = find((await tree(t)).nodes, `device:${prefix}`);
    expect(device).toMatchObject({ kind: 'device', online: false, children: [] });
    expect(device?.lastSeen).toBeUndefined();
    expect(events.filter((e) => e.event === 'device.discovered')).toEqual([]);
    await t.close();
  });
});
