/**
 * A saved password goes only where it was saved for. The wizard's "Test" of an edited profile
 * gets the stored password joined back only when the URL, user name, TLS verification, CA and
 * server name are all as saved. The broker here is a fake TLS listener that records every MQTT
 * CONNECT it is sent, so the test sees exactly which credentials left the console.
 */
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionProfileSchema,
  type ConnectionProfile,
  type ConnectionProfileInput,
} from '../../src/shared/contract';
import { openConsole } from '../../src/main/core/open-console';
import { ProfileStore } from '../../src/main/core/broker/profile-store';
import { MemorySecretStore } from '../../src/main/core/broker/secret-store';
import type { KilowatchConsole } from '../../src/main/core/console';
import type { Store } from '../../src/main/core/store/store';
import { makePki, type TestPki } from '../support/mosquitto-tls';
import { tempDir } from '../support/temp-dir';

const USER = 'frontdesk';
const PASSWORD = 'Never-To-A-Stranger-42';

interface Connect {
  username?: string;
  password?: string;
}

/** Reads an MQTT variable byte integer at `at`: [value, bytes used], or null if incomplete. */
function varint(buf: Buffer, at: number): [number, number] | null {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (at + i >= buf.length) return null;
    const byte = buf[at + i] as number;
    value += (byte & 0x7f) * 128 ** i;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('malformed remaining length');
}

/** The credentials of one MQTT CONNECT packet (3.1.1 or 5), MQTT §3.1. */
function parseConnect(packet: Buffer): Connect {
  let at = 0;
  const u16 = () => {
    const n = packet.readUInt16BE(at);
    at += 2;
    return n;
  };
  const bytes = () => {
    const n = u16();
    const b = packet.subarray(at, at + n);
    at += n;
    return b;
  };
  bytes(); // protocol name
  const level = packet[at++] as number;
  const flags = packet[at++] as number;
  u16(); // keepalive
  const skipProperties = () => {
    const [length, used] = varint(packet, at) as [number, number];
    at += used + length;
  };
  if (level === 5) skipProperties();
  bytes(); // client id
  if (flags & 0x04) {
    if (level === 5) skipProperties();
    bytes(); // will topic
    bytes(); // will payload
  }
  const out: Connect = {};
  if (flags & 0x80) out.username = bytes().toString('utf8');
  if (flags & 0x40) out.password = bytes().toString('utf8');
  return out;
}

interface FakeBroker {
  port: number;
  connects: Connect[];
  close(): Promise<void>;
}

/** Answers every CONNECT with "not authorized" and remembers what it carried. */
function fakeTlsBroker(cert: string, key: string): Promise<FakeBroker> {
  const connects: Connect[] = [];
  const server: TlsServer = createTlsServer({ cert, key }, (socket) => {
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if ((buf[0] ?? 0) >> 4 !== 1) return socket.destroy();
      const length = varint(buf, 1);
      if (!length || buf.length < 1 + length[1] + length[0]) return;
      const body = buf.subarray(1 + length[1], 1 + length[1] + length[0]);
      connects.push(parseConnect(body));
      socket.end(Buffer.from([0x20, 0x02, 0x00, 0x05])); // CONNACK 5: not authorised (3.1.1)
    });
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        connects,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

let pki: TestPki;
let broker: FakeBroker;
let core: KilowatchConsole;
let store: Store;
const dir = tempDir('kw-secrets-');

beforeAll(async () => {
  pki = makePki();
  broker = await fakeTlsBroker(pki.server.cert, pki.server.key);
  const profiles = ProfileStore.open(dir.path, new MemorySecretStore());
  if (!profiles.ok) throw new Error(profiles.error.message);
  const opened = openConsole({
    dbPath: `${dir.path}/kilowatch.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    profiles: profiles.value,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  const saved = await profiles.value.save(asSaved(), true);
  if (!saved.ok) throw new Error(saved.error.message);
});

afterAll(async () => {
  await core?.close();
  store?.close();
  await broker?.close();
  pki?.remove();
  dir.remove();
});

/** The profile as saved: verification on, the site CA, no server name (the URL is an IP). */
function asSaved(): ConnectionProfile {
  return edited({ password: PASSWORD });
}

/** The same profile as the wizard sends it back for "Test": without its password. */
function edited(p: Partial<ConnectionProfileInput> = {}): ConnectionProfile {
  return ConnectionProfileSchema.parse({
    name: 'Hotel Porto',
    url: `mqtts://127.0.0.1:${broker.port}`,
    username: USER,
    tls: { rejectUnauthorized: true, ca: pki.ca.pem },
    subscribe: ['Coreflux/#'],
    ...p,
  });
}

/** Runs "Test" and returns the CONNECT the broker received from it. */
async function connectSentBy(profile: ConnectionProfile): Promise<Connect> {
  const before = broker.connects.length;
  const result = await core.handlers['connection.test']({ profile });
  if (!result.ok) throw new Error(`the test could not run: ${result.error.message}`);
  expect(result.value.failure?.code).toBe('auth-rejected');
  expect(broker.connects).toHaveLength(before + 1);
  return broker.connects[before] as Connect;
}

describe('a stored password', () => {
  it('is sent when everything is as saved (the fake broker is reachable and parsed)', async () => {
    expect(await connectSentBy(edited())).toEqual({ username: USER, password: PASSWORD });
  });

  it('is not sent when the test turns TLS verification off', async () => {
    const sent = await connectSentBy(edited({ tls: { rejectUnauthorized: false } }));
    expect(sent).toEqual({ username: USER });
  });

  it('is not sent with verification off even when the CA is still given', async () => {
    const sent = await connectSentBy(edited({ tls: { rejectUnauthorized: false, ca: pki.ca.pem } }));
    expect(sent).toEqual({ username: USER });
  });

  it('is not sent with another CA (here a bundle that still trusts this broker)', async () => {
    const bundle = `${pki.ca.pem}${pki.clientCa.pem}`;
    const sent = await connectSentBy(edited({ tls: { rejectUnauthorized: true, ca: bundle } }));
    expect(sent).toEqual({ username: USER });
  });

  it('is not sent with another server name (SNI)', async () => {
    const sent = await connectSentBy(
      edited({ tls: { rejectUnauthorized: true, ca: pki.ca.pem, servername: 'localhost' } }),
    );
    expect(sent).toEqual({ username: USER });
  });

  it('is sent when the user types it again, whatever the settings', async () => {
    const sent = await connectSentBy(edited({ tls: { rejectUnauthorized: false }, password: 'typed-now' }));
    expect(sent).toEqual({ username: USER, password: 'typed-now' });
  });
});
