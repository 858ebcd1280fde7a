/**
 * The desktop app's SecretStore: each secret encrypted with Electron safeStorage (Keychain on
 * macOS, DPAPI on Windows, libsecret/KWallet on Linux) and kept, base64, in a 0600 JSON file in
 * userData. The core only ever sees the SecretStore interface.
 *
 * Linux without a keyring falls back to safeStorage's "basic_text" backend, whose key is built
 * into Chromium: that is obfuscation, not protection, so it is refused with a way out.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import { writePrivateFile, type SecretStore } from '../core/broker/secret-store';

export const SAFE_SECRETS_FILE = 'secrets.safe.json';

type Storage = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

const ioError = (e: unknown): string => (e as { code?: string }).code ?? String(e);

export class SafeStorageSecretStore implements SecretStore {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  /** `storage` is Electron's `safeStorage` (injected so this file needs no running app to load). */
  constructor(
    userDataDir: string,
    private readonly storage: Storage,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.path = join(userDataDir, SAFE_SECRETS_FILE);
  }

  private async usable(): Promise<Result<void, ApiError>> {
    if (!(await this.storage.isAsyncEncryptionAvailable()))
      return err(
        'storage-unavailable',
        'This computer offers no secure password store right now, so the broker password cannot be saved. Sign in to the desktop session (Keychain / Windows account / GNOME Keyring or KWallet) and try again.',
      );
    if (this.platform === 'linux' && this.storage.getSelectedStorageBackend() === 'basic_text')
      return err(
        'storage-unavailable',
        'No keyring (GNOME Keyring or KWallet) is running, so the broker password cannot be stored safely. Start one, or run Kilowatch headless with KILOWATCH_BROKER_PASSWORD.',
      );
    return ok(undefined);
  }

  private async read(): Promise<Result<Record<string, string>, ApiError>> {
    try {
      const mode = (await stat(this.path)).mode & 0o777;
      if (this.platform !== 'win32' && (mode & 0o077) !== 0)
        return err(
          'storage-unavailable',
          `The secrets file ${this.path} is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 ${this.path}`,
        );
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return err('storage-corrupt', `The secrets file ${this.path} is not a Kilowatch secrets file.`);
      return ok(
        Object.fromEntries(
          Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
        ),
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return ok({});
      if (e instanceof SyntaxError)
        return err(
          'storage-corrupt',
          `The secrets file ${this.path} is damaged. Enter the broker passwords again.`,
        );
      return err('storage-unavailable', `Cannot read the secrets file ${this.path} (${ioError(e)}).`);
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    // The caller gets `next` with its own outcome; the queue only keeps the order.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async encryptInto(
    all: Record<string, string>,
    name: string,
    value: string,
  ): Promise<Result<void, ApiError>> {
    try {
      all[name] = (await this.storage.encryptStringAsync(value)).toString('base64');
    } catch (e) {
      return err('storage-unavailable', `The password store refused to encrypt the secret (${ioError(e)}).`);
    }
    return writePrivateFile(this.path, `${JSON.stringify(all, null, 2)}\n`, 'secrets file');
  }

  async get(name: string): Promise<Result<string | undefined, ApiError>> {
    await this.queue;
    const all = await this.read();
    if (!all.ok) return all;
    const sealed = all.value[name];
    if (sealed === undefined) return ok(undefined);
    const usable = await this.usable();
    if (!usable.ok) return usable;
    try {
      const { result, shouldReEncrypt } = await this.storage.decryptStringAsync(
        Buffer.from(sealed, 'base64'),
      );
      // A rotated key: store it again under the new one (best effort; the value is already known).
      if (shouldReEncrypt) void this.set(name, result);
      return ok(result);
    } catch (e) {
      return err(
        'storage-unavailable',
        `The saved broker password could not be decrypted (${ioError(e)}); it may come from another computer or user. Enter it again in the connection wizard.`,
      );
    }
  }

  set(name: string, value: string): Promise<Result<void, ApiError>> {
    return this.serial(async () => {
      const usable = await this.usable();
      if (!usable.ok) return usable;
      const all = await this.read();
      if (!all.ok) return all;
      return this.encryptInto({ ...all.value }, name, value);
    });
  }

  delete(name: string): Promise<Result<void, ApiError>> {
    return this.serial(async () => {
      const all = await this.read();
      if (!all.ok) return all;
      if (!(name in all.value)) return ok(undefined);
      const { [name]: _gone, ...rest } = all.value;
      return writePrivateFile(this.path, `${JSON.stringify(rest, null, 2)}\n`, 'secrets file');
    });
  }
}
