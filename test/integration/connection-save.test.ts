/**
 * A profile that passed its test is saved, read back as the app does at start, connected, and
 * survives a broker restart (reconnect with backoff, visible state, resubscribe). A broker that
 * keeps refusing the password is not hammered, and "Reconnect now" skips the wait. Real
 * Mosquitto with TLS and a password file throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile, ConnectionState } from '../../src/shared/contract';
import { testConnection } from '../../src/main/core/broker/connection-test';
import { BrokerConnection } from '../../src/main/core/broker/connection';
import { brokerOptions, safeBrokerUrl } from '../../src/main/core/broker/options';
import { ProfileStore } from '../../src/main/core/broker/profile-store';
import { FileSecretStore } from '../../src/main/core/broker/secret-store';
import {
  makePki,
  passwordFile,
  startBroker,
  tlsLines,
  type Broker,
  type TestPki,
} from '../support/mosquitto-tls';
import { waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const USER = 'frontdesk';
const PASSWORD = 'Restart-Pa55word';
const CLIENT_ID = 'kilowatch-5a5a5a5a5a';

let pki: TestPki;
let broker: Broker;
const dir = tempDir('kw-save-');

beforeAll(async () => {
  pki = makePki();
  broker = await startBroker([
    'allow_anonymous false',
    `password_file ${passwordFile(pki.dir, { [USER]: PASSWORD })}`,
    ...tlsLines(pki),
  ]);
});

afterAll(async () => {
  await broker?.stop();
  pki?.remove();
  dir.remove();
});

const profile = (): ConnectionProfile => ({
  name: 'Hotel Porto',
  url: broker.url('mqtts', 'localhost'),
  protocolVersion: 4,
  keepaliveS: 10,
  username: USER,
  password: PASSWORD,
  tls: { rejectUnauthorized: true, ca: pki.ca.pem },
  subscribe: ['Coreflux/#'],
});

async function publish(topic: string, payload: string): Promise<void> {
  const mqtt = await import('mqtt');
  const client = await mqtt.connectAsync(broker.url('mqtts', 'localhost'), {
    ca: pki.ca.pem,
    username: USER,
    password: PASSWORD,
    reconnectPeriod: 0,
  });
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

function connectionFor(
  p: ConnectionProfile,
  states: ConnectionState[],
  messages: string[],
): BrokerConnection {
  const options = brokerOptions(p, CLIENT_ID);
  if (!options.ok) throw new Error(options.error.message);
  return new BrokerConnection(
    options.value,
    safeBrokerUrl(p.url),
    p.subscribe,
    {
      onState: (s) => states.push(s),
      onMessage: (topic, payload) => messages.push(`${topic} ${payload.toString()}`),
    },
    false,
  );
}

describe('a saved profile', () => {
  it('passes its test, is saved, and connects again from disk after a restart of the app', async () => {
    const tested = await testConnection(profile(), { clientId: CLIENT_ID, firstMessageTimeoutMs: 200 });
    expect(tested.ok && tested.value.passed).toBe(true);

    const first = ProfileStore.open(dir.path, new FileSecretStore(dir.path));
    if (!first.ok) throw new Error(first.error.message);
    expect(await first.value.save(profile(), true)).toEqual({ ok: true, value: { name: 'Hotel Porto' } });

    // The app starts again: a fresh store reads the active profile back, secrets joined.
    const again = ProfileStore.open(dir.path, new FileSecretStore(dir.path));
    if (!again.ok) throw new Error(again.error.message);
    const active = await again.value.activeProfile();
    expect(active.ok && active.value).toMatchObject({ name: 'Hotel Porto', password: PASSWORD });
  });

  it('reconnects and resubscribes after the broker restarts, showing the error and the next retry', async () => {
    const store = ProfileStore.open(dir.path, new FileSecretStore(dir.path));
    if (!store.ok) throw new Error(store.error.message);
    const active = await store.value.activeProfile();
    if (!active.ok || !active.value) throw new Error('no active profile');
    const states: ConnectionState[] = [];
    const messages: string[] = [];
    const connection = connectionFor(active.value, states, messages);
    try {
      expect(await connection.start()).toBeNull();
      expect(connection.current).toMatchObject({ status: 'connected', subscribed: true, tlsVerified: true });
      await publish('Coreflux/Porto/Lobby/Light/status', 'before');
      await waitFor(
        () => messages.includes('Coreflux/Porto/Lobby/Light/status before'),
        5000,
        'message before',
      );

      await broker.restart(1500);
      await waitFor(
        () => connection.current.status === 'connected' && connection.current.subscribed,
        20_000,
        'reconnected',
      );
      const whileDown = states.filter((s) => s.status === 'reconnecting');
      expect(whileDown.some((s) => s.nextRetryAt !== null)).toBe(true);
      expect(whileDown.some((s) => s.lastError?.code === 'broker-unreachable')).toBe(true);
      expect(connection.current.lastError).toBeNull();

      // Mosquitto without persistence forgot the session: messages flow only if we resubscribed.
      await publish('Coreflux/Porto/Lobby/Light/status', 'after');
      await waitFor(
        () => messages.includes('Coreflux/Porto/Lobby/Light/status after'),
        5000,
        'message after',
      );
      expect(JSON.stringify(states)).not.toContain(PASSWORD);
    } finally {
      await connection.stop();
    }
  });

  it('does not hammer a broker that rejects the password; "Reconnect now" tries at once', async () => {
    const states: ConnectionState[] = [];
    const connection = connectionFor({ ...profile(), password: 'Wrong-Pa55word' }, states, []);
    try {
      const failure = await connection.start();
      expect(['auth-rejected', 'not-authorized']).toContain(failure?.code);
      await waitFor(() => connection.current.nextRetryAt !== null, 2000, 'a retry time');
      const waitMs = Date.parse(connection.current.nextRetryAt as string) - Date.now();
      expect(waitMs).toBeGreaterThan(55_000);
      const attempts = () =>
        states.filter((s) => s.status === 'connecting' || s.status === 'reconnecting').length;
      const before = states.filter((s) => s.lastError !== null).length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(states.filter((s) => s.lastError !== null).length).toBe(before);

      const beforeNow = attempts();
      connection.reconnectNow();
      await waitFor(() => attempts() > beforeNow, 2000, 'an immediate attempt');
      expect(JSON.stringify(states)).not.toContain('Wrong-Pa55word');
    } finally {
      await connection.stop();
    }
  });
});
