/**
 * Issue #13, the gaps left in "real sites, real devices", through a real Mosquitto:
 * - the ST802 (`st-802-<mac>`) and the Wall Display (`ShellyWallDisplay-<MAC>`) are trusted by their
 *   real ids, so the ST802's RPC replies are read (its temperature needs the roles in them);
 * - a Gen1 H&T's temperature, humidity and battery, and a Gen1 Flood's, reach the room's climate;
 *   water raises one alert (not one per repeat) and its end another;
 * - a Gen1 3EM's `emeter/<i>/voltage`, `current` and `pf` are the phase's electrical figures.
 * Nothing here answers requests: each device publishes what the real one would.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import type { EventMessage, Sensor, SiteNode } from '../../src/shared/contract';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

const ST802 = 'st-802-8cbfeaa74600';
const WALL = { id: 'ShellyWallDisplay-AABBCCDDEEFF', prefix: 'Acme/HQ/Lobby/Display' };
const HT = 'shellyht-6FDA8D';
const FLOOD = 'shellyflood-A4CF12F45E3B';
const EM3 = 'shellyem3-ECFABC7A1B2C';

const dir = tempDir();
let mosquitto: Mosquitto;
let core: KilowatchConsole;
let store: Store;
let device: MqttClient;
let clientId: string;
const events: EventMessage[] = [];

async function tree(): Promise<{ nodes: SiteNode[]; sensors: Sensor[] }> {
  const reply = await core.handlers['site.tree']({});
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

async function until<T>(read: () => Promise<T>, isDone: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sensorOf = async (address: string): Promise<Sensor | undefined> =>
  (await tree()).sensors.find((s) => s.address === address);

const publish = (topic: string, payload: string | object, retain = false) =>
  device.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
    qos: 1,
    retain,
  });

const waterAlerts = () =>
  events
    .filter((e) => e.event === 'alert' && (e.payload as { kind: string }).kind === 'water-leak')
    .map((e) => e.payload as { severity: string; message: string; node?: string });

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const opened = openConsole({
    dbPath: `${dir.path}/gaps.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  core.on((m) => events.push(m));
  clientId = store.setting('client-id') as string;
  expect(
    await core.connect({
      name: 'gaps',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['shellies/#', `${ST802}/#`, 'Acme/#'],
    }),
  ).toBeNull();
  device = await testClient(mosquitto.url, 'fake-devices');
});

afterAll(async () => {
  await device?.endAsync();
  await core?.close();
  store?.close();
  await mosquitto?.stop();
  dir.remove();
});

describe('real device ids', () => {
  it("reads an ST802's RPC reply: the roles in it make its virtual number a temperature", async () => {
    // The thermostat's room temperature is a virtual number; which one only its config says.
    await publish(`${ST802}/events/rpc`, {
      src: ST802,
      dst: `${ST802}/events`,
      method: 'NotifyStatus',
      params: { ts: 1741593600.5, 'number:201': { value: 22.5 } },
    });
    await until(
      async () => (await tree()).nodes.find((n) => n.id === 'unassigned')?.children ?? [],
      (c) => c.some((n) => n.id === `device:${ST802}`),
      'the ST802 in the tree',
    );
    // Its Shelly.GetComponents reply arrives on the console's own reply topic, known by `src` alone.
    await publish(`${clientId}/rpc`, {
      id: 4242,
      src: ST802,
      dst: clientId,
      result: {
        components: [
          {
            key: 'number:201',
            config: { id: 201, name: 'Current temperature', role: 'current_temperature' },
          },
        ],
        cfg_rev: 7,
        offset: 0,
        total: 1,
      },
    });
    const sensor = await until(
      () => sensorOf(ST802),
      (s) => s?.temperatureC === 22.5,
      'its temperature',
    );
    expect(sensor).toMatchObject({ source: 'device', device: `device:${ST802}`, temperatureC: 22.5 });
  });

  it('knows a Wall Display by its capitalised id', async () => {
    await publish(`${WALL.prefix}/events/rpc`, {
      src: WALL.id,
      dst: `${WALL.prefix}/events`,
      method: 'NotifyStatus',
      params: { ts: 1741593600.5, 'illuminance:0': { id: 0, lux: 120, illumination: 'bright' } },
    });
    const sensor = await until(
      () => sensorOf(WALL.id),
      (s) => s !== undefined,
      'the display by its id',
    );
    expect(sensor).toMatchObject({
      illuminanceLux: 120,
      device: `device:${WALL.prefix}`,
      room: 'room:Acme/HQ/Lobby',
    });
  });
});

describe('Gen1 battery sensors', () => {
  it("feed an H&T's temperature, humidity and battery into its room's climate", async () => {
    expect((await core.handlers['site.assign']({ device: HT, path: ['Acme', 'HQ', 'Lab'] })).ok).toBe(true);
    await publish(`shellies/${HT}/sensor/temperature`, '21.75', true);
    await publish(`shellies/${HT}/sensor/humidity`, '48.5', true);
    await publish(`shellies/${HT}/sensor/battery`, '87', true);
    // Not a reading: a broken probe's out-of-range value.
    const sensor = await until(
      () => sensorOf(HT),
      (s) => s?.batteryPct === 87,
      'the H&T',
    );
    expect(sensor).toMatchObject({
      source: 'device',
      room: 'room:Acme/HQ/Lab',
      temperatureC: 21.8,
      humidityPct: 48.5,
      batteryPct: 87,
      device: `device:shellies/${HT}`,
    });
    await publish(`shellies/${HT}/sensor/temperature`, '999');
    await until(
      () => sensorOf(HT),
      (s) => s?.temperatureC === null,
      'the implausible temperature refused',
    );
  });

  it('raise one alert when a Flood finds water, and one when it is dry again', async () => {
    await core.handlers['site.assign']({ device: FLOOD, path: ['Acme', 'HQ', 'Kitchen'] });
    await publish(`shellies/${FLOOD}/sensor/flood`, 'false', true);
    await publish(`shellies/${FLOOD}/sensor/temperature`, '19.5', true);
    await publish(`shellies/${FLOOD}/sensor/battery`, '95', true);
    await until(
      () => sensorOf(FLOOD),
      (s) => s?.batteryPct === 95,
      'the Flood',
    );
    expect(waterAlerts()).toEqual([]);

    await publish(`shellies/${FLOOD}/sensor/flood`, 'true', true);
    await publish(`shellies/${FLOOD}/sensor/flood`, 'true', true); // a repeat is no new flood
    await publish(`shellies/${FLOOD}/sensor/battery`, '94', true);
    const wet = await until(
      () => sensorOf(FLOOD),
      (s) => s?.batteryPct === 94,
      'the repeat read',
    );
    expect(wet).toMatchObject({ waterDetected: true, temperatureC: 19.5, room: 'room:Acme/HQ/Kitchen' });
    expect(waterAlerts()).toEqual([
      {
        ...waterAlerts()[0],
        severity: 'error',
        message: `Acme / HQ / Kitchen / ${FLOOD}: water detected by ${FLOOD}.`,
        node: `device:shellies/${FLOOD}`,
      },
    ]);

    await publish(`shellies/${FLOOD}/sensor/flood`, 'false', true);
    await until(
      () => sensorOf(FLOOD),
      (s) => s?.waterDetected === false,
      'dry again',
    );
    expect(waterAlerts().map((a) => [a.severity, a.message])).toEqual([
      ['error', `Acme / HQ / Kitchen / ${FLOOD}: water detected by ${FLOOD}.`],
      ['info', `Acme / HQ / Kitchen / ${FLOOD}: ${FLOOD} is dry again.`],
    ]);
  });
});

describe('Gen1 3EM', () => {
  it("shows each phase's voltage, current and power factor; a broken value is refused", async () => {
    const phase = (i: number, v: string, a: string, pf: string, w: string) => [
      publish(`shellies/${EM3}/emeter/${i}/total`, '1000.5'),
      publish(`shellies/${EM3}/emeter/${i}/voltage`, v),
      publish(`shellies/${EM3}/emeter/${i}/current`, a),
      publish(`shellies/${EM3}/emeter/${i}/pf`, pf),
      publish(`shellies/${EM3}/emeter/${i}/power`, w),
    ];
    // Its model names its emeters as phases.
    await publish('shellies/announce', {
      id: EM3,
      model: 'SHEM-3',
      mac: 'ECFABC7A1B2C',
      fw_ver: '20230913-114244',
    });
    await Promise.all([
      ...phase(0, '231.5', '4.12', '0.87', '829.8'),
      ...phase(1, '229.9', '0.35', '-0.42', '-33.8'),
    ]);
    await publish(`shellies/${EM3}/emeter/2/voltage`, 'lots');
    await publish(`shellies/${EM3}/emeter/2/current`, '20000');
    const channel = (i: number) => `channel:shellies/${EM3}|emeter:${i}`;
    const phases = await until(
      async () => {
        const nodes = (await tree()).nodes;
        return [findNode(nodes, channel(0)), findNode(nodes, channel(1))];
      },
      ([a, b]) => a?.electrical?.powerW === 829.8 && b?.electrical?.powerW === -33.8,
      'both phases',
    );
    expect(phases.map((n) => [n?.name, n?.electrical])).toEqual([
      ['Phase A', { voltageV: 231.5, currentA: 4.12, powerFactor: 0.87, powerW: 829.8 }],
      ['Phase B', { voltageV: 229.9, currentA: 0.35, powerFactor: -0.42, powerW: -33.8 }],
    ]);
    const stats = await until(
      async () => {
        const reply = await core.handlers['stats.get']({});
        if (!reply.ok) throw new Error(reply.error.message);
        return reply.value.rejected;
      },
      (r) => r['implausible-reading'] === 1,
      'the refusals counted',
    );
    expect(stats).toMatchObject({ 'not-a-number': 1, 'implausible-reading': 1 });
  });
});
