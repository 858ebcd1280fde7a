/**
 * A private Mosquitto per measurement, from the test helper (a free loopback port, a generated
 * config, stopped by its PID). Its queue limits are lifted: with Debian's defaults
 * (max_queued_messages 1000, max_inflight_messages 20) a QoS 0 burst faster than the subscriber
 * loses about 40 % of the messages silently, and a bench would time less work than it claims.
 * The test helper sets the same lines today; they are repeated here so the bench does not depend
 * on it keeping them.
 */
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto';
import type { BenchContext } from './types';

export const UNLIMITED_QUEUES = ['max_queued_messages 0', 'max_queued_bytes 0', 'max_inflight_messages 0'];

export async function benchBroker(ctx: BenchContext): Promise<Mosquitto> {
  const broker = await startMosquitto(UNLIMITED_QUEUES);
  ctx.defer(() => broker.stop());
  return broker;
}
