/**
 * Channels carry the names people use, through a real Mosquitto: a Gen2+ device is asked for its
 * configuration (`Shelly.GetConfig`) and its outlets show as named there (the Power Strip Gen4's
 * real configuration from Home Assistant's fixtures); unnamed ones and devices that never answer
 * get friendly defaults, never `switch:0` or `emdata:0/a`; a device saying its configuration
 * changed is asked again; a staff rename wins over the device's name and survives a restart.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import type { SiteNode } from '../../src/shared/contract';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

const FIXTURES = resolve(__dirname, '../fixtures/shelly');
const strip = JSON.parse(readFileSync(`${FIXTURES}/config/power-strip-gen4.json`, 'utf8')) as {
  config: Record<string, Record<string, unknown>>;
  shelly: { id: string; model: string; gen: number; name: string; ver: string };
};
const stripStatus = (
  JSON.parse(readFileSync(`${FIXTURES}/real/gen4-power-strip.json`, 'utf8')) as {
    messages: Array<{ topic: string; payload: string }>;
  }
).messages[0] as { topic: string; payload: string };
const pro3em = (
  JSON.parse(readFileSync(`${FIXTURES}/real/gen2-pro3em-real.json`, 'utf8')) as {
    messages: Array<{ topic: string; payload: string }>;
  }
).messages[0] as { topic: string; payload: string };

const STRIP = strip.shelly.id; // its topic prefix is its id
const PRO3EM = 'shellypro3em-aabbccddeeff';
const channel = (key: string, component: string) => `channel:${key}|${component}`;

const dir = tempDir();
let mosquitto: Mosquitto;
let core: KilowatchConsole;
let store: Store;
let device: MqttClient;
/** What the strip's configuration says now; a test changes it as staff would in the Shelly app. */
let config = structuredClone(strip.config);
const configRequests: string[] = [];

async function nodeOf(id: string): Promise<SiteNode | undefined> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return findNode(tree.value.nodes, id);
}

async function namesOf(key: string, components: string[]): Promise<Array<string | undefined>> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return components.map((c) => findNode(tree.value.nodes, channel(key, c))?.name);
}

async function until<T>(read: () => Promise<T>, isDone: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (isDone(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The strip answers Shelly.GetConfig as the real one does; the Pro 3EM never answers. */
function answer(topic: string, payload: string): void {
  if (topic !== `${STRIP}/rpc`) return;
  const request = JSON.parse(payload) as { id: number; src: string; method: string };
  if (request.method !== 'Shelly.GetConfig') return;
  configRequests.push(payload);
  void device.publishAsync(
    `${request.src}/rpc`,
    JSON.stringify({ id: request.id, src: STRIP, dst: request.src, result: config }),
  );
}

async function open(): Promise<void> {
  const opened = openConsole({
    dbPath: `${dir.path}/state.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
}

async function connect(): Promise<void> {
  expect(
    await core.connect({
      name: 'names',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['shellypstripg4-aabbccddeeff/#', 'shellypro3em-aabbccddeeff/#'],
    }),
  ).toBeNull();
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  await open();
  await connect();
  device = await testClient(mosquitto.url, 'fake-devices');
  device.on('message', (topic, payload) => answer(topic, payload.toString('utf8')));
  await device.subscribeAsync([`${STRIP}/rpc`, `${PRO3EM}/rpc`], { qos: 1 });
});

afterAll(async () => {
  await device?.endAsync();
  await core?.close();
  store?.close();
  await mosquitto?.stop();
  dir.remove();
});

describe('channel names', () => {
  it('names the Power Strip’s outlets as its own configuration does, the unnamed ones "Outlet n"', async () => {
    // A Gen2+ device announces itself (its GetDeviceInfo) on connect, then notifies its status.
    await device.publishAsync(`${STRIP}/announce`, JSON.stringify(strip.shelly), { qos: 1 });
    await device.publishAsync(stripStatus.topic, stripStatus.payload, { qos: 1 });
    const outlets = ['switch:0', 'switch:1', 'switch:2', 'switch:3'];
    const names = await until(
      () => namesOf(STRIP, outlets),
      (n) => n[1] === 'Switch 1 name',
      'the strip’s names',
    );
    expect(names).toEqual(['Outlet 1', 'Switch 1 name', 'Outlet 3', 'Switch 3 name']);
    // The product, not the code, names the model; the code stays in the details.
    const node = await nodeOf(`device:${STRIP}`);
    expect(node?.product).toBe('Power Strip 4 Gen4');
    expect(node?.model).toBe('S4PL-00416EU');
    expect(configRequests).toHaveLength(1);
  });

  it('asks again when the device says its configuration changed', async () => {
    config = structuredClone(strip.config);
    (config['switch:0'] as Record<string, unknown>).name = 'Kettle';
    await device.publishAsync(
      `${STRIP}/events/rpc`,
      JSON.stringify({
        src: STRIP,
        dst: `${STRIP}/events`,
        method: 'NotifyEvent',
        params: {
          ts: 1762082700.1,
          events: [
            {
              component: 'sys',
              event: 'config_changed',
              restart_required: false,
              ts: 1762082700.1,
              cfg_rev: 32,
            },
          ],
        },
      }),
      { qos: 1 },
    );
    const names = await until(
      () => namesOf(STRIP, ['switch:0']),
      (n) => n[0] === 'Kettle',
      'the new name',
    );
    expect(names).toEqual(['Kettle']);
    expect(configRequests).toHaveLength(2);
  });

  it('gives a device that never names its channels friendly defaults, never the component keys', async () => {
    await device.publishAsync(pro3em.topic, pro3em.payload, { qos: 1 });
    const names = await until(
      () => namesOf(PRO3EM, ['emdata:0', 'emdata:0/a', 'emdata:0/b', 'emdata:0/c']),
      (n) => n[0] !== undefined,
      'the Pro 3EM',
    );
    expect(names).toEqual(['Meter', 'Phase A', 'Phase B', 'Phase C']);
  });

  it('lets staff rename a channel: the rename beats the device’s name and survives a restart', async () => {
    const renamed = await core.handlers['site.rename']({ node: channel(STRIP, 'switch:1'), name: 'Printer' });
    expect(renamed).toEqual({ ok: true, value: { node: channel(STRIP, 'switch:1'), name: 'Printer' } });
    expect(await namesOf(STRIP, ['switch:1'])).toEqual(['Printer']);

    await core.close();
    store.close();
    configRequests.length = 0;
    await open();
    await connect();
    // On connect the strip is asked for its configuration again and still calls outlet 1
    // "Switch 1 name": the staff's name stays.
    const names = await until(
      () => namesOf(STRIP, ['switch:0', 'switch:1', 'switch:3']),
      (n) => n[2] === 'Switch 3 name',
      'the names after a restart',
    );
    expect(names).toEqual(['Kettle', 'Printer', 'Switch 3 name']);
    // Asked once on connect; hearing the strip again (discovery after a restart) asks no more.
    await new Promise((r) => setTimeout(r, 500));
    expect(configRequests).toHaveLength(1);
  });
});
