/**
 * Reads what a Shelly says about itself over its local HTTP API: `GET /shelly` (unprotected on
 * every generation: it says whether the rest needs a password), then its MQTT settings, Gen2+
 * `MQTT.GetConfig` with digest authentication or Gen1 `/settings` with basic.
 */
import type { DeviceLoginSchema, ShellyFound } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import type { z } from 'zod';
import { getJson, type Credentials } from '../device-http/http-get';
import { deviceUrl, normalAddress } from './device-address';
import { deviceFailure } from './device-words';

export type DeviceLogin = z.infer<typeof DeviceLoginSchema>;
/** What the device says; `known` is the console's to add. */
export type ShellyIdentity = Omit<ShellyFound, 'known'>;

/** Gen2+ digest always uses `admin`; Gen1's basic user is set on the device, `admin` by default. */
export const GEN2_USER = 'admin';
const GEN1_DEFAULT_USER = 'admin';

export function credentialsFor(generation: number, login: DeviceLogin | undefined): Credentials | undefined {
  if (!login) return undefined;
  return generation >= 2
    ? { scheme: 'digest', username: GEN2_USER, password: login.password }
    : { scheme: 'basic', username: login.username ?? GEN1_DEFAULT_USER, password: login.password };
}

export const userOf = (generation: number, login: DeviceLogin | undefined): string =>
  generation >= 2 ? GEN2_USER : (login?.username ?? GEN1_DEFAULT_USER);

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export interface ProbeOptions {
  /** Only the identity (a LAN scan): no second request for the MQTT settings. */
  identityOnly?: boolean;
  timeoutMs?: number;
}

export async function probeShelly(
  rawAddress: string,
  login: DeviceLogin | undefined,
  options: ProbeOptions = {},
): Promise<Result<ShellyIdentity, ApiError>> {
  const address = normalAddress(rawAddress);
  const shelly = await getJson(deviceUrl(address, '/shelly'), undefined, options.timeoutMs);
  if (!shelly.ok) return deviceFailure(address, shelly.failure, userOf(2, login));
  const info = shelly.value;
  const mac = text(info.mac);
  // Gen2+ say `gen`; Gen1 say `type` and nothing of a generation.
  const generation = typeof info.gen === 'number' && info.gen >= 2 ? info.gen : text(info.type) ? 1 : null;
  if (!mac || generation === null)
    return deviceFailure(address, { kind: 'not-json', detail: '/shelly has no model or MAC' }, GEN2_USER);

  if (generation >= 2) {
    const authRequired = info.auth_en === true;
    const identity: ShellyIdentity = {
      address,
      generation,
      id: text(info.id),
      mac,
      model: text(info.model) ?? 'unknown',
      name: text(info.name),
      firmware: text(info.ver) ?? text(info.fw_id),
      authRequired,
      mqtt: null,
    };
    if (options.identityOnly || (authRequired && !login)) return ok(identity);
    const config = await getJson(
      deviceUrl(address, '/rpc/MQTT.GetConfig'),
      credentialsFor(generation, login),
      options.timeoutMs,
    );
    if (!config.ok) return deviceFailure(address, config.failure, GEN2_USER);
    const c = config.value;
    return ok({
      ...identity,
      mqtt: {
        enabled: c.enable === true,
        server: text(c.server),
        user: text(c.user),
        // Unset, a Gen2+ device publishes under its own id.
        topicPrefix: text(c.topic_prefix) ?? identity.id,
      },
    });
  }

  const authRequired = info.auth === true;
  const identity: ShellyIdentity = {
    address,
    generation: 1,
    id: null,
    mac,
    model: text(info.type) ?? 'unknown',
    name: null,
    firmware: text(info.fw),
    authRequired,
    mqtt: null,
  };
  if (options.identityOnly || (authRequired && !login)) return ok(identity);
  const settings = await getJson(
    deviceUrl(address, '/settings'),
    credentialsFor(1, login),
    options.timeoutMs,
  );
  if (!settings.ok) return deviceFailure(address, settings.failure, userOf(1, login));
  const s = settings.value;
  const device = (s.device ?? {}) as Record<string, unknown>;
  const mqtt = (s.mqtt ?? {}) as Record<string, unknown>;
  // A Gen1's MQTT id is its hostname unless someone changed it; its topics are shellies/<mqtt id>.
  const id = text(device.hostname);
  const mqttId = text(mqtt.id) ?? id;
  return ok({
    ...identity,
    id,
    name: text(s.name),
    mqtt: {
      enabled: mqtt.enable === true,
      server: text(mqtt.server),
      user: text(mqtt.user),
      topicPrefix: mqttId ? `shellies/${mqttId}` : null,
    },
  });
}
