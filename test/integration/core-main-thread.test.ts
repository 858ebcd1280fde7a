/**
 * KILOWATCH_CORE=main-thread (headless/start-core.ts): the built headless console with its core
 * on the main thread, as the bench runs it to compare the two layouts. It counts a Plus 1PM from a
 * real Mosquitto exactly and answers over the bridge; a value it does not know stops the start
 * with the words that say what to use, before anything is opened.
 *
 * Needs the build: `npx electron-vite build` (npm test builds before running vitest).
 */
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTotals, until } from '../support/console-run';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { runHeadless, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'Site/Office/Room1/Meter';
const SRC = plus1pmId(7);
/** mWh rises after the first (baseline) reading. */
const RISES = [1_250, 980, 3_001, 7];

let mosq: Mosquitto;
let headless: Headless;
let publisher: MqttClient;
const dir = tempDir('kw-main-thread-');

beforeAll(async () => {
  mosq = await startMosquitto();
  headless = await startHeadless(
    ['--broker', mosq.url, '--db', join(dir.path, 'kw.db'), '--port', '0', '--subscribe', 'Site/#'],
    {
      KILOWATCH_CORE: 'main-thread',
      KILOWATCH_BROKER_PASSWORD: undefined,
      KILOWATCH_BROKER_USERNAME: undefined,
    },
  );
  publisher = await mqtt.connectAsync(mosq.url, {
    clientId: `kw-main-thread-${process.pid}`,
    reconnectPeriod: 0,
  });
});

afterAll(async () => {
  await publisher?.endAsync();
  expect(await headless?.stop()).toBe(0);
  await mosq?.stop();
  dir.remove();
});

describe('the headless console with its core on the main thread', () => {
  it('counts a meter exactly and answers over the bridge', async () => {
    const firstMinuteS = Math.floor(Date.now() / 60_000) * 60 - 60 * (RISES.length + 2);
    let totalMWh = 4_000_000;
    for (let i = 0; i <= RISES.length; i++) {
      if (i > 0) totalMWh += RISES[i - 1] as number;
      const minuteTsS = firstMinuteS + 60 * i;
      const payload = notifyStatus(SRC, PREFIX, { tsS: minuteTsS + 0.3, minuteTsS, totalMWh });
      await publisher.publishAsync(`${PREFIX}/events/rpc`, payload, { qos: 1 });
    }
    const expectedWh = RISES.reduce((a, b) => a + b, 0) / 1000;
    const totals = await until(
      () => apiTotals(headless),
      (t) => t.get(`device:${PREFIX}`)?.energyWh === expectedWh,
      10_000,
    );
    expect(totals.get('room:Site/Office/Room1')?.energyWh).toBe(expectedWh);
    expect(headless.output()).toContain('Kilowatch is running at');
  });

  it('refuses a core place it does not know, saying which ones there are', async () => {
    const run = await runHeadless(['--port', '0', '--db', join(dir.path, 'other.db')], 30_000, {
      KILOWATCH_CORE: 'gpu',
    });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('KILOWATCH_CORE is "gpu"; use "worker" (the default) or "main-thread".');
  });
});
