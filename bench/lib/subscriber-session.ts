/**
 * The MQTT session every raw subscriber of the ingest bench uses (the bare baseline and the
 * floors): the core's own settings (a persistent session, MQTT 3.1.1, 30 s keepalive) and no
 * reconnects, so the sides differ only in what they do with a message.
 */
import mqtt, { type MqttClient } from 'mqtt';

export function connectSubscriber(url: string, side: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `bench-${side}-${process.pid}`,
    clean: false,
    protocolVersion: 4,
    keepalive: 30,
    reconnectPeriod: 0,
  });
}
