/**
 * Cover commands through a real Mosquitto to a fake Plus 2PM in cover mode that records exactly
 * what reaches it and answers as a Shelly does: one `Cover.Open`/`Close`/`Stop`/`GoToPosition`
 * JSON-RPC request on `<prefix>/rpc` with the console's `<clientId>/rpc` as reply address, a
 * `null` result, then a NotifyStatus with the movement. The command is done when that status
 * shows it; an RPC error and silence end it the way the contract says. The cover's state and
 * position reach `site.tree` from the device's own statuses.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { dispatch } from '../../src/main/core/dispatch';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import type { CoverStatus } from '../../src/shared/contract';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

const BLINDS = { prefix: 'Covers/HQ/Meeting/Blinds', src: 'shellyplus2pm-c0ffee0000c1' };
const SHUTTER = { prefix: 'Covers/HQ/Meeting/Shutter', src: 'shellyplus2pm-c0ffee0000c2' };
const CHANNEL = `channel:${BLINDS.prefix}|cover:0`;
const SHUTTER_CHANNEL = `channel:${SHUTTER.prefix}|cover:0`;

type Behaviour = 'confirm' | 'refuse' | 'silent';

const dir = tempDir();
let mosquitto: Mosquitto;
let core: KilowatchConsole;
let store: Store;
let device: MqttClient;
let clientId: string;
let behaviour: Behaviour = 'confirm';
/** Everything that reached the fake devices' rpc topics, in order, byte for byte. */
const arrived: Array<{ topic: string; payload: string }> = [];
/** Where the fake blinds are. */
let position = 40;

function notify(dev: typeof BLINDS, cover: Record<string, unknown>): Promise<unknown> {
  return device.publishAsync(
    `${dev.prefix}/events/rpc`,
    JSON.stringify({
      src: dev.src,
      dst: `${dev.prefix}/events`,
      method: 'NotifyStatus',
      params: { ts: Date.now() / 1000, 'cover:0': { id: 0, ...cover } },
    }),
    { qos: 1 },
  );
}

function fullStatus(dev: typeof BLINDS, cover: Record<string, unknown>): Promise<unknown> {
  return notify(dev, {
    source: 'init',
    apower: 0,
    voltage: 231.2,
    current: 0,
    aenergy: { by_minute: [0, 0, 0], minute_ts: 1741593600, total: 321.5 },
    ...cover,
  });
}

/** What the fake blinds report right after accepting each command. */
function movement(method: string, params: { pos?: number }): Record<string, unknown> {
  if (method === 'Cover.Open') return { state: 'opening', source: 'MQTT', target_pos: 100 };
  if (method === 'Cover.Close') return { state: 'closing', source: 'MQTT', target_pos: 0 };
  if (method === 'Cover.GoToPosition')
    return { state: params.pos! > position ? 'opening' : 'closing', source: 'MQTT', target_pos: params.pos };
  // Stopped where the motor was.
  position = 62;
  return { state: 'stopped', source: 'MQTT', current_pos: 62 };
}

function answer(topic: string, payload: string): void {
  // The console's own questions to a device it has just seen (its status, its configuration) are
  // not cover commands: the fake blinds leave them unanswered and they are not counted here.
  if (payload.includes('"method":"Shelly.')) return;
  arrived.push({ topic, payload });
  if (behaviour === 'silent' || topic !== `${BLINDS.prefix}/rpc`) return;
  const request = JSON.parse(payload) as {
    id: number;
    src: string;
    method: string;
    params: { pos?: number };
  };
  const reply = (body: object) =>
    device.publishAsync(
      `${request.src}/rpc`,
      JSON.stringify({ id: request.id, src: BLINDS.src, dst: request.src, ...body }),
    );
  if (behaviour === 'refuse') {
    void reply({ error: { code: -103, message: 'Cover is not calibrated or obstructed' } });
    return;
  }
  void reply({ result: null }).then(() => notify(BLINDS, movement(request.method, request.params)));
}

async function coverOf(id: string): Promise<CoverStatus | undefined> {
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  return findNode(tree.value.nodes, id)?.cover;
}

async function untilCover(id: string, isDone: (c: CoverStatus | undefined) => boolean): Promise<CoverStatus> {
  let last: CoverStatus | undefined;
  await waitFor(
    () => {
      void coverOf(id).then((c) => (last = c));
      return isDone(last);
    },
    10_000,
    `${id} in site.tree`,
  );
  return last!;
}

function request(n: number): { id: number } & Record<string, unknown> {
  return JSON.parse(arrived[n]?.payload ?? '{}') as { id: number };
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  const opened = openConsole({
    dbPath: `${dir.path}/covers.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  clientId = store.setting('client-id') as string;
  expect(
    await core.connect({
      name: 'covers',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['Covers/#'],
    }),
  ).toBeNull();
  device = await testClient(mosquitto.url, 'fake-covers');
  device.on('message', (topic, payload) => answer(topic, payload.toString('utf8')));
  await device.subscribeAsync([`${BLINDS.prefix}/rpc`, `${SHUTTER.prefix}/rpc`], { qos: 1 });
  // Each reports its full status: that is how the console learns there is a cover, and where.
  await fullStatus(BLINDS, { state: 'stopped', pos_control: true, current_pos: 40, last_direction: 'close' });
  await fullStatus(SHUTTER, { state: 'closed', pos_control: false, current_pos: null });
  await untilCover(SHUTTER_CHANNEL, (c) => c?.state === 'closed');
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

describe('a cover’s state in site.tree', () => {
  it('shows the state, position and calibration the device reported', async () => {
    expect(await coverOf(CHANNEL)).toEqual({ state: 'stopped', positionPct: 40, isCalibrated: true });
    expect(await coverOf(SHUTTER_CHANNEL)).toEqual({
      state: 'closed',
      positionPct: null,
      isCalibrated: false,
    });
  });
});

describe('cover commands to a Gen2 device', () => {
  it('sends Cover.Open on <prefix>/rpc with the console as reply address, done when the device reports opening', async () => {
    const result = await core.handlers['cover.set']({ channel: CHANNEL, action: 'open', timeoutMs: 5000 });
    expect(result).toEqual({
      ok: true,
      value: {
        channel: CHANNEL,
        action: 'open',
        cover: { state: 'opening', positionPct: 40, isCalibrated: true },
      },
    });
    expect(arrived).toHaveLength(1);
    // Byte for byte, key order included: this is what the device's RPC parser reads.
    expect(arrived[0]).toEqual({
      topic: `${BLINDS.prefix}/rpc`,
      payload: JSON.stringify({ id: request(0).id, src: clientId, method: 'Cover.Open', params: { id: 0 } }),
    });
  });

  it('stops, closes and goes to a position, each with its own request id and exact request', async () => {
    const stop = await core.handlers['cover.set']({ channel: CHANNEL, action: 'stop', timeoutMs: 5000 });
    expect(stop).toEqual({
      ok: true,
      value: {
        channel: CHANNEL,
        action: 'stop',
        cover: { state: 'stopped', positionPct: 62, isCalibrated: true },
      },
    });
    const go = await core.handlers['cover.set']({
      channel: CHANNEL,
      action: 'position',
      position: 25,
      timeoutMs: 5000,
    });
    expect(go).toEqual({
      ok: true,
      value: {
        channel: CHANNEL,
        action: 'position',
        cover: { state: 'closing', positionPct: 62, isCalibrated: true },
      },
    });
    const close = await core.handlers['cover.set']({ channel: CHANNEL, action: 'close', timeoutMs: 5000 });
    expect(close).toMatchObject({ ok: true, value: { cover: { state: 'closing' } } });
    const ids = [0, 1, 2].map((n) => request(n).id);
    expect(new Set(ids).size).toBe(3);
    expect(arrived).toEqual([
      {
        topic: `${BLINDS.prefix}/rpc`,
        payload: JSON.stringify({ id: ids[0], src: clientId, method: 'Cover.Stop', params: { id: 0 } }),
      },
      {
        topic: `${BLINDS.prefix}/rpc`,
        payload: JSON.stringify({
          id: ids[1],
          src: clientId,
          method: 'Cover.GoToPosition',
          params: { id: 0, pos: 25 },
        }),
      },
      {
        topic: `${BLINDS.prefix}/rpc`,
        payload: JSON.stringify({ id: ids[2], src: clientId, method: 'Cover.Close', params: { id: 0 } }),
      },
    ]);
    // The cover arrives and says so: the tree follows.
    await notify(BLINDS, { state: 'closed', current_pos: 0 });
    expect(await untilCover(CHANNEL, (c) => c?.state === 'closed')).toEqual({
      state: 'closed',
      positionPct: 0,
      isCalibrated: true,
    });
  });

  it('fails with the device’s own words when it answers with an RPC error', async () => {
    behaviour = 'refuse';
    const result = await core.handlers['cover.set']({ channel: CHANNEL, action: 'open', timeoutMs: 5000 });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Blinds refused: Cover is not calibrated or obstructed (code -103).',
      },
    });
    expect(arrived.map((a) => a.topic)).toEqual([`${BLINDS.prefix}/rpc`]);
  });

  it('times out with the contract’s error when the device says nothing', async () => {
    behaviour = 'silent';
    const startedAt = Date.now();
    const result = await core.handlers['cover.set']({ channel: CHANNEL, action: 'open', timeoutMs: 1000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(result).toEqual({
      ok: false,
      error: { code: 'timeout', message: 'Blinds did not confirm opening within 1 s.' },
    });
    expect(arrived).toHaveLength(1);
  });
});

describe('cover commands nobody can carry out', () => {
  it('refuses a position for a cover that is not calibrated, sending nothing', async () => {
    const result = await core.handlers['cover.set']({
      channel: SHUTTER_CHANNEL,
      action: 'position',
      position: 50,
      timeoutMs: 1000,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-params',
        message:
          'Shutter cover:0 is not calibrated, so it cannot go to a position: open, close or stop it, or calibrate it on the device.',
      },
    });
    expect(arrived).toEqual([]);
  });

  it('refuses a channel that is not a known cover, and params the contract does not allow', async () => {
    const unknown = await core.handlers['cover.set']({
      channel: `channel:${BLINDS.prefix}|switch:0`,
      action: 'open',
      timeoutMs: 1000,
    });
    expect(unknown).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: `"channel:${BLINDS.prefix}|switch:0" is not a cover the console knows.`,
      },
    });
    const log = (): void => undefined;
    const noPosition = await dispatch(
      core.handlers,
      'cover.set',
      { channel: CHANNEL, action: 'position' },
      log,
    );
    expect(noPosition).toEqual({
      ok: false,
      error: {
        code: 'invalid-params',
        message: "position: a position (0–100) is needed with action 'position', and only with it",
      },
    });
    const stray = await dispatch(
      core.handlers,
      'cover.set',
      { channel: CHANNEL, action: 'open', position: 5 },
      log,
    );
    expect(stray).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const outOfRange = await dispatch(
      core.handlers,
      'cover.set',
      { channel: CHANNEL, action: 'position', position: 101 },
      log,
    );
    expect(outOfRange).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(arrived).toEqual([]);
  });
});
