/**
 * The simulated fleet: one mqtt.js client that publishes for every device of the site plan, on a
 * timer, and answers the commands Kilowatch sends them. Nothing here is specific to Kilowatch: the
 * traffic is what real Shellys put on a broker, so the console cannot tell a demo from a site.
 */
import { followers, meterOfLoad } from './components/meter';
import { planSupplyMeters, supplyDw } from './supply-meters';
import { connectAsync, type MqttClient } from 'mqtt';
import { buildDevice } from './build-device';
import { COMMAND_TOPICS, CommandRouter } from './command-router';
import { createPrng, deriveSeed } from './prng';
import { buildFleetPlan } from './site-plan';
import type { DemoDevice, Outbound, SimDevice } from './types';

export type { DemoDevice } from './types';

export interface DemoFleetOptions {
  /** Broker to publish to, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  /** Same seed → same device ids, counters and noise. */
  seed?: number;
  /**
   * Simulated time runs this many times faster than the clock (1 = real time). Device timestamps
   * and energy follow simulated time, so counters stay consistent with `ts`; at high speed `ts`
   * runs ahead of the wall clock and a consumer may then (rightly) distrust it.
   */
  speed?: number;
  /** Wall clock, epoch ms. */
  clock?: () => number;
  /** Wall time between two updates of every device. */
  tickMs?: number;
  /** Mean wall time between two reboots somewhere in the fleet; 0 turns reboots off. */
  rebootEveryMs?: number;
  /** Where publish failures go; the fleet keeps running. */
  onError?: (error: Error) => void;
}

export interface DemoFleet {
  devices: DemoDevice[];
  stop(): Promise<void>;
}

export const DEFAULT_SEED = 20250310;
const DEFAULT_TICK_MS = 3000;
const DEFAULT_REBOOT_EVERY_MS = 10 * 60_000;
/** How long stop() waits for the broker to take the devices' last wills. */
const STOP_PUBLISH_TIMEOUT_MS = 2000;

export async function startDemoFleet(opts: DemoFleetOptions): Promise<DemoFleet> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const speed = opts.speed ?? 1;
  const clock = opts.clock ?? Date.now;
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS;
  const rebootEveryMs = opts.rebootEveryMs ?? DEFAULT_REBOOT_EVERY_MS;
  const onError = opts.onError ?? ((error: Error) => console.error('[demo fleet]', error));
  if (!(speed > 0) || !(tickMs > 0)) throw new Error(`demo fleet: speed and tickMs must be > 0`);

  const startMs = clock();
  const simNow = () => startMs + Math.round((clock() - startMs) * speed);
  const plan = buildFleetPlan(seed);
  const supply = planSupplyMeters(plan);
  // Main meters sample last in every tick, so they see what their office draws at that instant.
  const ordered = [
    ...plan.filter((s) => !supply.suppliers.has(s)),
    ...plan.filter((s) => supply.suppliers.has(s)),
  ];
  const devices: SimDevice[] = ordered.map((spec) => buildDevice(spec, seed, startMs));
  for (const [load, feed] of supply.feeds) {
    followers.set(load, () =>
      supplyDw(
        feed.share,
        feed.loads.map((l) => meterOfLoad.get(l)?.powerDw ?? 0),
      ),
    );
  }
  const router = new CommandRouter(devices);
  const rebootPrng = createPrng(deriveSeed(seed, 'reboots'));

  const client = await connectAsync(
    opts.url,
    { clientId: `kilowatch-demo-fleet-${seed.toString(16)}`, clean: true, reconnectPeriod: 1000 },
    false,
  );
  let isStopped = false;
  const publish = (messages: Outbound[]) => {
    for (const m of messages) {
      client.publish(m.topic, m.payload, { qos: 1, retain: m.retain === true }, (error) => {
        // After stop() the client is closing and pending publishes fail by design.
        if (error && !isStopped) onError(new Error(`publish to ${m.topic} failed: ${error.message}`));
      });
    }
  };

  client.on('message', (topic, payload) => {
    if (isStopped) return;
    publish(router.route(topic, payload.toString('utf8'), simNow()));
  });
  client.on('error', (error) => onError(error));
  try {
    await client.subscribeAsync([...COMMAND_TOPICS], { qos: 1 });
  } catch (error) {
    await client.endAsync(true);
    throw new Error(`demo fleet could not subscribe to its command topics on ${opts.url}`, { cause: error });
  }

  const connectAll = () => publish(devices.filter((d) => !d.isRebooting).flatMap((d) => d.connect(simNow())));
  connectAll();
  // Real devices re-announce themselves whenever their MQTT connection comes back.
  client.on('connect', () => {
    if (!isStopped) connectAll();
  });

  const tick = () => {
    const atMs = simNow();
    publish(devices.flatMap((d) => d.tick(atMs)));
    // A Poisson-ish reboot process: on average one reboot per `rebootEveryMs` across the fleet.
    if (rebootEveryMs > 0 && rebootPrng.next() < tickMs / rebootEveryMs) {
      const candidates = devices.filter((d) => !d.isRebooting);
      if (candidates.length > 0) publish(rebootPrng.pick(candidates).reboot(atMs));
    }
  };
  const timer = setInterval(tick, tickMs);

  return {
    devices: devices.map((d) => d.info),
    stop: async () => {
      if (isStopped) return;
      isStopped = true;
      clearInterval(timer);
      await publishWills(client, devices);
      await client.endAsync(!client.connected);
    },
  };
}

/** Devices that vanish leave their last will (`online` false, not retained) behind. */
async function publishWills(client: MqttClient, devices: readonly SimDevice[]): Promise<void> {
  if (!client.connected) return;
  const wills = devices.flatMap((d) => d.disconnect());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_PUBLISH_TIMEOUT_MS)));
  await Promise.race([
    Promise.all(wills.map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 }))),
    timeout,
  ]);
  clearTimeout(timer);
}
