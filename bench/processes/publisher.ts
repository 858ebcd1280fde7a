/**
 * The Shelly fleet, in its own process: one mqtt.js client publishing NotifyStatus frames.
 *
 *   prepare  {spec, startMinuteS, minutes}      build every frame up front (not measured)
 *   publish  {url, qos, maxInflight}            a burst of all prepared frames, as fast as the broker
 *                                               takes them → published {startedAt, writtenAt}
 *   open     {url, spec, startMinuteS, skip, qos}  connect a live fleet (continuing its counters)
 *   minute   {}                                 every device's next minute, as fast as possible
 *   stream   {ratePerS}                         keep publishing, round robin, at a steady rate
 *   halt     {}                                 stop streaming
 */
import mqtt, { type MqttClient } from 'mqtt';
import { nowMs, reply, serve } from '../lib/child-side';
import { publishAll } from '../lib/mqtt-publish';
import { FleetStream, type FleetSpec } from '../lib/shelly-fleet';

interface Prepared {
  frames: Array<{ topic: string; payload: Buffer }>;
}

let prepared: Prepared | null = null;
let live: { client: MqttClient; fleet: FleetStream; qos: 0 | 1; timer: NodeJS.Timeout | null } | null = null;

async function connect(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `bench-fleet-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    clean: true,
    reconnectPeriod: 0,
    keepalive: 60,
  });
}

serve(async (message) => {
  switch (message.type) {
    case 'prepare': {
      const spec = message.spec as FleetSpec;
      const fleet = new FleetStream(spec, message.startMinuteS as number);
      const frames: Prepared['frames'] = [];
      let bytes = 0;
      for (let m = 0; m < (message.minutes as number); m++) {
        for (const frame of fleet.minute()) {
          const payload = Buffer.from(frame.payload);
          bytes += payload.length;
          frames.push({ topic: frame.topic, payload });
        }
      }
      prepared = { frames };
      reply({
        type: 'prepared',
        count: frames.length,
        bytes,
        expectedUnits: fleet.expectedUnits,
        sample: frames[frames.length - 1]?.payload.toString(),
      });
      return;
    }
    case 'publish': {
      if (!prepared) throw new Error('publish before prepare');
      // `part: [k, n]`: every n-th frame from k, for n publishers sharing one burst. With a fleet
      // whose device count is a multiple of n, each device's frames stay in one publisher, in order.
      const [k, n] = (message.part as [number, number] | undefined) ?? [0, 1];
      const frames = n === 1 ? prepared.frames : prepared.frames.filter((_, i) => i % n === k);
      const client = await connect(message.url as string);
      const startedAt = nowMs();
      await publishAll(client, frames, message.qos as 0 | 1, (message.maxInflight as number) ?? 10_000);
      const writtenAt = nowMs();
      await client.endAsync();
      reply({ type: 'published', startedAt, writtenAt, count: frames.length });
      return;
    }
    case 'open': {
      const fleet = new FleetStream(message.spec as FleetSpec, message.startMinuteS as number);
      fleet.skip((message.skip as number) ?? 0);
      live = { client: await connect(message.url as string), fleet, qos: message.qos as 0 | 1, timer: null };
      reply({ type: 'opened', devices: fleet.devices.length, channels: fleet.channelCount });
      return;
    }
    case 'minute': {
      if (!live) throw new Error('minute before open');
      const frames = live.fleet.minute();
      const startedAt = nowMs();
      await publishAll(live.client, frames, live.qos);
      reply({ type: 'minute-done', count: frames.length, startedAt, writtenAt: nowMs() });
      return;
    }
    case 'stream': {
      if (!live) throw new Error('stream before open');
      const state = live;
      const ratePerS = message.ratePerS as number;
      const devices = state.fleet.devices.length;
      let sent = 0;
      let cursor = 0;
      const startedAt = nowMs();
      // A token bucket on a 20 ms tick: the rate holds on average even when a tick runs late.
      state.timer = setInterval(() => {
        const due = Math.floor(((nowMs() - startedAt) / 1000) * ratePerS) - sent;
        for (let k = 0; k < due; k++) {
          const frame = state.fleet.next(cursor);
          cursor = (cursor + 1) % devices;
          state.client.publish(frame.topic, frame.payload, { qos: state.qos });
        }
        sent += Math.max(0, due);
      }, 20);
      reply({ type: 'streaming', ratePerS });
      return;
    }
    case 'halt': {
      if (live?.timer) clearInterval(live.timer);
      if (live) live.timer = null;
      reply({ type: 'halted' });
      return;
    }
    case 'close': {
      if (live?.timer) clearInterval(live.timer);
      await live?.client.endAsync();
      live = null;
      reply({ type: 'closed' });
      return;
    }
    default:
      throw new Error(`publisher: unknown message ${message.type}`);
  }
});
