/**
 * Saved profile → mqtt.js options. Pure, so each protocol rule is unit-tested branch by branch.
 */
import { isIP } from 'node:net';
import type { IClientOptions } from 'mqtt';
import type { ConnectionProfile } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';

/** How long the broker keeps our session (MQTT 5) while the console is away: a week of readings. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

export function brokerOptions(
  profile: ConnectionProfile,
  defaultClientId: string,
  isSessionPersistent = true,
): Result<IClientOptions, ApiError> {
  let url: URL;
  try {
    url = new URL(profile.url);
  } catch (e) {
    if (e instanceof TypeError) return err('invalid-params', `"${profile.url}" is not a valid broker URL.`);
    throw e;
  }
  const protocol = url.protocol.replace(/:$/, '');
  if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(protocol)) {
    return err(
      'invalid-params',
      `Unsupported scheme "${protocol}://": use mqtt://, mqtts://, ws:// or wss://.`,
    );
  }
  if (!url.hostname) return err('invalid-params', `The broker URL "${profile.url}" has no host name.`);
  const username = profile.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = profile.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  // MQTT 3.1.1 §3.1.2.9: a password without a user name is a protocol violation; 5.0 allows it.
  if (password !== undefined && username === undefined && profile.protocolVersion === 4) {
    return err('invalid-params', 'MQTT 3.1.1 needs a user name when a password is set.');
  }
  const isTls = protocol === 'mqtts' || protocol === 'wss';
  // mqtt.js hands TLS fields through to tls.connect, which also takes the key's passphrase.
  const options: IClientOptions & { passphrase?: string } = {
    protocol: protocol as IClientOptions['protocol'],
    hostname: url.hostname,
    port: url.port ? Number(url.port) : { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 }[protocol],
    // WebSocket brokers (Mosquitto, EMQX) listen on /mqtt unless a path is given.
    path: protocol.startsWith('ws') ? (url.pathname !== '/' ? url.pathname : '/mqtt') : undefined,
    protocolVersion: profile.protocolVersion,
    clientId: profile.clientId ?? defaultClientId,
    // A persistent session: the broker queues what arrives while the console is down (§7).
    clean: !isSessionPersistent,
    keepalive: profile.keepaliveS,
    // Reconnects are ours (backoff with jitter, no hammering on rejected credentials).
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    resubscribe: true,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(profile.protocolVersion === 5 && { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } }),
  };
  if (isTls) {
    const tls = profile.tls ?? { rejectUnauthorized: true };
    options.rejectUnauthorized = tls.rejectUnauthorized;
    // SNI: without servername a broker behind a shared IP presents the wrong certificate.
    // An IP address is not a valid SNI name (RFC 6066 §3): leave it out rather than send it.
    const servername = tls.servername ?? (isIP(url.hostname) ? undefined : url.hostname);
    if (servername) {
      options.servername = servername;
      // mqtt.js hands servername to tls.connect only for mqtts://; WebSockets take it here.
      if (protocol === 'wss') {
        // ws passes its options to https.request, which takes servername; mqtt.js's type omits it.
        const wsOptions: Record<string, unknown> = {
          ...(options.wsOptions as Record<string, unknown>),
          servername,
        };
        options.wsOptions = wsOptions as IClientOptions['wsOptions'];
      }
    }
    if (tls.ca) options.ca = tls.ca;
    if (tls.cert) options.cert = tls.cert;
    if (tls.key) options.key = tls.key;
    if (tls.passphrase) options.passphrase = tls.passphrase;
  }
  return ok(options);
}

/** The URL as shown to people and in logs: never with credentials. */
export function safeBrokerUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch (e) {
    if (e instanceof TypeError) return '(invalid URL)';
    throw e;
  }
}
