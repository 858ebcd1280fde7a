/**
 * Saved profile → mqtt.js options. Pure, so each protocol rule is unit-tested branch by branch.
 */
import { isIP } from 'node:net';
import type { IClientOptions } from 'mqtt';
import type { ConnectionProfile } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';

/** How long the broker keeps our session (MQTT 5) while the console is away: a week of readings. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * The largest MQTT packet an MQTT 5 broker may send us (CONNECT Maximum Packet Size); it drops
 * bigger ones for this client instead of sending them (MQTT 5 §3.1.2.11.4). Real Shelly payloads
 * are far smaller: a Pro 4PM's GetStatus is a few KB, a BLU gateway's GetComponents with its
 * BTHome sensors tens of KB. The decoder rejects any payload over MAX_PAYLOAD_BYTES (256 KiB)
 * before decoding it, on every protocol version, with the reason `payload-too-large` in stats
 * and alerts. This bound sits above that one so such a message still arrives and is counted as
 * rejected where someone can see it, while one hostile publish can no longer make the console
 * buffer hundreds of MB (MQTT allows 256 MB).
 */
export const MAX_PACKET_BYTES = 1024 * 1024;

export function brokerOptions(
  profile: ConnectionProfile,
  defaultClientId: string,
  isSessionPersistent = true,
): Result<IClientOptions, ApiError> {
  let url: URL;
  try {
    url = new URL(profile.url);
  } catch (e) {
    if (e instanceof TypeError)
      return err('invalid-params', `"${safeBrokerUrl(profile.url)}" is not a valid broker URL.`);
    throw e;
  }
  const protocol = url.protocol.replace(/:$/, '');
  if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(protocol)) {
    return err(
      'invalid-params',
      `Unsupported scheme "${protocol}://": use mqtt://, mqtts://, ws:// or wss://.`,
    );
  }
  if (!url.hostname)
    return err('invalid-params', `The broker URL "${safeBrokerUrl(profile.url)}" has no host name.`);
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
    // mqtt.js otherwise builds a Buffer for each of the 65,536 packet ids on the first write and
    // keeps them for good: 7.4 MB of the engine's live heap (a heap snapshot at memory-peak), to
    // spare a 2-byte allocation per PUBACK.
    writeCache: false,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(profile.protocolVersion === 5 && {
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S, maximumPacketSize: MAX_PACKET_BYTES },
    }),
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

/**
 * The URL as shown to people and in logs: never with credentials, also when it is mistyped
 * (`mqtt//kilo:s3cret@host`, a port out of range). Whatever stands between `//` and the last `@`
 * goes, parsed or not: a password may hold `/`, `?` or `#` (then `mqtt://kilo:123/x@host` parses
 * as host "kilo" with a path), so no URL part is trusted to end it. A broker URL has no other use
 * for `@`.
 */
export function safeBrokerUrl(raw: string): string {
  let text = raw;
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    text = url.toString().replace(/\/$/, '');
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  const slashes = text.indexOf('//');
  const start = slashes >= 0 ? slashes + 2 : 0;
  const at = text.lastIndexOf('@');
  return at >= start ? text.slice(0, start) + text.slice(at + 1) : text;
}

/** Free text (a library's error message) with every word holding an `@` shown as safeBrokerUrl. */
export function redactCredentials(text: string): string {
  return text.replace(/[^\s'"`]*@[^\s'"`]*/g, (word) => safeBrokerUrl(word));
}
