/**
 * Where profiles and their secrets end up on disk: profiles without secrets, secrets only in the
 * secret store, every file 0600, PEM checked before it is written, and a secrets file that others
 * can read refused.
 */
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../src/shared/contract';
import { ProfileStore, profileSlug } from '../../src/main/core/broker/profile-store';
import {
  EnvSecretOverride,
  FileSecretStore,
  MemorySecretStore,
  secretName,
} from '../../src/main/core/broker/secret-store';
import { makePki, type TestPki } from '../support/mosquitto-tls';
import { tempDir } from '../support/temp-dir';

const PASSWORD = 'Pa55-word-never-on-disk';
const mode = (path: string) => statSync(path).mode & 0o777;

let pki: TestPki;
let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki?.remove());
beforeEach(() => {
  dir = tempDir('kw-stores-');
});
afterEach(() => dir.remove());

const base = (p: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
  name: 'Hotel Porto',
  url: 'mqtts://broker.hotel.example:8883',
  protocolVersion: 4,
  keepaliveS: 30,
  subscribe: ['Coreflux/#'],
  username: 'frontdesk',
  password: PASSWORD,
  ...p,
});

function open(secrets = new FileSecretStore(dir.path), env?: NodeJS.ProcessEnv): ProfileStore {
  const opened = ProfileStore.open(dir.path, secrets, env ? { env } : {});
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

/** Every byte the store wrote, except the secrets file itself. */
function everythingButSecrets(): string {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name !== 'secrets.json') out.push(readFileSync(path, 'utf8'));
    }
  };
  walk(dir.path);
  return out.join('\n');
}

describe('FileSecretStore', () => {
  it('keeps secrets in a 0600 file and reads them back', async () => {
    const store = new FileSecretStore(dir.path);
    expect(await store.get('a')).toEqual({ ok: true, value: undefined });
    expect((await store.set('a', 'one')).ok).toBe(true);
    expect((await store.set('b', 'two')).ok).toBe(true);
    expect(await store.get('a')).toEqual({ ok: true, value: 'one' });
    expect(mode(store.path)).toBe(0o600);
    expect((await store.delete('a')).ok).toBe(true);
    expect(await store.get('a')).toEqual({ ok: true, value: undefined });
    expect(await store.get('b')).toEqual({ ok: true, value: 'two' });
  });

  it('does not lose a write when several are made at once', async () => {
    const store = new FileSecretStore(dir.path);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    for (let i = 0; i < 10; i++) expect(await store.get(`k${i}`)).toEqual({ ok: true, value: `v${i}` });
  });

  it('refuses a secrets file that others can read, saying how to fix it', async () => {
    const store = new FileSecretStore(dir.path);
    await store.set('a', 'one');
    chmodSync(store.path, 0o644);
    const r = await store.get('a');
    expect(r).toMatchObject({ ok: false, error: { code: 'storage-unavailable' } });
    if (!r.ok) {
      expect(r.error.message).toContain(`chmod 600 ${store.path}`);
      expect(r.error.message).not.toContain('one');
    }
  });

  it('reports a damaged file as storage-corrupt', async () => {
    const store = new FileSecretStore(dir.path);
    writeFileSync(store.path, '{ not json', { mode: 0o600 });
    expect(await store.get('a')).toMatchObject({ ok: false, error: { code: 'storage-corrupt' } });
  });
});

describe('EnvSecretOverride', () => {
  it('overrides the active profile password only, from the variable or a 0600 file', async () => {
    const inner = new MemorySecretStore();
    await inner.set(secretName.password('A'), 'stored-a');
    await inner.set(secretName.password('B'), 'stored-b');
    const env: NodeJS.ProcessEnv = { KILOWATCH_BROKER_PASSWORD: 'from-env' };
    const store = new EnvSecretOverride(inner, env, () => 'A');
    expect(await store.get(secretName.password('A'))).toEqual({ ok: true, value: 'from-env' });
    expect(await store.get(secretName.password('B'))).toEqual({ ok: true, value: 'stored-b' });

    const file = join(dir.path, 'broker-password');
    writeFileSync(file, 'from-file\n', { mode: 0o644 });
    const fromFile = new EnvSecretOverride(inner, { KILOWATCH_BROKER_PASSWORD_FILE: file }, () => 'A');
    expect(await fromFile.get(secretName.password('A'))).toMatchObject({ ok: false });
    chmodSync(file, 0o600);
    expect(await fromFile.get(secretName.password('A'))).toEqual({ ok: true, value: 'from-file' });
  });
});

describe('ProfileStore', () => {
  it('saves a profile without its password; get() joins it back; all files are 0600', async () => {
    const store = open();
    const saved = await store.save(
      base({
        tls: {
          rejectUnauthorized: true,
          ca: pki.ca.pem,
          cert: pki.client.cert,
          key: pki.encryptedClientKey.key,
          passphrase: pki.encryptedClientKey.passphrase,
          servername: 'broker.hotel.example',
        },
      }),
      true,
    );
    expect(saved).toEqual({ ok: true, value: { name: 'Hotel Porto' } });
    expect(store.active()).toBe('Hotel Porto');

    const onDisk = everythingButSecrets();
    expect(onDisk).not.toContain(PASSWORD);
    expect(onDisk).not.toContain(pki.encryptedClientKey.passphrase);
    const profiles = JSON.parse(readFileSync(store.path, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(profiles)).not.toMatch(/password"\s*:|passphrase"\s*:|BEGIN/);

    expect(mode(store.path)).toBe(0o600);
    const slug = profileSlug('Hotel Porto');
    for (const kind of ['ca', 'cert', 'key']) {
      const path = join(store.certsDir, `${slug}-${kind}.pem`);
      expect(mode(path)).toBe(0o600);
    }
    expect(mode(join(dir.path, 'secrets.json'))).toBe(0o600);

    const reopened = open();
    expect(reopened.active()).toBe('Hotel Porto');
    const full = await reopened.get('Hotel Porto');
    expect(full.ok).toBe(true);
    if (!full.ok) return;
    expect(full.value.password).toBe(PASSWORD);
    expect(full.value.tls).toMatchObject({
      rejectUnauthorized: true,
      ca: pki.ca.pem,
      cert: pki.client.cert,
      key: pki.encryptedClientKey.key,
      passphrase: pki.encryptedClientKey.passphrase,
      servername: 'broker.hotel.example',
    });
    expect(reopened.list()).toEqual([
      expect.objectContaining({
        name: 'Hotel Porto',
        hasPassword: true,
        isActive: true,
        tls: expect.objectContaining({ hasCa: true, hasCert: true, hasKey: true, hasPassphrase: true }),
      }),
    ]);
    expect(JSON.stringify(reopened.list())).not.toContain(PASSWORD);
  });

  it('refuses PEM that is not PEM, and writes nothing', async () => {
    const store = open();
    const r = await store.save(base({ tls: { rejectUnauthorized: true, ca: 'hello' } }), true);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(store.list()).toEqual([]);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('moves credentials typed into the URL out of it', async () => {
    const store = open();
    await store.save(
      base({ url: 'mqtt://desk:url-pass-123@127.0.0.1:1883', username: undefined, password: undefined }),
      true,
    );
    expect(readFileSync(store.path, 'utf8')).not.toContain('url-pass-123');
    const full = await store.get('Hotel Porto');
    expect(full).toMatchObject({
      ok: true,
      value: { url: 'mqtt://127.0.0.1:1883', username: 'desk', password: 'url-pass-123' },
    });
  });

  it('keeps a stored password when it is left out, unless the address or user changed', async () => {
    const store = open();
    await store.save(base(), true);
    await store.save(base({ password: undefined, keepaliveS: 60 }), true);
    expect(await store.get('Hotel Porto')).toMatchObject({
      ok: true,
      value: { password: PASSWORD, keepaliveS: 60 },
    });
    await store.save(base({ password: undefined, url: 'mqtts://other.example:8883' }), true);
    const moved = await store.get('Hotel Porto');
    expect(moved.ok && moved.value.password).toBeUndefined();
  });

  it('removes the password when an empty one is saved', async () => {
    const store = open();
    await store.save(base(), true);
    await store.save(base({ password: '' }), true);
    const r = await store.get('Hotel Porto');
    expect(r.ok && r.value.password).toBeUndefined();
    expect(store.list()[0]?.hasPassword).toBe(false);
  });

  it('fills secrets into an edited profile only for the same address and user', async () => {
    const store = open();
    await store.save(base(), true);
    const same = await store.fillSecrets(base({ password: undefined }));
    expect(same.ok && same.value.password).toBe(PASSWORD);
    const elsewhere = await store.fillSecrets(
      base({ password: undefined, url: 'mqtts://evil.example:8883' }),
    );
    expect(elsewhere.ok && elsewhere.value.password).toBeUndefined();
    const otherUser = await store.fillSecrets(base({ password: undefined, username: 'someone' }));
    expect(otherUser.ok && otherUser.value.password).toBeUndefined();
  });

  it('keeps a password on re-save only while TLS verification, CA and server name are as saved', async () => {
    const store = open();
    const tls = { rejectUnauthorized: true, ca: pki.ca.pem };
    const passwordAfterSaving = async (p: Partial<ConnectionProfile>) => {
      await store.save(base({ tls, password: PASSWORD }), true);
      await store.save(base({ password: undefined, ...p }), true);
      const r = await store.get('Hotel Porto');
      if (!r.ok) throw new Error(r.error.message);
      return r.value.password;
    };
    expect(await passwordAfterSaving({ tls })).toBe(PASSWORD);
    expect(await passwordAfterSaving({ tls: { rejectUnauthorized: false, ca: pki.ca.pem } })).toBeUndefined();
    expect(
      await passwordAfterSaving({ tls: { rejectUnauthorized: true, ca: pki.clientCa.pem } }),
    ).toBeUndefined();
    expect(await passwordAfterSaving({ tls: { ...tls, servername: 'other.example' } })).toBeUndefined();
    expect(await passwordAfterSaving({ tls: { rejectUnauthorized: true } })).toBeUndefined();
  });

  it('keeps several profiles with one active, and forgets one completely', async () => {
    const store = open();
    await store.save(base({ name: 'Porto' }), true);
    await store.save(base({ name: 'Lisboa', url: 'mqtt://10.0.0.2:1883' }), false);
    expect(store.active()).toBe('Porto');
    expect(store.list().map((p) => [p.name, p.isActive])).toEqual([
      ['Porto', true],
      ['Lisboa', false],
    ]);
    expect((await store.activate('Lisboa')).ok).toBe(true);
    expect((await store.activeProfile()).ok && store.active()).toBe('Lisboa');
    expect((await store.remove('Lisboa')).ok).toBe(true);
    expect(store.active()).toBeNull();
    expect(await new FileSecretStore(dir.path).get(secretName.password('Lisboa'))).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await store.get('Lisboa')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('lets KILOWATCH_BROKER_PASSWORD override the active profile (headless)', async () => {
    await open().save(base(), true);
    const store = open(new FileSecretStore(dir.path), { KILOWATCH_BROKER_PASSWORD: 'env-pass-999' });
    const r = await store.activeProfile();
    expect(r.ok && r.value?.password).toBe('env-pass-999');
  });

  it('refuses a profiles file it did not write', () => {
    writeFileSync(join(dir.path, 'profiles.json'), '{"version":1,"active":null,"profiles":[{"name":"x"}]}');
    const opened = ProfileStore.open(dir.path, new MemorySecretStore());
    expect(opened).toMatchObject({ ok: false, error: { code: 'storage-corrupt' } });
  });

  it('never lets a profile name reach outside the certs folder', () => {
    expect(profileSlug('../../etc/passwd')).toMatch(/^etc-passwd-[0-9a-f]{8}$/);
    expect(profileSlug('Hôtel Ñ')).toMatch(/^Hotel-N-[0-9a-f]{8}$/);
    expect(profileSlug('Porto')).not.toBe(profileSlug('porto'));
  });
});
