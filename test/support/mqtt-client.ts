/** A plain mqtt.js client for tests: publish, and collect what the console published. */
import mqtt, { type MqttClient } from 'mqtt';

export async function testClient(
  url: string,
  clientId = `test-${Math.random().toString(16).slice(2, 10)}`,
): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId, reconnectPeriod: 0, clean: true });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/**
 * Subscribes fresh and returns the retained messages under a filter as topic → parsed JSON. The
 * broker queues a subscription's retained messages before anything published after it, so once a
 * marker published after subscribing comes back, every retained message is in.
 */
export async function retainedJson(
  url: string,
  filter: string,
): Promise<Map<string, Record<string, unknown>>> {
  const client = await testClient(url);
  const out = new Map<string, Record<string, unknown>>();
  const marker = `kw-test-marker/${Math.random().toString(16).slice(2, 10)}`;
  let isMarkerBack = false;
  client.on('message', (topic, payload, packet) => {
    if (topic === marker) isMarkerBack = true;
    else if (packet.retain) out.set(topic, JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
  });
  await client.subscribeAsync([filter, marker], { qos: 1 });
  await client.publishAsync(marker, 'end', { qos: 1 });
  await waitFor(() => isMarkerBack, 5000, `the marker after the retained messages on ${filter}`);
  await client.endAsync();
  return out;
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
