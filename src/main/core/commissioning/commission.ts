/**
 * Puts a Shelly on the broker: Gen2+ `MQTT.SetConfig` (server, login, TLS, topic prefix) then
 * `Shelly.Reboot`; Gen1 `/settings?mqtt_…` then `/reboot`. Both over the device's local HTTP API
 * as GETs, the form every firmware takes, with the device's own password.
 */
import type { DEVICE_MQTT_TLS } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import { getAnyJson, getJson } from '../device-http/http-get';
import { deviceUrl } from './device-address';
import { deviceFailure } from './device-words';
import { credentialsFor, userOf, type DeviceLogin } from './shelly-probe';

export interface BrokerForDevice {
  server: string;
  user?: string;
  password?: string;
  tls: (typeof DEVICE_MQTT_TLS)[number];
}

/** Shelly's `ssl_ca`: null is plain MQTT, `ca.pem` its built-in bundle, `user_ca.pem` one uploaded to it. */
const SSL_CA = { none: null, 'built-in-ca': 'ca.pem', 'user-ca': 'user_ca.pem' } as const;

export interface DeviceTarget {
  address: string;
  generation: number;
  login: DeviceLogin | undefined;
}

/** Gen2+: MQTT under `topicPrefix`, then a restart for it to take effect. */
export async function commissionGen2(
  target: DeviceTarget,
  broker: BrokerForDevice,
  topicPrefix: string,
): Promise<Result<{ restarted: boolean }, ApiError>> {
  const credentials = credentialsFor(target.generation, target.login);
  const config = {
    enable: true,
    server: broker.server,
    user: broker.user ?? null,
    pass: broker.password ?? null,
    ssl_ca: SSL_CA[broker.tls],
    topic_prefix: topicPrefix,
    // NotifyStatus on <prefix>/events/rpc is what the console reads; control lets it switch relays.
    rpc_ntf: true,
    enable_control: true,
  };
  const set = await getJson(
    deviceUrl(target.address, '/rpc/MQTT.SetConfig', new URLSearchParams({ config: JSON.stringify(config) })),
    credentials,
  );
  if (!set.ok) return deviceFailure(target.address, set.failure, userOf(target.generation, target.login));
  if (set.value.restart_required === false) return ok({ restarted: false });
  const reboot = await getAnyJson(deviceUrl(target.address, '/rpc/Shelly.Reboot'), credentials);
  if (!reboot.ok)
    return deviceFailure(target.address, reboot.failure, userOf(target.generation, target.login));
  return ok({ restarted: true });
}

/** Gen1: MQTT on with its own id (topics `shellies/<id>/…`), then a restart. */
export async function commissionGen1(
  target: DeviceTarget,
  broker: BrokerForDevice,
  mqttId: string,
): Promise<Result<{ restarted: boolean }, ApiError>> {
  const credentials = credentialsFor(1, target.login);
  const query = new URLSearchParams({
    mqtt_enable: 'true',
    mqtt_server: broker.server,
    // Empty clears a login left from before: the device then connects without one.
    mqtt_user: broker.user ?? '',
    mqtt_pass: broker.password ?? '',
    mqtt_id: mqttId,
  });
  const set = await getJson(deviceUrl(target.address, '/settings', query), credentials);
  if (!set.ok) return deviceFailure(target.address, set.failure, userOf(1, target.login));
  const reboot = await getAnyJson(deviceUrl(target.address, '/reboot'), credentials);
  if (!reboot.ok) return deviceFailure(target.address, reboot.failure, userOf(1, target.login));
  return ok({ restarted: true });
}
