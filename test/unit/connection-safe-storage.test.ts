/**
 * The desktop SecretStore over Electron safeStorage, with a stand-in for safeStorage (no Electron
 * binary here): secrets are stored encrypted in a 0600 file, never in clear, and Linux's
 * "basic_text" fallback (a key built into Chromium) is refused.
 */
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore } from '../../src/main/electron/safe-storage-secrets';
import { tempDir } from '../support/temp-dir';

function fakeSafeStorage(backend: 'gnome_libsecret' | 'basic_text' = 'gnome_libsecret', available = true) {
  const seal = (text: string) => Buffer.from([...Buffer.from(text, 'utf8')].map((b) => b ^ 0x5a));
  return {
    isAsyncEncryptionAvailable: () => Promise.resolve(available),
    encryptStringAsync: (text: string) => Promise.resolve(seal(text)),
    decryptStringAsync: (sealed: Buffer) =>
      Promise.resolve({
        result: Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString('utf8'),
        shouldReEncrypt: false,
      }),
    getSelectedStorageBackend: () => backend,
  };
}

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('kw-safe-');
});
afterEach(() => dir.remove());

describe('SafeStorageSecretStore', () => {
  it('stores secrets encrypted in a 0600 file and reads them back', async () => {
    const store = new SafeStorageSecretStore(dir.path, fakeSafeStorage(), 'linux');
    expect((await store.set('broker/Porto/password', 'Very-Secret-1')).ok).toBe(true);
    expect(await store.get('broker/Porto/password')).toEqual({ ok: true, value: 'Very-Secret-1' });
    expect(readFileSync(store.path, 'utf8')).not.toContain('Very-Secret-1');
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect((await store.delete('broker/Porto/password')).ok).toBe(true);
    expect(await store.get('broker/Porto/password')).toEqual({ ok: true, value: undefined });
  });

  it("refuses Linux's basic_text fallback and an unavailable store, saying what to do", async () => {
    const basic = new SafeStorageSecretStore(dir.path, fakeSafeStorage('basic_text'), 'linux');
    const r = await basic.set('a', 'b');
    expect(r).toMatchObject({ ok: false, error: { code: 'storage-unavailable' } });
    expect(!r.ok && r.error.message).toMatch(/KILOWATCH_BROKER_PASSWORD/);
    const none = new SafeStorageSecretStore(dir.path, fakeSafeStorage('gnome_libsecret', false), 'linux');
    expect(await none.set('a', 'b')).toMatchObject({ ok: false, error: { code: 'storage-unavailable' } });
  });
});
