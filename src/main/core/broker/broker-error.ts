/**
 * mqtt.js and socket failures in words a front-desk person can act on (the contract's codes).
 */
import type { ApiError } from '../../../shared/result';
import { safeBrokerUrl } from './options';

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

/** `where` is the broker's address; it is shown without credentials whatever the caller passed. */
export function brokerError(e: unknown, rawWhere: string): ApiError {
  const where = safeBrokerUrl(rawWhere);
  const error = e instanceof Error ? (e as Error & { code?: unknown }) : new Error(String(e));
  const code = (error as { code?: unknown }).code;
  // CONNACK return codes: 3.1.1 uses 4/5, MQTT 5 uses 134/135 (and 0x87 = 135 "not authorized").
  // 3.1.1 code 5 is "not authorized", but Mosquitto answers a wrong password with it (and 135 in
  // MQTT 5), so people are pointed at their credentials either way (issue #6's table).
  if (code === 4 || code === 134 || code === 5 || code === 135)
    return { code: 'auth-rejected', message: `The broker at ${where} rejected the user name or password.` };
  if (typeof code === 'number')
    return {
      code: 'broker-unreachable',
      message: `The broker at ${where} refused the connection (code ${code}: ${error.message}).`,
    };
  switch (code) {
    case 'ECONNREFUSED':
      return {
        code: 'broker-unreachable',
        message: `Nothing is listening at ${where}: connection refused. Check the host and port, and that the broker is running.`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        code: 'broker-unreachable',
        message: `The host name of ${where} could not be found. Check its spelling or the network's DNS.`,
      };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        code: 'timeout',
        message: `${where} did not answer in time. Check the network, a firewall, or the port.`,
      };
    case 'ECONNRESET':
      return {
        code: 'broker-unreachable',
        message: `${where} closed the connection. If it expects TLS, use mqtts://; check the port.`,
      };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        code: 'tls-untrusted',
        message: `The certificate of ${where} is for another host name (${error.message}).`,
      };
    case 'CERT_HAS_EXPIRED':
      return { code: 'tls-untrusted', message: `The certificate of ${where} has expired.` };
  }
  // mqtt.js's own timers: no CONNACK within connectTimeout, no PINGRESP within its keepalive.
  if (error.message === 'connack timeout')
    return {
      code: 'timeout',
      message: `${where} accepted the connection but did not answer the MQTT CONNECT. The broker may be stopped or overloaded.`,
    };
  if (error.message === 'Keepalive timeout')
    return {
      code: 'timeout',
      message: `The broker at ${where} stopped answering (no reply to keepalive pings).`,
    };
  if (typeof code === 'string' && TLS_UNTRUSTED.has(code)) {
    return {
      code: 'tls-untrusted',
      message: `The certificate of ${where} is not trusted (${code}). Add the site's CA certificate.`,
    };
  }
  return { code: 'broker-unreachable', message: `Could not connect to ${where}: ${error.message}` };
}
