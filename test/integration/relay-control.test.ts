/**
 * Relay commands through a real Mosquitto to fake devices that record exactly what reaches them
 * and answer as a Shelly would: Gen2 gets one `Switch.Set` JSON-RPC request on `<prefix>/rpc`
 * whose reply address is the console's own `<clientId>/rpc`; Gen1 gets `on`/`off` on
 * `shellies/<id>/relay/N/command`. A confirmation, an RPC error reply and silence each end the
 * command the way the contract says.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

const GEN2 = { prefix: 'Relays/HQ/Desk/Lamp', src: 'shellyplus1pm-c0ffee000001' };
const GEN1_ID = 'shelly1pm-A1B2C3';
const GEN2_CHANNEL = `channel:${GEN2.prefix}|switch:0`;
const GEN1_CHANNEL = `channel:shellies/${GEN1_ID}|relay:0`;

/** How the fake devices answer the next command. */
type Behaviour = 'confirm' | 'refuse' | 'silent';

interface Arrival {
  topic: string;
  payload: string;
}

const dir = tempDir();
let mosquitto: Mosquitto;
let core: KilowatchConsole;
let store: Store;
let device: MqttClient;
let clientId: string;
let behaviour: Behaviour = 'confirm';
/** Everything that reached the fake devices' command topics, in order, byte for byte. */
const arrived: Arrival[] = [];

function gen2Status(output: boolean): string {
  return JSON.stringify({
    src: GEN2.src,
    dst: `${GEN2.prefix}/events`,
    method: 'NotifyStatus',
    params: { ts: Date.now() / 1000, 'switch:0': { id: 0, output } },
  });
}

/** The fake devices: record, then answer the way `behaviour` says. */
function answer(topic: string, payload: string): void {
  // The console's own questions to a device it has just seen (its status, its configuration) are
  // not relay commands: the fake devices leave them unanswered and they are not counted here.
  if (payload.includes('"method":"Shelly.')) return;
  arrived.push({ topic, payload });
  if (behaviour === 'silent') return;
  if (topic === `${GEN2.prefix}/rpc`) {
    const request = JSON.parse(payload) as {
      id: number;
      src: string;
      method: string;
      params: { id: number; on: boolean };
    };
    if (behaviour === 'refuse') {
      void device.publishAsync(
        `${request.src}/rpc`,
        JSON.stringify({
          id: request.id,
          src: GEN2.src,
          dst: request.src,
          error: { code: -103, message: 'Invalid argument: the output is locked' },
        }),
      );
      return;
    }
    // A Shelly answers the request, then reports the output's new state.
    void device
      .publishAsync(
        `${request.src}/rpc`,
        JSON.stringify({
          id: request.id,
          src: GEN2.src,
          dst: request.src,
          result: { was_on: !request.params.on },
        }),
      )
      .then(() => device.publishAsync(`${GEN2.prefix}/events/rpc`, gen2Status(request.params.on)));
    return;
  }
  const gen1 = /^shellies\/(.+)\/relay\/(\d+)\/command$/.exec(topic);
  if (gen1 && behaviour === 'confirm' && (payload === 'on' || payload === 'off'))
    void device.publishAsync(`shellies/${gen1[1]}/relay/${gen1[2]}`, payload);
}

async function switchable(id: string): Promise<boolean> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return findNode(tree.value.nodes, id)?.switchable === true;
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const opened = openConsole({
    dbPath: `${dir.path}/relay.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  clientId = store.setting('client-id') as string;
  expect(clientId).toMatch(/^kilowatch-[0-9a-f]{10}$/);
  expect(
    await core.connect({
      name: 'relays',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['Relays/#', 'shellies/#'],
    }),
  ).toBeNull();

  device = await testClient(mosquitto.url, 'fake-devices');
  device.on('message', (topic, payload) => answer(topic, payload.toString('utf8')));
  await device.subscribeAsync([`${GEN2.prefix}/rpc`, `shellies/${GEN1_ID}/relay/+/command`], { qos: 1 });
  // Each device reports its relay off: that is how the console learns there is a relay.
  await device.publishAsync(`${GEN2.prefix}/events/rpc`, gen2Status(false), { qos: 1 });
  await device.publishAsync(`shellies/${GEN1_ID}/relay/0`, 'off', { qos: 1 });
  let known = false;
  await waitFor(
    () => {
      void Promise.all([switchable(GEN2_CHANNEL), switchable(GEN1_CHANNEL)]).then(
        ([a, b]) => (known = a && b),
      );
      return known;
    },
    10_000,
    'both relays in the site tree',
  );
});

beforeEach(() => {
  arrived.length = 0;
  behaviour = 'confirm';
});

afterAll(async () => {
  await device?.endAsync();
  await core?.close();
  store?.close();
  await mosquitto?.stop();
  dir.remove();
});

describe('relay commands to a Gen2 device', () => {
  it('sends one Switch.Set on <prefix>/rpc with the console as reply address, and succeeds on the confirmation', async () => {
    const result = await core.handlers['relay.set']({ channel: GEN2_CHANNEL, on: true, timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, value: { channel: GEN2_CHANNEL, on: true } });
    expect(arrived).toHaveLength(1);
    expect(arrived[0]?.topic).toBe(`${GEN2.prefix}/rpc`);
    const request = JSON.parse(arrived[0]?.payload ?? '') as { id: unknown };
    expect(typeof request.id).toBe('number');
    // Byte for byte, key order included: this is what the device's RPC parser reads.
    expect(arrived[0]?.payload).toBe(
      JSON.stringify({
        id: request.id,
        src: clientId,
        method: 'Switch.Set',
        params: { id: 0, on: true },
      }),
    );

    const off = await core.handlers['relay.set']({ channel: GEN2_CHANNEL, on: false, timeoutMs: 5000 });
    expect(off).toEqual({ ok: true, value: { channel: GEN2_CHANNEL, on: false } });
    expect(arrived).toHaveLength(2);
    const second = JSON.parse(arrived[1]?.payload ?? '') as { id: number };
    // A new request id each time: a late reply to the first can never settle the second.
    expect(second.id).not.toBe(request.id);
    expect(arrived[1]).toEqual({
      topic: `${GEN2.prefix}/rpc`,
      payload: JSON.stringify({
        id: second.id,
        src: clientId,
        method: 'Switch.Set',
        params: { id: 0, on: false },
      }),
    });
  });

  it('fails with the device’s own words when it answers with an RPC error', async () => {
    behaviour = 'refuse';
    const result = await core.handlers['relay.set']({ channel: GEN2_CHANNEL, on: true, timeoutMs: 5000 });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Lamp refused: Invalid argument: the output is locked (code -103).',
      },
    });
    expect(arrived.map((a) => a.topic)).toEqual([`${GEN2.prefix}/rpc`]);
    expect(await switchable(GEN2_CHANNEL)).toBe(true);
  });

  it('times out with the contract’s error when the device says nothing', async () => {
    behaviour = 'silent';
    const startedAt = Date.now();
    const result = await core.handlers['relay.set']({ channel: GEN2_CHANNEL, on: true, timeoutMs: 1000 });
    const tookMs = Date.now() - startedAt;
    expect(result).toEqual({
      ok: false,
      error: { code: 'timeout', message: 'Lamp did not confirm switching on within 1 s.' },
    });
    expect(tookMs).toBeGreaterThanOrEqual(1000);
    expect(arrived).toHaveLength(1);
    expect(JSON.parse(arrived[0]?.payload ?? '')).toMatchObject({
      method: 'Switch.Set',
      params: { id: 0, on: true },
    });
  });
});

describe('relay commands to a Gen1 device', () => {
  it('sends on and off as plain text on shellies/<id>/relay/N/command, confirmed by the relay topic', async () => {
    const on = await core.handlers['relay.set']({ channel: GEN1_CHANNEL, on: true, timeoutMs: 5000 });
    expect(on).toEqual({ ok: true, value: { channel: GEN1_CHANNEL, on: true } });
    const off = await core.handlers['relay.set']({ channel: GEN1_CHANNEL, on: false, timeoutMs: 5000 });
    expect(off).toEqual({ ok: true, value: { channel: GEN1_CHANNEL, on: false } });
    expect(arrived).toEqual([
      { topic: `shellies/${GEN1_ID}/relay/0/command`, payload: 'on' },
      { topic: `shellies/${GEN1_ID}/relay/0/command`, payload: 'off' },
    ]);
  });

  it('times out when the relay never reports the new state', async () => {
    behaviour = 'silent';
    const result = await core.handlers['relay.set']({ channel: GEN1_CHANNEL, on: true, timeoutMs: 1000 });
    expect(result).toEqual({
      ok: false,
      error: { code: 'timeout', message: `${GEN1_ID} did not confirm switching on within 1 s.` },
    });
    expect(arrived).toEqual([{ topic: `shellies/${GEN1_ID}/relay/0/command`, payload: 'on' }]);
  });
});

describe('relay commands nobody can carry out', () => {
  it('refuses a channel the console does not know, sending nothing', async () => {
    const result = await core.handlers['relay.set']({
      channel: 'channel:Relays/HQ/Desk/Nothing|switch:0',
      on: true,
      timeoutMs: 1000,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: '"channel:Relays/HQ/Desk/Nothing|switch:0" is not a relay the console knows.',
      },
    });
    expect(arrived).toEqual([]);
  });
});
