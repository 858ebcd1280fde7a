/**
 * Messages over the console's bounds, through a real Mosquitto: over MQTT 5 the broker is told the
 * Maximum Packet Size (1 MiB) and never sends a bigger packet; over MQTT 3.1.1 it cannot be told,
 * and the decoder rejects the payload unparsed (`payload-too-large`). Either way the link stays up
 * and the next message is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testCore } from '../support/core';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('kw-bound-');
let mosquitto: Mosquitto;

beforeAll(async () => {
  mosquitto = await startMosquitto();
});
afterAll(async () => {
  await mosquitto?.stop();
  dir.remove();
});

const HUGE = Buffer.alloc(1536 * 1024, 0x20); // 1.5 MiB of spaces

async function sendHugeThenSmall(prefix: string): Promise<void> {
  const client = await testClient(mosquitto.url);
  await client.publishAsync(`${prefix}/events/rpc`, HUGE, { qos: 1 });
  await client.publishAsync(`${prefix}/online`, 'true', { qos: 1 });
  await client.endAsync();
}

describe('a 1.5 MiB message', () => {
  it('over MQTT 5 is never sent to the console (Maximum Packet Size); the next one is read', async () => {
    const t = testCore(`${dir.path}/v5.db`);
    const failure = await t.core.connect({
      name: 'site',
      url: mosquitto.url,
      protocolVersion: 5,
      keepaliveS: 30,
      subscribe: ['Bound5/#'],
    });
    expect(failure).toBeNull();
    await sendHugeThenSmall('Bound5/a/b/plug');
    // Both were published with QoS 1 in order: once the small one is here, the big one is not coming.
    await waitFor(() => t.core.stats.received >= 1, 5000, 'the small message');
    expect(t.core.stats.received).toBe(1);
    expect(t.core.stats.rejected.get('payload-too-large')).toBeUndefined();
    expect(t.core.connectionState).toMatchObject({ status: 'connected', subscribed: true });
    await t.close();
  });

  it('over MQTT 3.1.1 arrives and is rejected unparsed as payload-too-large; the next one is read', async () => {
    const t = testCore(`${dir.path}/v4.db`);
    const failure = await t.core.connect({
      name: 'site',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['Bound4/#'],
    });
    expect(failure).toBeNull();
    await sendHugeThenSmall('Bound4/a/b/plug');
    await waitFor(() => t.core.stats.applied >= 1, 5000, 'both messages');
    // The huge one rejected, the small one read. (Newly seen, the device is asked for its status;
    // over 3.1.1 the broker echoes that request to the console too, so `received` counts it.)
    expect(t.core.stats.applied).toBe(1);
    expect(t.core.stats.rejected.get('payload-too-large')).toBe(1);
    expect(t.core.connectionState).toMatchObject({ status: 'connected', subscribed: true });
    await t.close();
  });
});
