/**
 * mqtt.js and socket failures in words a front-desk person can act on (the contract's codes).
 */
import type { ApiError } from '../../../shared/result';
import { safeBrokerUrl } from './options';
import { connackRefusal, UNTRUSTED_CERT_CODES } from './refusals';

/** `where` is the broker's address; it is shown without credentials whatever the caller passed. */
export function brokerError(e: unknown, rawWhere: string): ApiError {
  const where = safeBrokerUrl(rawWhere);
  const error = e instanceof Error ? (e as Error & { code?: unknown }) : new Error(String(e));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const refusal = connackRefusal(code);
    return {
      code: refusal.code,
      message:
        refusal.fix === 'credentials'
          ? `The broker at ${where} rejected the user name or password.`
          : `The broker at ${where} refused the connection (code ${code}: ${refusal.words}).`,
    };
  }
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
  if (typeof code === 'string' && UNTRUSTED_CERT_CODES.has(code)) {
    return {
      code: 'tls-untrusted',
      message: `The certificate of ${where} is not trusted (${code}). Add the site's CA certificate.`,
    };
  }
  return { code: 'broker-unreachable', message: `Could not connect to ${where}: ${error.message}` };
}
