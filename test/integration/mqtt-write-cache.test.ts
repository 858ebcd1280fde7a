/**
 * mqtt.js's write cache (a Buffer for each of the 65,536 packet ids, built on the first write and
 * kept for good) was 7.4 MB of the engine's live heap at memory-peak. A client made from
 * brokerOptions must leave it unbuilt, also after QoS 1 traffic, whose packet ids it would write.
 */
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerOptions } from '../../src/main/core/broker/options';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';

// The cache mqtt-packet fills, from the copy mqtt.js itself loads.
const fromMqtt = createRequire(require.resolve('mqtt'));
const numberCache = fromMqtt('mqtt-packet/numbers').cache as Record<number, Buffer>;

let broker: Mosquitto | undefined;
afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

describe('mqtt.js write cache', () => {
  it('stays empty for a client made from brokerOptions, after QoS 1 both ways', async () => {
    broker = await startMosquitto();
    const options = brokerOptions(
      { name: 'site', url: broker.url, protocolVersion: 4, keepaliveS: 60, subscribe: ['Cache/#'] },
      `kilowatch-cache-${Math.random().toString(16).slice(2, 8)}`,
    );
    if (!options.ok) throw new Error(options.error.message);
    const client = await mqtt.connectAsync({ ...options.value, clean: true });
    try {
      await client.subscribeAsync('Cache/#', { qos: 1 });
      const received = new Promise<string>((resolve) =>
        client.once('message', (_topic, payload) => resolve(payload.toString())),
      );
      await client.publishAsync('Cache/a', 'one', { qos: 1 });
      expect(await received).toBe('one');
    } finally {
      await client.endAsync();
    }
    expect(Object.keys(numberCache)).toHaveLength(0);
  });
});
