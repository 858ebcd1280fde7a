/**
 * The wizard's "Test" against real Mosquitto instances: every failure the front desk can meet is
 * produced for real (wrong password, untrusted or expired certificate, wrong host name, missing
 * or rejected client certificate, refused subscription, refused port, unknown host, a silent
 * port) and the step and the plain-words reason are asserted.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile, ConnectionTestReport } from '../../src/shared/contract';
import { testConnection, type TestOptions } from '../../src/main/core/broker/connection-test';
import { freePort } from '../support/mosquitto';
import {
  dynsecLines,
  makePki,
  mutualTlsLines,
  passwordFile,
  startBroker,
  tlsLines,
  type Broker,
  type TestPki,
} from '../support/mosquitto-tls';
import { testClient } from '../support/mqtt-client';

const USER = 'frontdesk';
const PASSWORD = 'Sup3r-Secret-pw';
const CLIENT_ID = 'kilowatch-0123456789';

let pki: TestPki;
let plain: Broker;
let auth: Broker;
let tlsAuth: Broker;
let wrongHost: Broker;
let expired: Broker;
let mutual: Broker;
let acl: Broker;
let aclFile: Broker;
let silent: Server;
let silentPort: number;
const silentSockets = new Set<Socket>();
const reports: ConnectionTestReport[] = [];

const profile = (p: Partial<ConnectionProfile> & { url: string }): ConnectionProfile => ({
  name: 'test',
  protocolVersion: 4,
  keepaliveS: 30,
  subscribe: ['#'],
  ...p,
});

async function run(p: ConnectionProfile, opts: Partial<TestOptions> = {}): Promise<ConnectionTestReport> {
  const result = await testConnection(p, {
    clientId: CLIENT_ID,
    firstMessageTimeoutMs: 1500,
    stepTimeoutMs: 5000,
    ...opts,
  });
  if (!result.ok) throw new Error(`the test could not run: ${result.error.message}`);
  reports.push(result.value);
  return result.value;
}

const stepsOf = (r: ConnectionTestReport) => r.steps.map((s) => `${s.step}:${s.ok ? 'ok' : 'fail'}`);
const last = (r: ConnectionTestReport) => r.steps[r.steps.length - 1];

async function publishRetained(url: string, topic: string, options: Record<string, unknown> = {}) {
  const mqtt = await import('mqtt');
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...options });
  await client.publishAsync(topic, '{"ison":true}', { qos: 1, retain: true });
  await client.endAsync();
}

beforeAll(async () => {
  pki = makePki();
  const passwd = passwordFile(pki.dir, { [USER]: PASSWORD });
  [plain, auth, tlsAuth, wrongHost, expired, mutual, acl, aclFile] = await Promise.all([
    startBroker([]),
    startBroker(['allow_anonymous false', `password_file ${passwd}`]),
    startBroker(['allow_anonymous false', `password_file ${passwd}`, ...tlsLines(pki)]),
    startBroker(tlsLines(pki, 'wrongHost')),
    startBroker(tlsLines(pki, 'expired')),
    startBroker(mutualTlsLines(pki)),
    startBroker(dynsecLines(pki.dir, USER, PASSWORD, ['Coreflux/#'])),
    startBroker(['allow_anonymous true', `acl_file ${writeAcl(pki.dir)}`]),
  ]);
  silent = createServer((socket) => {
    // Accepts and never answers: a firewall-ish black hole, or a port that is not MQTT.
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  silentPort = await new Promise<number>((resolve) =>
    silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
  );
  await publishRetained(plain.url(), 'shellies/shellyplus1pm-a8032ab1c2d3/online');
  await publishRetained(tlsAuth.url('mqtts', 'localhost'), 'Coreflux/Porto/Lobby/Light/status', {
    ca: pki.ca.pem,
    username: USER,
    password: PASSWORD,
  });
});

function writeAcl(dir: string): string {
  const path = `${dir}/acl`;
  writeFileSync(path, 'topic read Coreflux/#\n');
  return path;
}

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((r) => silent?.close(r));
  await Promise.all([plain, auth, tlsAuth, wrongHost, expired, mutual, acl, aclFile].map((b) => b?.stop()));
  pki?.remove();
});

describe('a broker that works', () => {
  it('passes every step on a plain anonymous Mosquitto and sees the first message', async () => {
    const r = await run(profile({ url: plain.url() }));
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'connack:ok', 'subscribe:ok', 'first-message:ok']);
    expect(r.passed).toBe(true);
    expect(r.failure).toBeUndefined();
    expect(last(r)?.message).toMatch(/first message on shellies\/.*\(retained\)/);
    expect(r.steps[2]?.message).toMatch(/MQTT 3\.1\.1, accepted anonymously/);
  });

  it('passes with a user name and password, in MQTT 3.1.1 and 5', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const r = await run(profile({ url: auth.url(), username: USER, password: PASSWORD, protocolVersion }), {
        firstMessageTimeoutMs: 200,
      });
      expect(r.passed).toBe(true);
      expect(r.steps.find((s) => s.step === 'connack')?.message).toContain(`as "${USER}"`);
    }
  });

  it('passes over TLS with the site CA and a password, by host name and by IP address', async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const r = await run(
        profile({
          url: tlsAuth.url('mqtts', host),
          username: USER,
          password: PASSWORD,
          tls: { rejectUnauthorized: true, ca: pki.ca.pem },
          subscribe: ['Coreflux/#'],
        }),
      );
      expect(stepsOf(r)).toEqual([
        'resolve:ok',
        'tcp:ok',
        'tls:ok',
        'connack:ok',
        'subscribe:ok',
        'first-message:ok',
      ]);
      expect(r.steps[2]?.message).toMatch(
        /certificate verified: CN=localhost, issued by CN=Kilowatch Test CA/,
      );
    }
  });

  it('never takes over the live session: the test uses its own throwaway client id', async () => {
    const live = await testClient(plain.url(), CLIENT_ID);
    let isKicked = false;
    live.on('close', () => (isKicked = true));
    const r = await run(profile({ url: plain.url() }));
    expect(r.passed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isKicked).toBe(false);
    expect(live.connected).toBe(true);
    await live.endAsync();
  });

  it('warns, without failing, when no message arrives under the filter', async () => {
    const r = await run(profile({ url: plain.url(), subscribe: ['nobody/publishes/here/#'] }), {
      firstMessageTimeoutMs: 300,
    });
    expect(r.passed).toBe(true);
    expect(r.failure).toBeUndefined();
    expect(last(r)).toMatchObject({ step: 'first-message', ok: false });
    expect(last(r)?.message).toMatch(/No message arrived under nobody\/publishes\/here\/# within 0\.3 s/);
  });

  it('with verification off, passes TLS but says the certificate was not verified', async () => {
    const r = await run(
      profile({ url: wrongHost.url('mqtts', 'localhost'), tls: { rejectUnauthorized: false } }),
      { firstMessageTimeoutMs: 200 },
    );
    expect(r.passed).toBe(true);
    expect(r.steps[2]).toMatchObject({ step: 'tls', ok: true });
    expect(r.steps[2]?.message).toMatch(/NOT verified/);
  });
});

describe('each failure, at its step, in plain words', () => {
  it('host not found → broker-unreachable at resolve', async () => {
    const r = await run(profile({ url: 'mqtt://kilowatch.invalid:1883' }));
    expect(stepsOf(r)).toEqual(['resolve:fail']);
    expect(r.passed).toBe(false);
    // Without a network the resolver may say "try again" instead of "no such name".
    expect(['broker-unreachable', 'timeout']).toContain(r.failure?.code);
    expect(r.failure?.message).toMatch(/kilowatch\.invalid/);
  });

  it('host not found, as DNS reports it → "could not be found"', async () => {
    const r = await run(profile({ url: 'mqtt://broker.hotel.example:1883' }), {
      lookup: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    });
    expect(r.failure).toMatchObject({ code: 'broker-unreachable' });
    expect(r.failure?.message).toBe(
      'The host name "broker.hotel.example" could not be found. Check its spelling, or the network\'s DNS.',
    );
  });

  it('connection refused → broker-unreachable at tcp', async () => {
    const port = await freePort();
    const r = await run(profile({ url: `mqtt://127.0.0.1:${port}` }));
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:fail']);
    expect(r.failure?.code).toBe('broker-unreachable');
    expect(r.failure?.message).toMatch(/Connection refused by 127\.0\.0\.1:\d+: nothing is listening/);
  });

  it('a port that accepts and never answers → timeout at connack', async () => {
    const r = await run(profile({ url: `mqtt://127.0.0.1:${silentPort}` }), { stepTimeoutMs: 800 });
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'connack:fail']);
    expect(r.failure?.code).toBe('timeout');
    expect(r.failure?.message).toMatch(/did not answer the MQTT CONNECT within 0\.8 s/);
  });

  it('the same silent port with mqtts:// → timeout at tls', async () => {
    const r = await run(profile({ url: `mqtts://127.0.0.1:${silentPort}` }), { stepTimeoutMs: 800 });
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.code).toBe('timeout');
    expect(r.failure?.message).toMatch(/did not complete the TLS handshake/);
  });

  it('mqtts:// to a plain MQTT port → "did not answer with TLS"', async () => {
    const r = await run(profile({ url: `mqtts://127.0.0.1:${plain.port}` }));
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.message).toMatch(/did not answer with TLS.*try mqtt:\/\//);
  });

  it('mqtt:// to a TLS port → closed without answering, try mqtts://', async () => {
    const r = await run(profile({ url: tlsAuth.url('mqtt', 'localhost') }));
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'connack:fail']);
    expect(r.failure?.message).toMatch(/use mqtts:\/\//);
  });

  it('wrong password (3.1.1) → auth-rejected at connack, naming the user, never the password', async () => {
    const r = await run(profile({ url: auth.url(), username: USER, password: 'wrong-password-1' }));
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'connack:fail']);
    expect(r.failure?.code).toBe('auth-rejected');
    expect(r.failure?.message).toMatch(/rejected the user name "frontdesk" or its password \(CONNACK 5\)/);
    expect(JSON.stringify(r)).not.toContain('wrong-password-1');
  });

  it('wrong password (5) → auth-rejected at connack (CONNACK 135)', async () => {
    const r = await run(
      profile({ url: auth.url(), username: USER, password: 'wrong-password-2', protocolVersion: 5 }),
    );
    expect(r.failure?.code).toBe('auth-rejected');
    expect(r.failure?.message).toMatch(/CONNACK 135/);
  });

  it('no credentials where they are required → auth-rejected, "does not accept anonymous"', async () => {
    const r = await run(profile({ url: auth.url() }));
    expect(r.failure?.code).toBe('auth-rejected');
    expect(r.failure?.message).toMatch(/does not accept anonymous connections/);
  });

  it('untrusted certificate (no CA given) → tls-untrusted with subject, issuer and expiry', async () => {
    const r = await run(
      profile({ url: tlsAuth.url('mqtts', 'localhost'), username: USER, password: PASSWORD }),
    );
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.code).toBe('tls-untrusted');
    expect(r.failure?.message).toMatch(
      /^The broker's certificate is not trusted: CN=localhost, issued by CN=Kilowatch Test CA, valid until \d{4}-\d{2}-\d{2}\. Add the CA certificate/,
    );
  });

  it('certificate from another CA than the one given → says which CA was given', async () => {
    const r = await run(
      profile({
        url: tlsAuth.url('mqtts', 'localhost'),
        tls: { rejectUnauthorized: true, ca: pki.clientCa.pem },
      }),
    );
    expect(r.failure?.code).toBe('tls-untrusted');
    expect(r.failure?.message).toMatch(
      /not issued by the CA certificate you gave \(CN=Kilowatch Client CA\)/,
    );
  });

  it('host name mismatch → tls-untrusted naming the names on the certificate', async () => {
    const r = await run(
      profile({
        url: wrongHost.url('mqtts', 'localhost'),
        tls: { rejectUnauthorized: true, ca: pki.ca.pem },
      }),
    );
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.code).toBe('tls-untrusted');
    expect(r.failure?.message).toMatch(
      /certificate is for DNS:broker\.elsewhere\.example, not for "localhost".*set the server name \(SNI\)/,
    );
  });

  it('a server name (SNI) that is not on the certificate → mismatch for that name', async () => {
    const r = await run(
      profile({
        url: tlsAuth.url('mqtts', '127.0.0.1'),
        tls: { rejectUnauthorized: true, ca: pki.ca.pem, servername: 'broker.hotel.example' },
      }),
    );
    expect(r.failure?.message).toMatch(/not for "broker\.hotel\.example"/);
  });

  it('expired certificate → tls-untrusted with the expiry date', async () => {
    const r = await run(
      profile({ url: expired.url('mqtts', 'localhost'), tls: { rejectUnauthorized: true, ca: pki.ca.pem } }),
    );
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.code).toBe('tls-untrusted');
    expect(r.failure?.message).toMatch(
      /has expired \(CN=localhost, issued by CN=Kilowatch Test CA, expired 2020-02-01\)/,
    );
  });

  it('client certificate required but not given → says to add one', async () => {
    const r = await run(
      profile({ url: mutual.url('mqtts', 'localhost'), tls: { rejectUnauthorized: true, ca: pki.ca.pem } }),
      // Generous under load: the alert ends the wait as soon as it arrives.
      { tlsSettleMs: 2000 },
    );
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.code).toBe('tls-untrusted');
    expect(r.failure?.message).toBe(
      'The broker requires a client certificate and none was given. Add the client certificate and its key (PEM) under Security.',
    );
  });

  it('client certificate from an untrusted CA → "rejected the client certificate"', async () => {
    const r = await run(
      profile({
        url: mutual.url('mqtts', 'localhost'),
        tls: {
          rejectUnauthorized: true,
          ca: pki.ca.pem,
          cert: pki.rogueClient.cert,
          key: pki.rogueClient.key,
        },
      }),
      { tlsSettleMs: 2000 },
    );
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'tls:fail']);
    expect(r.failure?.message).toMatch(
      /^The broker rejected the client certificate \(.+\): CN=frontdesk, issued by CN=Somebody Else CA/,
    );
  });

  it('an alert that comes after the TLS step is still reported in the same words (at connack)', async () => {
    const r = await run(
      profile({ url: mutual.url('mqtts', 'localhost'), tls: { rejectUnauthorized: true, ca: pki.ca.pem } }),
      { tlsSettleMs: 0 },
    );
    expect(r.passed).toBe(false);
    expect(['tls', 'connack']).toContain(last(r)?.step);
    expect(r.failure?.message).toMatch(/^The broker requires a client certificate and none was given/);
  });

  it('client certificate the broker trusts → passes, also with an encrypted key and its passphrase', async () => {
    for (const key of [
      { key: pki.client.key },
      { key: pki.encryptedClientKey.key, passphrase: pki.encryptedClientKey.passphrase },
    ]) {
      const r = await run(
        profile({
          url: mutual.url('mqtts', 'localhost'),
          tls: { rejectUnauthorized: true, ca: pki.ca.pem, cert: pki.client.cert, ...key },
        }),
        { firstMessageTimeoutMs: 200 },
      );
      expect(r.passed).toBe(true);
      expect(stepsOf(r).slice(0, 5)).toEqual([
        'resolve:ok',
        'tcp:ok',
        'tls:ok',
        'connack:ok',
        'subscribe:ok',
      ]);
    }
  });

  it('a subscription the ACL forbids → not-authorized at subscribe, naming the filter (3.1.1: SUBACK 0x80)', async () => {
    const r = await run(
      profile({ url: acl.url(), username: USER, password: PASSWORD, subscribe: ['secret/#'] }),
    );
    expect(stepsOf(r)).toEqual(['resolve:ok', 'tcp:ok', 'connack:ok', 'subscribe:fail']);
    expect(r.failure?.code).toBe('not-authorized');
    expect(r.failure?.message).toMatch(/does not allow subscribing to "secret\/#" \(SUBACK 0x80/);
  });

  it('the same in MQTT 5 → SUBACK 0x87 "not authorized"; allowed filters pass', async () => {
    const denied = await run(
      profile({
        url: acl.url(),
        username: USER,
        password: PASSWORD,
        subscribe: ['Coreflux/#', 'secret/#'],
        protocolVersion: 5,
      }),
    );
    expect(denied.failure?.code).toBe('not-authorized');
    expect(denied.failure?.message).toMatch(/"secret\/#" \(SUBACK 0x87, not authorized\)/);
    expect(denied.failure?.message).not.toMatch(/Coreflux/);
    const allowed = await run(
      profile({ url: acl.url(), username: USER, password: PASSWORD, subscribe: ['Coreflux/#'] }),
      {
        firstMessageTimeoutMs: 200,
      },
    );
    expect(allowed.passed).toBe(true);
  });

  it("Mosquitto's acl_file grants a forbidden subscription (2.0.11) and only withholds messages", async () => {
    // Documented behaviour, kept here so a Mosquitto upgrade that starts refusing is noticed:
    // with acl_file the test cannot see the refusal; the first-message step is the only hint.
    const r = await run(profile({ url: aclFile.url(), subscribe: ['secret/#'] }), {
      firstMessageTimeoutMs: 200,
    });
    expect(r.steps.find((s) => s.step === 'subscribe')?.ok).toBe(true);
    expect(last(r)).toMatchObject({ step: 'first-message', ok: false });
  });
});

describe('the profile itself', () => {
  it('refuses PEM that is not PEM before connecting (invalid-params, not a report)', async () => {
    const result = await testConnection(
      profile({
        url: tlsAuth.url('mqtts', 'localhost'),
        tls: { rejectUnauthorized: true, ca: 'not a certificate' },
      }),
      { clientId: CLIENT_ID },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!result.ok)
      expect(result.error.message).toMatch(/The CA certificate has no "-----BEGIN CERTIFICATE-----" line/);
  });

  it('refuses a malformed topic filter', async () => {
    const result = await testConnection(profile({ url: plain.url(), subscribe: ['site/#/status'] }), {
      clientId: CLIENT_ID,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
  });
});

describe('secrets', () => {
  it('no report ever contains the password or the key passphrase', () => {
    expect(reports.length).toBeGreaterThan(20);
    const text = JSON.stringify(reports);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(pki.encryptedClientKey.passphrase);
  });
});
