/**
 * "Test" in the connection wizard: the real handshake, one step at a time, so the first step that
 * fails says exactly why in words the front desk can act on:
 *
 *   resolve → tcp → tls (mqtts/wss only) → connack → subscribe → first-message
 *
 * Steps after the first failure are not run. `first-message` is advice, not a failure: a broker
 * that accepts us and our subscription works even if no device publishes right now, so the
 * report still `passed` and that step carries a warning. The test connects with a clean session
 * and a throwaway client id derived from the console's, so it never takes over the live session.
 * No message ever contains the password or the key passphrase.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { ConnectionProfile, ConnectionTestReport } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { brokerError } from './broker-error';
import { connackRefusal, refusedFilters, subscribeRefusal, UNTRUSTED_CERT_CODES } from './refusals';
import { brokerOptions, safeBrokerUrl } from './options';
import { certificateInfo, checkTlsMaterial, describeCertificate, type CertificateInfo } from './pem';

export type TestStepName = ConnectionTestReport['steps'][number]['step'];
type Step = ConnectionTestReport['steps'][number];

export interface LookupAddress {
  address: string;
  family: number;
}

export interface TestOptions {
  /** The console's stable client id; the test uses `<id>-test-<random>` (clean session). */
  clientId: string;
  /** How long to wait for a first message under the filters (default 10 s). */
  firstMessageTimeoutMs?: number;
  /** Each network step's limit (default 10 s). */
  stepTimeoutMs?: number;
  /**
   * With TLS 1.3 a broker that wants a client certificate accepts the handshake and then sends
   * an alert; wait this long after the handshake to hear it (default 400 ms).
   */
  tlsSettleMs?: number;
  /** Filters the live connection adds (e.g. `<clientId>/rpc`), checked for permission too. */
  extraFilters?: string[];
  /** For tests: replaces DNS. */
  lookup?: (host: string) => Promise<LookupAddress[]>;
}

const DEFAULT_STEP_TIMEOUT_MS = 10_000;
const DEFAULT_FIRST_MESSAGE_MS = 10_000;
const DEFAULT_TLS_SETTLE_MS = 400;

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;

/** Why a topic filter is malformed (MQTT §4.7), or null. Mirrored in the wizard's form checks. */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0) return 'a topic filter cannot be empty';
  if (filter.includes('\u0000')) return `"${filter}" contains a null character`;
  const levels = filter.split('/');
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1))
      return `"${filter}": # must be a whole level and the last one (like site/#)`;
    if (level.includes('+') && level !== '+')
      return `"${filter}": + must be a whole level (like site/+/status)`;
  }
  return null;
}

// ---- messages ----------------------------------------------------------------------------------

function untrusted(
  verifyCode: string,
  server: CertificateInfo | null,
  hasCa: boolean,
  caSubjects: string[],
): ApiError {
  const cert = server ? describeCertificate(server) : 'no certificate details available';
  if (verifyCode === 'CERT_HAS_EXPIRED')
    return {
      code: 'tls-untrusted',
      message: `The broker's certificate has expired (${cert}). Ask whoever runs the broker to renew it.`,
      detail: { verifyCode, certificate: server },
    };
  if (verifyCode === 'CERT_NOT_YET_VALID')
    return {
      code: 'tls-untrusted',
      message: `The broker's certificate is not valid yet (${cert}, valid from ${server?.validFrom.slice(0, 10) ?? '?'}). Check this computer's date and time.`,
      detail: { verifyCode, certificate: server },
    };
  const isSelfSigned = verifyCode === 'DEPTH_ZERO_SELF_SIGNED_CERT';
  const advice = hasCa
    ? `It was not issued by the CA certificate you gave (${caSubjects.join('; ')}). Check that you have the right CA file for this broker.`
    : isSelfSigned
      ? 'If you trust it, add this certificate as the CA certificate (PEM) under Security.'
      : 'Add the CA certificate (PEM) that issued it under Security; your IT contractor has it.';
  const what = isSelfSigned
    ? 'is self-signed and not trusted'
    : UNTRUSTED_CERT_CODES.has(verifyCode)
      ? 'is not trusted'
      : `could not be verified (${verifyCode})`;
  return {
    code: 'tls-untrusted',
    message: `The broker's certificate ${what}: ${cert}. ${advice}`,
    detail: { verifyCode, certificate: server },
  };
}

const ALERT_WORDS: Record<string, string> = {
  UNKNOWN_CA: 'it was issued by a CA the broker does not trust',
  BAD_CERTIFICATE: 'the broker calls it a bad certificate',
  CERTIFICATE_EXPIRED: 'it has expired',
  CERTIFICATE_REVOKED: 'it has been revoked',
  CERTIFICATE_UNKNOWN: 'the broker does not accept it',
  UNSUPPORTED_CERTIFICATE: 'the broker does not support its type',
  ACCESS_DENIED: 'the broker denies access to it',
  DECRYPT_ERROR: 'its signature did not check out',
  HANDSHAKE_FAILURE: 'the TLS handshake failed',
};

/** A TLS alert the broker sent us: it refused our client certificate (or the lack of one). */
function tlsAlert(code: string, clientCert: CertificateInfo | null): ApiError | null {
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code);
  if (!m) return null;
  const alert = m[1] as string;
  if (alert === 'CERTIFICATE_REQUIRED' || (!clientCert && alert === 'HANDSHAKE_FAILURE'))
    return {
      code: 'tls-untrusted',
      message:
        'The broker requires a client certificate and none was given. Add the client certificate and its key (PEM) under Security.',
      detail: { alert },
    };
  if (!clientCert)
    return {
      code: 'tls-untrusted',
      message: `The broker ended the TLS handshake (alert ${alert.toLowerCase().replace(/_/g, ' ')}).`,
      detail: { alert },
    };
  const why = ALERT_WORDS[alert] ?? `alert ${alert.toLowerCase().replace(/_/g, ' ')}`;
  return {
    code: 'tls-untrusted',
    message: `The broker rejected the client certificate (${why}): ${describeCertificate(clientCert)}. Check that the broker trusts the CA that issued it and that it has not expired.`,
    detail: { alert, certificate: clientCert },
  };
}

function notTls(where: string): ApiError {
  return {
    code: 'broker-unreachable',
    message: `${where} did not answer with TLS. This port may be plain MQTT: try mqtt:// (usually port 1883) or check the port number.`,
  };
}

/** CONNACK refusals and transport errors of the MQTT step. */
function connackError(
  e: unknown,
  where: string,
  profile: ConnectionProfile,
  clientCert: CertificateInfo | null,
): ApiError {
  const code = codeOf(e);
  const user = profile.username;
  if (typeof code === 'number') {
    const refusal = connackRefusal(code);
    const rc = `CONNACK ${String(code)}`;
    const message =
      refusal.fix === 'credentials'
        ? user
          ? `The broker at ${where} rejected the user name "${user}" or its password (${rc}). Check both; passwords are case-sensitive.`
          : `The broker at ${where} does not accept anonymous connections (${rc}). Enter the user name and password under Security.`
        : refusal.fix === 'protocol-version'
          ? `The broker at ${where} does not speak MQTT ${profile.protocolVersion === 5 ? '5' : '3.1.1'} (${rc}). Choose the other MQTT version.`
          : refusal.fix === 'client-id'
            ? `The broker at ${where} refused the client id (${rc}). Leave the client id empty to use the automatic one, or ask which ids are allowed.`
            : `The broker at ${where} refused the connection (${rc}: ${refusal.words}).`;
    return { code: refusal.code, message, detail: { returnCode: code } };
  }
  if (typeof code === 'string') {
    const alert = tlsAlert(code, clientCert);
    if (alert) return alert;
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
      return notTls(where);
  }
  const message = e instanceof Error ? e.message : String(e);
  const http = /Unexpected server response: (\d+)/.exec(message);
  if (http)
    return {
      code: 'broker-unreachable',
      message: `${where} answered the WebSocket request with HTTP ${http[1]}. Check the path (often /mqtt) and the port.`,
    };
  return brokerError(e, where);
}

// ---- the run -----------------------------------------------------------------------------------

class Report {
  readonly steps: Step[] = [];
  failure: ApiError | undefined;

  pass(step: TestStepName, startedMs: number, message?: string, endedMs = performance.now()): void {
    this.steps.push({
      step,
      ok: true,
      ms: Math.round(endedMs - startedMs),
      ...(message && { message }),
    });
  }

  fail(step: TestStepName, startedMs: number, error: ApiError): void {
    this.steps.push({
      step,
      ok: false,
      ms: Math.round(performance.now() - startedMs),
      message: error.message,
    });
    this.failure = error;
  }

  warn(step: TestStepName, startedMs: number, message: string): void {
    this.steps.push({ step, ok: false, ms: Math.round(performance.now() - startedMs), message });
  }

  result(secrets: string[]): ConnectionTestReport {
    // Belt and braces: no message may ever carry a secret, whatever a library put in it.
    const scrub = (text: string): string =>
      secrets.reduce((t, s) => (s.length >= 4 ? t.split(s).join('•••') : t), text);
    const steps = this.steps.map((s) => (s.message ? { ...s, message: scrub(s.message) } : s));
    const failure = this.failure && {
      code: this.failure.code,
      message: scrub(this.failure.message),
      ...(this.failure.detail !== undefined && { detail: this.failure.detail }),
    };
    return { passed: failure === undefined, steps, ...(failure && { failure }) };
  }
}

/** Resolves with the outcome, or `onTimeout()` after `ms`; `cleanup` runs either way. */
function within<T>(
  ms: number,
  work: (done: (value: T) => void) => () => void,
  onTimeout: () => T,
): Promise<T> {
  return new Promise((resolve) => {
    let settled = false;
    let cleanup: () => void = () => undefined;
    const finish = (value: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => finish(onTimeout()), ms);
    cleanup = work(finish);
    if (settled) cleanup();
  });
}

type Outcome<T> = { ok: true; value: T; message?: string } | { ok: false; error: ApiError };

async function resolveStep(
  host: string,
  lookup: (host: string) => Promise<LookupAddress[]>,
  timeoutMs: number,
): Promise<Outcome<LookupAddress[]>> {
  if (isIP(host))
    return { ok: true, value: [{ address: host, family: isIP(host) }], message: `${host} is an IP address` };
  return within<Outcome<LookupAddress[]>>(
    timeoutMs,
    (done) => {
      lookup(host).then(
        (addresses) =>
          addresses.length > 0
            ? done({
                ok: true,
                value: addresses,
                message: `${host} → ${addresses.map((a) => a.address).join(', ')}`,
              })
            : done({
                ok: false,
                error: { code: 'broker-unreachable', message: `The host name "${host}" has no address.` },
              }),
        (e: unknown) => {
          const code = codeOf(e);
          done({
            ok: false,
            error:
              code === 'EAI_AGAIN'
                ? {
                    code: 'broker-unreachable',
                    message: `The name server did not answer for "${host}". Check this computer's network and DNS settings.`,
                  }
                : {
                    code: 'broker-unreachable',
                    message: `The host name "${host}" could not be found. Check its spelling, or the network's DNS.`,
                    detail: { code },
                  },
          });
        },
      );
      return () => undefined;
    },
    () => ({
      ok: false,
      error: {
        code: 'timeout',
        message: `Looking up "${host}" took longer than ${seconds(timeoutMs)}. Check the network's DNS.`,
      },
    }),
  );
}

function tcpOnce(address: string, port: number, timeoutMs: number): Promise<Outcome<Socket>> {
  const target = `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
  return within<Outcome<Socket>>(
    timeoutMs,
    (done) => {
      const socket = new Socket();
      let isConnected = false;
      socket.once('connect', () => {
        isConnected = true;
        done({ ok: true, value: socket, message: `connected to ${target}` });
      });
      socket.once('error', (e) => {
        const code = codeOf(e);
        done({
          ok: false,
          error:
            code === 'ECONNREFUSED'
              ? {
                  code: 'broker-unreachable',
                  message: `Connection refused by ${target}: nothing is listening on that port. Check the port number and that the broker is running.`,
                }
              : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
                ? {
                    code: 'broker-unreachable',
                    message: `${target} cannot be reached from this computer (no route). Check the network and the address.`,
                  }
                : brokerError(e, target),
        });
      });
      socket.connect({ host: address, port });
      return () => {
        if (!isConnected) socket.destroy();
      };
    },
    () => ({
      ok: false,
      error: {
        code: 'timeout',
        message: `${target} did not answer within ${seconds(timeoutMs)}. A firewall may be blocking the port, or the address is wrong.`,
      },
    }),
  );
}

interface TlsSettings {
  host: string;
  servername: string | undefined;
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  caSubjects: string[];
  clientCert: CertificateInfo | null;
}

function tlsStep(
  socket: Socket,
  settings: TlsSettings,
  where: string,
  timeoutMs: number,
  settleMs: number,
): Promise<Outcome<{ socket: TLSSocket; handshakeAtMs: number }>> {
  return within<Outcome<{ socket: TLSSocket; handshakeAtMs: number }>>(
    timeoutMs + settleMs,
    (done) => {
      let tlsSocket: TLSSocket;
      try {
        // Verification is done here by hand (same checks, same order as Node) so that a refused
        // certificate can still be shown: subject, issuer, expiry.
        tlsSocket = tlsConnect({
          socket,
          host: settings.host,
          ...(settings.servername && { servername: settings.servername }),
          rejectUnauthorized: false,
          ...(settings.ca && { ca: settings.ca }),
          ...(settings.cert && { cert: settings.cert }),
          ...(settings.key && { key: settings.key }),
          ...(settings.passphrase && { passphrase: settings.passphrase }),
        });
      } catch (e) {
        done({
          ok: false,
          error: {
            code: 'invalid-params',
            message: `The TLS settings cannot be used: ${e instanceof Error ? e.message.replace(/^error:[0-9A-F]+:/, '') : String(e)}.`,
          },
        });
        return () => socket.destroy();
      }
      let isHandshaken = false;
      let settle: NodeJS.Timeout | undefined;
      const onError = (e: Error): void => {
        const code = codeOf(e);
        const alert = typeof code === 'string' ? tlsAlert(code, settings.clientCert) : null;
        if (alert) return done({ ok: false, error: alert });
        if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
          return done({ ok: false, error: notTls(where) });
        if (!isHandshaken && code === 'ECONNRESET') return done({ ok: false, error: notTls(where) });
        done({ ok: false, error: brokerError(e, where) });
      };
      const onClose = (): void =>
        done({
          ok: false,
          error: {
            code: 'tls-untrusted',
            message: isHandshaken
              ? `The broker closed the connection right after the TLS handshake. It probably requires a client certificate${settings.clientCert ? ' and does not accept this one' : ': add it and its key under Security'}.`
              : `${where} closed the connection during the TLS handshake. Check that this port expects TLS.`,
          },
        });
      tlsSocket.on('error', onError);
      tlsSocket.once('close', onClose);
      tlsSocket.once('secureConnect', () => {
        isHandshaken = true;
        const handshakeAtMs = performance.now();
        // Node 20: after getPeerX509Certificate(), getPeerCertificate() answers {}; use this one only.
        const x509 = tlsSocket.getPeerX509Certificate();
        const server = x509 ? certificateInfo(x509) : null;
        const protocol = tlsSocket.getProtocol() ?? 'TLS';
        if (settings.rejectUnauthorized) {
          // Node has already run both checks (chain, then host name) and kept the first failure.
          const why = tlsSocket.authorizationError as unknown;
          const name = settings.servername ?? settings.host;
          const failed = !tlsSocket.authorized
            ? String(codeOf(why) ?? why)
            : checkServerIdentity(name, x509 ? x509.toLegacyObject() : tlsSocket.getPeerCertificate())
              ? 'ERR_TLS_CERT_ALTNAME_INVALID'
              : null;
          if (failed === 'ERR_TLS_CERT_ALTNAME_INVALID') {
            const names = server?.subjectAltName ?? server?.subject ?? 'another name';
            return done({
              ok: false,
              error: {
                code: 'tls-untrusted',
                message: `The broker's certificate is for ${names}, not for "${name}" (${server ? describeCertificate(server) : 'no details'}). Connect using one of the names on the certificate, or set the server name (SNI) under Security.`,
                detail: { verifyCode: failed, certificate: server },
              },
            });
          }
          if (failed)
            return done({
              ok: false,
              error: untrusted(failed, server, Boolean(settings.ca), settings.caSubjects),
            });
        }
        const certificate = server ? describeCertificate(server) : 'no certificate details';
        const message = settings.rejectUnauthorized
          ? `${protocol}, certificate verified: ${certificate}`
          : `${protocol}, certificate NOT verified (verification is off): ${certificate}`;
        // A broker that wants a client certificate may only say so now (TLS 1.3): listen a moment.
        settle = setTimeout(
          () => done({ ok: true, value: { socket: tlsSocket, handshakeAtMs }, message }),
          settleMs,
        );
      });
      return () => {
        if (settle) clearTimeout(settle);
        tlsSocket.off('error', onError);
        tlsSocket.off('close', onClose);
        tlsSocket.on('error', () => undefined);
        tlsSocket.destroy();
      };
    },
    () => ({
      ok: false,
      error: {
        code: 'timeout',
        message: `${where} accepted the connection but did not complete the TLS handshake within ${seconds(timeoutMs)}. Check that this port expects TLS (usually 8883).`,
      },
    }),
  );
}

function connackStep(
  options: IClientOptions,
  profile: ConnectionProfile,
  where: string,
  clientCert: CertificateInfo | null,
  timeoutMs: number,
): Promise<Outcome<MqttClient>> {
  return within<Outcome<MqttClient>>(
    timeoutMs,
    (done) => {
      const client = mqtt.connect(options);
      let isConnected = false;
      client.once('connect', (connack) => {
        isConnected = true;
        const version = profile.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
        const who = options.username !== undefined ? `as "${options.username}"` : 'anonymously';
        done({
          ok: true,
          value: client,
          message: `${version}, accepted ${who}${connack.sessionPresent ? ' (session present)' : ''}`,
        });
      });
      client.on('error', (e) => {
        if (!isConnected) done({ ok: false, error: connackError(e, where, profile, clientCert) });
      });
      client.once('close', () => {
        if (!isConnected)
          done({
            ok: false,
            error: {
              code: 'broker-unreachable',
              message: `${where} closed the connection without answering the MQTT CONNECT. If the port expects TLS use mqtts://; if it is a WebSocket port use ws:// or wss://.`,
            },
          });
      });
      return () => {
        if (!isConnected) {
          client.removeAllListeners();
          client.on('error', () => undefined);
          client.end(true);
        }
      };
    },
    () => ({
      ok: false,
      error: {
        code: 'timeout',
        message: `${where} accepted the connection but did not answer the MQTT CONNECT within ${seconds(timeoutMs)}. Is this an MQTT port? If the broker expects TLS, use mqtts://.`,
      },
    }),
  );
}

function subscribeStep(
  client: MqttClient,
  filters: string[],
  where: string,
  timeoutMs: number,
): Promise<Outcome<null>> {
  return within<Outcome<null>>(
    timeoutMs,
    (done) => {
      client.subscribe(filters, { qos: 1 }, (e, granted, packet) => {
        const codes: number[] = (packet?.granted ?? granted?.map((g) => g.qos) ?? []).map((g) =>
          typeof g === 'number' ? g : Number((g as { qos?: unknown }).qos),
        );
        const refused = refusedFilters(filters, codes);
        const refusal = subscribeRefusal(refused);
        if (refusal) return done({ ok: false, error: { ...refusal, detail: { refused } } });
        if (e) return done({ ok: false, error: brokerError(e, where) });
        done({
          ok: true,
          value: null,
          message: `subscribed to ${filters.map((f, i) => `${f} (QoS ${codes[i] ?? '?'})`).join(', ')}`,
        });
      });
      return () => undefined;
    },
    () => ({
      ok: false,
      error: {
        code: 'timeout',
        message: `The broker did not confirm the subscription within ${seconds(timeoutMs)}.`,
      },
    }),
  );
}

/** `<id>-test-<4 hex>`: never the live id, so the test cannot end the live session. */
export function testClientId(base: string): string {
  return `${base.slice(0, 100)}-test-${randomBytes(2).toString('hex')}`;
}

/**
 * Runs the test. `err` only when the profile itself cannot be used (bad URL, PEM that is not
 * PEM, a key that does not fit its certificate): then there was nothing to test. Otherwise a
 * report, passed or not.
 */
export async function testConnection(
  profile: ConnectionProfile,
  opts: TestOptions,
): Promise<Result<ConnectionTestReport, ApiError>> {
  const stepMs = opts.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const firstMessageMs = opts.firstMessageTimeoutMs ?? DEFAULT_FIRST_MESSAGE_MS;
  const settleMs = opts.tlsSettleMs ?? DEFAULT_TLS_SETTLE_MS;
  const lookup =
    opts.lookup ??
    ((host: string) => dnsLookup(host, { all: true, verbatim: true }) as Promise<LookupAddress[]>);

  const built = brokerOptions(profile, testClientId(profile.clientId ?? opts.clientId));
  if (!built.ok) return built;
  const base = built.value;
  // Once each: SUBACK codes are matched to filters by position.
  const filters = [...new Set([...profile.subscribe, ...(opts.extraFilters ?? [])])];
  for (const filter of filters) {
    const problem = topicFilterProblem(filter);
    if (problem) return err('invalid-params', `Topic filter ${problem}.`);
  }
  const isTls = base.protocol === 'mqtts' || base.protocol === 'wss';
  const tls = profile.tls ?? { rejectUnauthorized: true };
  let caSubjects: string[] = [];
  let clientCert: CertificateInfo | null = null;
  if (isTls) {
    const material = checkTlsMaterial(tls);
    if (!material.ok) return material;
    caSubjects = (material.value.ca ?? []).map((c) => c.subject);
    clientCert = material.value.cert ?? null;
  }
  const host = base.hostname as string;
  const port = Number(base.port);
  const where = safeBrokerUrl(profile.url);
  const secrets = [base.password, tls.passphrase].filter((s): s is string => typeof s === 'string');
  const report = new Report();

  let socket: Socket | null = null;
  let client: MqttClient | null = null;
  try {
    let t0 = performance.now();
    const resolved = await resolveStep(host, lookup, stepMs);
    if (!resolved.ok) {
      report.fail('resolve', t0, resolved.error);
      return ok(report.result(secrets));
    }
    report.pass('resolve', t0, resolved.message);

    t0 = performance.now();
    let tcp: Outcome<Socket> | null = null;
    // Every address in turn, as the connection itself would (IPv6 first if DNS says so).
    for (const { address } of resolved.value.slice(0, 4)) {
      tcp = await tcpOnce(address, port, stepMs);
      if (tcp.ok) break;
    }
    if (!tcp?.ok) {
      report.fail(
        'tcp',
        t0,
        tcp ? tcp.error : { code: 'broker-unreachable', message: `No address for ${host}.` },
      );
      return ok(report.result(secrets));
    }
    socket = tcp.value;
    report.pass('tcp', t0, tcp.message);

    if (isTls) {
      t0 = performance.now();
      const servername = tls.servername ?? (isIP(host) ? undefined : host);
      const handshake = await tlsStep(
        socket,
        {
          host,
          servername,
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.ca && { ca: tls.ca }),
          ...(tls.cert && { cert: tls.cert }),
          ...(tls.key && { key: tls.key }),
          ...(tls.passphrase && { passphrase: tls.passphrase }),
          caSubjects,
          clientCert,
        },
        where,
        stepMs,
        settleMs,
      );
      if (!handshake.ok) {
        report.fail('tls', t0, handshake.error);
        return ok(report.result(secrets));
      }
      // The handshake's own time, not the moment spent listening for a late alert.
      report.pass('tls', t0, handshake.message, handshake.value.handshakeAtMs);
    }
    socket.destroy();
    socket = null;

    t0 = performance.now();
    const options: IClientOptions = {
      ...base,
      clean: true,
      reconnectPeriod: 0,
      resubscribe: false,
      // Our own timer reports the timeout; mqtt.js's must not race it.
      connectTimeout: stepMs + 5_000,
      // No session to keep: the broker forgets this test client as soon as it leaves.
      properties: undefined,
    };
    // RFC 6066: SNI carries host names only; Node warns when given an IP address.
    if (options.servername && isIP(options.servername)) delete options.servername;
    const connack = await connackStep(options, profile, where, clientCert, stepMs);
    if (!connack.ok) {
      report.fail('connack', t0, connack.error);
      return ok(report.result(secrets));
    }
    client = connack.value;
    report.pass('connack', t0, connack.message);

    // Listening before subscribing: retained messages arrive right after the SUBACK.
    let first: { topic: string; isRetained: boolean; atMs: number } | null = null;
    let onFirst: (() => void) | null = null;
    client.on('message', (topic, _payload, packet) => {
      if (first) return;
      first = { topic, isRetained: packet.retain, atMs: performance.now() };
      onFirst?.();
    });

    t0 = performance.now();
    const subscribed = await subscribeStep(client, filters, where, stepMs);
    if (!subscribed.ok) {
      report.fail('subscribe', t0, subscribed.error);
      return ok(report.result(secrets));
    }
    report.pass('subscribe', t0, subscribed.message);

    t0 = performance.now();
    const heard = await within<boolean>(
      firstMessageMs,
      (done) => {
        if (first) done(true);
        else onFirst = () => done(true);
        return () => {
          onFirst = null;
        };
      },
      () => false,
    );
    const seen = first as { topic: string; isRetained: boolean; atMs: number } | null;
    if (heard && seen) {
      report.pass(
        'first-message',
        t0,
        `first message on ${seen.topic}${seen.isRetained ? ' (retained)' : ''} after ${Math.max(0, Math.round(seen.atMs - t0))} ms`,
      );
    } else {
      report.warn(
        'first-message',
        t0,
        `No message arrived under ${profile.subscribe.join(', ')} within ${seconds(firstMessageMs)}. The connection works; if devices should be publishing, check that the filter matches their topics (for example Coreflux/# or shellies/#).`,
      );
    }
    return ok(report.result(secrets));
  } finally {
    socket?.destroy();
    if (client) {
      const c = client;
      c.removeAllListeners();
      c.on('error', () => undefined);
      c.end(true);
    }
  }
}
