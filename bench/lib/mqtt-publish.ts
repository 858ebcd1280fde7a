/**
 * Publishing as fast as the broker takes it, without losing or mislabelling anything:
 * QoS 0 waits for the socket to drain when its buffer is large, so the process does not hold the
 * whole burst in memory; QoS 1 keeps at most `maxInflight` publishes unacknowledged, because
 * mqtt.js allocates packet ids from a 16-bit counter that wraps at 65 535 without checking which
 * ids are still in flight (two in-flight publishes with one id lose one of them).
 */
import { once } from 'node:events';
import type { MqttClient } from 'mqtt';

export const MAX_SAFE_INFLIGHT = 60_000;
const DRAIN_ABOVE_BYTES = 4 * 1024 * 1024;

export interface Publishable {
  topic: string;
  payload: Buffer | string;
}

export async function publishAll(
  client: MqttClient,
  frames: readonly Publishable[],
  qos: 0 | 1,
  maxInflight = 10_000,
): Promise<void> {
  if (maxInflight > MAX_SAFE_INFLIGHT) throw new Error(`maxInflight ${maxInflight} would wrap packet ids`);
  let inflight = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const acked = (error?: Error) => {
    if (error) failure ??= error;
    inflight--;
    if (wake && inflight <= maxInflight / 2) {
      const w = wake;
      wake = null;
      w();
    }
  };
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i] as Publishable;
    if (qos === 0) {
      // No callback: mqtt.js would park one 'drain' listener per publish while the buffer is full.
      client.publish(frame.topic, frame.payload, { qos });
      const { stream } = client;
      if (i % 256 === 255 && stream.writableNeedDrain && stream.writableLength > DRAIN_ABOVE_BYTES)
        await once(stream, 'drain');
      continue;
    }
    inflight++;
    client.publish(frame.topic, frame.payload, { qos }, acked);
    if (failure) throw failure;
    if (inflight >= maxInflight) await new Promise<void>((w) => (wake = w));
  }
  while (inflight > 0) await new Promise<void>((w) => (wake = w));
  if (qos === 0 && client.stream.writableNeedDrain) await once(client.stream, 'drain');
  if (failure) throw failure;
}
