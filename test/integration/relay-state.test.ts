/**
 * A relay's state comes from the device, never left "Unknown" while the device can say it. Gen2+
 * devices notify their energy counters without `output`, so a relay first seen through its energy
 * has no state: the console asks the device (`Shelly.GetStatus`, Gen1 `update`) through a real
 * Mosquitto, and the answer shows in `site.tree`. A relay whose state is known is never asked.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import { switchNotify } from '../support/core';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

const SILENT = { prefix: 'State/HQ/Desk/Heater', src: 'shellyplus1pm-c0ffee000011' };
const KNOWN = { prefix: 'State/HQ/Desk/Lamp', src: 'shellyplus1pm-c0ffee000012' };
const GEN1_ID = 'shelly1pm-D4E5F6';

const dir = tempDir();
let mosquitto: Mosquitto;
let core: KilowatchConsole;
let store: Store;
let device: MqttClient;
let clientId: string;
const arrived: Array<{ topic: string; payload: string }> = [];

async function outputOf(channelId: string): Promise<boolean | null | undefined> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return findNode(tree.value.nodes, channelId)?.output;
}

async function until<T>(read: () => Promise<T>, isDone: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(value)})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The fake devices answer a status request the way a Shelly does. */
function answer(topic: string, payload: string): void {
  arrived.push({ topic, payload });
  if (topic === `${SILENT.prefix}/rpc`) {
    const request = JSON.parse(payload) as { id: number; src: string; method: string };
    if (request.method !== 'Shelly.GetStatus') return;
    void device.publishAsync(
      `${request.src}/rpc`,
      JSON.stringify({
        id: request.id,
        src: SILENT.src,
        dst: request.src,
        result: {
          sys: { uptime: 5000 },
          'switch:0': {
            id: 0,
            source: 'init',
            output: true,
            apower: 812.4,
            aenergy: { by_minute: [0, 0, 0], minute_ts: 1741593600, total: 1200.5 },
          },
        },
      }),
    );
  }
  if (topic === `shellies/${GEN1_ID}/command` && payload === 'update')
    void device.publishAsync(`shellies/${GEN1_ID}/relay/0`, 'on');
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const opened = openConsole({
    dbPath: `${dir.path}/state.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  clientId = store.setting('client-id') as string;
  expect(
    await core.connect({
      name: 'state',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['State/#', 'shellies/#'],
    }),
  ).toBeNull();
  device = await testClient(mosquitto.url, 'fake-devices');
  device.on('message', (topic, payload) => answer(topic, payload.toString('utf8')));
  await device.subscribeAsync(
    [`${SILENT.prefix}/rpc`, `${KNOWN.prefix}/rpc`, `shellies/${GEN1_ID}/command`],
    { qos: 1 },
  );
});

afterAll(async () => {
  await device?.endAsync();
  await core?.close();
  store?.close();
  await mosquitto?.stop();
  dir.remove();
});

describe('relay state', () => {
  it('asks a Gen2 relay first seen through its energy for its status, and shows the output it reports', async () => {
    // First a relay whose status said its output: nobody needs to ask it.
    await device.publishAsync(
      `${KNOWN.prefix}/events/rpc`,
      JSON.stringify({
        src: KNOWN.src,
        dst: `${KNOWN.prefix}/events`,
        method: 'NotifyStatus',
        params: {
          ts: 1741593600.22,
          'switch:0': {
            id: 0,
            output: false,
            aenergy: { by_minute: [0, 0, 0], minute_ts: 1741593600, total: 10 },
          },
        },
      }),
      { qos: 1 },
    );
    await until(
      () => outputOf(`channel:${KNOWN.prefix}|switch:0`),
      (v) => v === false,
      'the known relay',
    );
    // Newly seen, it was asked for its status once (every new Gen2+ device is); never again now
    // that its state is known, whatever it sends.
    const statusAsks = () => arrived.filter((a) => a.payload.includes('"Shelly.GetStatus"'));
    await until(
      async () => statusAsks().map((a) => a.topic),
      (topics) => topics.length > 0,
      'the newly seen device asked',
    );
    expect(statusAsks().map((a) => a.topic)).toEqual([`${KNOWN.prefix}/rpc`]);
    arrived.length = 0;
    await device.publishAsync(
      `${KNOWN.prefix}/events/rpc`,
      switchNotify(KNOWN.src, KNOWN.prefix, 10, 1741593600),
      {
        qos: 1,
      },
    );
    // Then one whose minute notification carries only its energy, as every Plus 1PM's does.
    await device.publishAsync(
      `${SILENT.prefix}/events/rpc`,
      switchNotify(SILENT.src, SILENT.prefix, 1200.5, 1741593600),
      { qos: 1 },
    );
    const output = await until(
      () => outputOf(`channel:${SILENT.prefix}|switch:0`),
      (v) => v !== null && v !== undefined,
      'the silent relay’s state',
    );
    expect(output).toBe(true);
    // One request, byte for byte, to the silent device only (both rpc topics reach one client in
    // order, so a request to the known device would have arrived first).
    expect(statusAsks().length).toBe(1);
    expect(statusAsks()[0]?.topic).toBe(`${SILENT.prefix}/rpc`);
    const { id } = JSON.parse(statusAsks()[0]?.payload ?? '') as { id: number };
    expect(statusAsks()[0]?.payload).toBe(JSON.stringify({ id, src: clientId, method: 'Shelly.GetStatus' }));
  });

  it('asks a Gen1 relay first seen through its energy to republish its state', async () => {
    arrived.length = 0;
    await device.publishAsync(`shellies/${GEN1_ID}/relay/0/energy`, '6000', { qos: 1 });
    const output = await until(
      () => outputOf(`channel:shellies/${GEN1_ID}|relay:0`),
      (v) => v !== null && v !== undefined,
      'the Gen1 relay’s state',
    );
    expect(output).toBe(true);
    expect(arrived).toEqual([{ topic: `shellies/${GEN1_ID}/command`, payload: 'update' }]);
  });
});

describe('relay state in site.tree', () => {
  it('follows the output of every status that carries it: NotifyStatus and the status topic', async () => {
    const prefix = KNOWN.prefix;
    const channel = `channel:${prefix}|switch:0`;
    const notify = (fields: Record<string, unknown>) =>
      device.publishAsync(
        `${prefix}/events/rpc`,
        JSON.stringify({
          src: KNOWN.src,
          dst: `${prefix}/events`,
          method: 'NotifyStatus',
          params: { ts: 1741593660.22, 'switch:0': { id: 0, ...fields } },
        }),
        { qos: 1 },
      );
    await notify({ output: true, source: 'button' });
    await until(
      () => outputOf(channel),
      (v) => v === true,
      'output:true',
    );
    await device.publishAsync(`${prefix}/events/rpc`, switchNotify(KNOWN.src, prefix, 11, 1741593660), {
      qos: 1,
    });
    // A status topic (what Gen2 devices retain) says off, after an energy-only notice.
    await device.publishAsync(`${prefix}/status/switch:0`, JSON.stringify({ id: 0, output: false }), {
      qos: 1,
    });
    await until(
      () => outputOf(channel),
      (v) => v === false,
      'the status topic’s output:false',
    );
  });
});
