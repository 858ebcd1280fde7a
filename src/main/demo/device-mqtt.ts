/**
 * One simulated Shelly on a broker by itself, as a device is once commissioned: its own client
 * (client id = its id, its last will on `<prefix>/online`), its announcements on connect, an
 * update every tick, and answers to commands on its own topics. The fleet (fleet.ts) drives many
 * devices through one client; a commissioned plug is exactly one device with its own connection.
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { Outbound, SimDevice } from './types';

export interface DeviceBrokerSettings {
  /** `host:port`, as the device was told (`MQTT.SetConfig` `server`, Gen1 `mqtt_server`). */
  server: string;
  user: string | null;
  pass: string | null;
  /**
   * `ssl_ca`: null is plain MQTT; `ca.pem` verifies the broker against the built-in bundle (here:
   * Node's); `user_ca.pem` against a CA uploaded to the device, which a simulated plug never has,
   * so its connection fails as a real one without the upload would.
   */
  sslCa?: string | null;
}

export interface DeviceMqttSession {
  readonly isConnected: boolean;
  stop(): Promise<void>;
}

export async function joinBroker(
  device: SimDevice,
  settings: DeviceBrokerSettings,
  options: { tickMs: number; clock: () => number; onError: (error: Error) => void },
): Promise<DeviceMqttSession> {
  const { prefix, generation } = device.info;
  const will = device.disconnect()[0];
  const clientOptions: IClientOptions = {
    clientId: device.info.id,
    clean: true,
    // A device retries for as long as it is powered.
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    ...(settings.user !== null && { username: settings.user }),
    ...(settings.pass !== null && { password: settings.pass }),
    ...(will && { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true } }),
  };
  const isTls = settings.sslCa !== undefined && settings.sslCa !== null;
  if (settings.sslCa === 'user_ca.pem') clientOptions.ca = [];
  const client: MqttClient = await connectAsync(
    `${isTls ? 'mqtts' : 'mqtt'}://${settings.server}`,
    clientOptions,
    false,
  );
  let isStopped = false;
  const publish = (messages: Outbound[]) => {
    for (const m of messages)
      client.publish(m.topic, m.payload, { qos: 1, retain: m.retain === true }, (error) => {
        if (error && !isStopped) options.onError(new Error(`publish to ${m.topic} failed: ${error.message}`));
      });
  };
  client.on('error', (error) => options.onError(error));
  client.on('message', (topic, payload) => {
    if (isStopped || !topic.startsWith(`${prefix}/`)) return;
    publish(device.command(topic.slice(prefix.length + 1), payload.toString('utf8'), options.clock()));
  });
  const own =
    generation === 1
      ? [`${prefix}/command`, `${prefix}/relay/+/command`]
      : [`${prefix}/rpc`, `${prefix}/command`, `${prefix}/command/+`];
  await client.subscribeAsync(own, { qos: 1 });
  publish(device.connect(options.clock()));
  client.on('connect', () => {
    if (!isStopped) publish(device.connect(options.clock()));
  });
  const timer = setInterval(() => publish(device.tick(options.clock())), options.tickMs);
  return {
    get isConnected() {
      return client.connected;
    },
    stop: async () => {
      if (isStopped) return;
      isStopped = true;
      clearInterval(timer);
      await client.endAsync(true);
    },
  };
}
