/**
 * Issue #13, item 4, through a real Mosquitto: a relay without metering (a Pro 3 on fans, as the
 * demo's "Ventilation") notifies nothing until someone switches it, so on a fresh database only
 * its `online` message is heard. The console asks every newly seen Gen2+ device for
 * `Shelly.GetStatus` once, and the relays it reports appear in `site.tree` with their state. A
 * device whose every message is rejected is listed, not reporting.
 */
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

const PRO3 = { prefix: 'Hidden/HQ/ServerRoom/Ventilation', src: 'shellypro3-c0ffee000031' };
const BROKEN = { prefix: 'Hidden/HQ/Lab/Broken', src: 'shellyplus1pm-c0ffee000032' };

const dir = tempDir();
let mosquitto: Mosquitto;
let core: KilowatchConsole;
let store: Store;
let device: MqttClient;
let clientId: string;
const asked: Array<{ topic: string; payload: string }> = [];

async function nodeOf(id: string): Promise<SiteNode | undefined> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return findNode(tree.value.nodes, id);
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

/** The Pro 3 answers a status request as the firmware does: three relays, no energy. */
function answer(topic: string, payload: string): void {
  asked.push({ topic, payload });
  const request = JSON.parse(payload) as { id: number; src: string; method: string };
  if (topic !== `${PRO3.prefix}/rpc` || request.method !== 'Shelly.GetStatus') return;
  const relay = (id: number, output: boolean) => ({ id, source: 'init', output, temperature: { tC: 41.2 } });
  void device.publishAsync(
    `${request.src}/rpc`,
    JSON.stringify({
      id: request.id,
      src: PRO3.src,
      dst: request.src,
      result: {
        sys: { uptime: 86_400, unixtime: 1741593600 },
        'input:0': { id: 0, state: false },
        'switch:0': relay(0, true),
        'switch:1': relay(1, false),
        'switch:2': relay(2, true),
      },
    }),
  );
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const opened = openConsole({
    dbPath: `${dir.path}/hidden.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  clientId = store.setting('client-id') as string;
  expect(
    await core.connect({
      name: 'hidden',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['Hidden/#'],
    }),
  ).toBeNull();
  device = await testClient(mosquitto.url, 'fake-devices');
  device.on('message', (topic, payload) => answer(topic, payload.toString('utf8')));
  await device.subscribeAsync([`${PRO3.prefix}/rpc`, `${BROKEN.prefix}/rpc`], { qos: 1 });
});

afterAll(async () => {
  await device?.endAsync();
  await core?.close();
  store?.close();
  await mosquitto?.stop();
  dir.remove();
});

describe('a Gen2 relay without metering, on a fresh database', () => {
  it('is asked for its status once, and its relays appear in the tree with their state', async () => {
    await device.publishAsync(`${PRO3.prefix}/online`, 'true', { qos: 1, retain: true });
    const channels = await until(
      async () => (await nodeOf(`device:${PRO3.prefix}`))?.children ?? [],
      (c) => c.length === 3,
      'the Pro 3’s relays',
    );
    expect(channels.map((c) => [c.id, c.switchable, c.output])).toEqual([
      [`channel:${PRO3.prefix}|switch:0`, true, true],
      [`channel:${PRO3.prefix}|switch:1`, true, false],
      [`channel:${PRO3.prefix}|switch:2`, true, true],
    ]);
    expect(await nodeOf(`device:${PRO3.prefix}`)).toMatchObject({ online: true, name: 'Ventilation' });
    // Once, byte for byte: its state is known now, so nothing asks again. (Its configuration is
    // asked for too, for its channel names: config-query.ts.)
    const statusAsks = asked.filter((a) => a.payload.includes('"Shelly.GetStatus"'));
    expect(statusAsks.map((a) => a.topic)).toEqual([`${PRO3.prefix}/rpc`]);
    const { id } = JSON.parse(statusAsks[0]?.payload ?? '') as { id: number };
    expect(statusAsks[0]?.payload).toBe(JSON.stringify({ id, src: clientId, method: 'Shelly.GetStatus' }));
  });
});

describe('a device whose every message is rejected', () => {
  it('is in the tree, not reporting', async () => {
    await device.publishAsync(
      `${BROKEN.prefix}/events/rpc`,
      JSON.stringify({
        src: BROKEN.src,
        dst: `${BROKEN.prefix}/events`,
        method: 'NotifyStatus',
        params: { ts: 1741593600.2, 'switch:0': { id: 0, aenergy: { total: 'lots' } } },
      }),
      { qos: 1 },
    );
    const node = await until(
      () => nodeOf(`device:${BROKEN.prefix}`),
      (n) => n !== undefined,
      'the broken device',
    );
    expect(node).toMatchObject({ kind: 'device', online: false, children: [] });
    expect(node?.lastSeen).toBeUndefined();
    const stats = await core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.rejected).toEqual({ 'wrong-type': 1 });
  });
});
