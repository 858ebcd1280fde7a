/**
 * The raw baseline for ingest: a bare mqtt.js client with the core's own session settings
 * (persistent session, QoS 1 subscription), which only JSON-parses each message and counts.
 *
 *   start {url, filter, expected}  → ready (subscribed), later done {firstAt, doneAt, count}
 */
import { nowMs, reply, serve } from '../lib/child-side';
import { connectSubscriber } from '../lib/subscriber-session';

serve(async (message) => {
  if (message.type !== 'start') throw new Error(`baseline-subscriber: unknown message ${message.type}`);
  const expected = message.expected as number;
  const client = await connectSubscriber(message.url as string, 'baseline');
  let count = 0;
  let firstAt = 0;
  let parsedKeys = 0;
  client.on('message', (_topic, payload) => {
    if (count === 0) firstAt = nowMs();
    const frame = JSON.parse(payload.toString()) as Record<string, unknown>;
    // Touch the result so the parse cannot be optimised away.
    if (frame.params) parsedKeys++;
    count++;
    if (count === expected) {
      const doneAt = nowMs();
      reply({ type: 'done', firstAt, doneAt, count, parsedKeys });
      void client.endAsync();
    }
  });
  await client.subscribeAsync(message.filter as string, { qos: 1 });
  reply({ type: 'ready' });
});
