/**
 * Broker passwords and key passphrases live here and nowhere else: never in kilowatch.toml, the
 * profiles file, logs, IPC events or CSV. The desktop app injects a store over Electron
 * safeStorage (src/main/electron/safe-storage-secrets.ts); headless uses `FileSecretStore`, a
 * JSON file only its owner can read, and lets KILOWATCH_BROKER_PASSWORD (or
 * KILOWATCH_BROKER_PASSWORD_FILE, a 0600 file) override the active profile's password.
 */
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { readSecretFile } from '../config';

export interface SecretStore {
  /** `ok(undefined)` when nothing is stored under that name. */
  get(name: string): Promise<Result<string | undefined, ApiError>>;
  set(name: string, value: string): Promise<Result<void, ApiError>>;
  delete(name: string): Promise<Result<void, ApiError>>;
}

/** The names under which a profile's secrets are kept. */
export const secretName = {
  password: (profile: string): string => `broker/${profile}/password`,
  passphrase: (profile: string): string => `broker/${profile}/passphrase`,
};

export const SECRETS_FILE = 'secrets.json';
const isPosix = process.platform !== 'win32';

const ioError = (e: unknown): string => (e as { code?: string }).code ?? String(e);

/**
 * Writes a file only its owner can read: created 0600 under a temporary name and renamed over
 * the old one, so its content is never readable by others, not even for a moment, and a crash
 * mid-write leaves the previous file intact. The folder is created 0700 when missing.
 */
export async function writePrivateFile(
  path: string,
  content: string,
  what: string,
): Promise<Result<void, ApiError>> {
  const temp = `${path}.${process.pid}.${Math.random().toString(16).slice(2, 8)}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temp, content, { mode: 0o600 });
    if (isPosix) await chmod(temp, 0o600);
    await rename(temp, path);
    return ok(undefined);
  } catch (e) {
    // The write failure is what we report; a leftover temp file is only tidied when possible.
    await rm(temp, { force: true }).catch(() => undefined);
    const code = ioError(e);
    return err(
      code === 'ENOSPC' ? 'disk-full' : 'storage-unavailable',
      `Cannot write the ${what} ${path} (${code}).`,
    );
  }
}

/**
 * A JSON object of name → secret in the data folder, created with mode 0600. A file that group
 * or others can read is refused (as `readSecretFile` refuses a password file): someone may have
 * copied it around, and silently using it would hide that.
 */
export class FileSecretStore implements SecretStore {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, SECRETS_FILE);
  }

  private async read(): Promise<Result<Record<string, string>, ApiError>> {
    let mode: number;
    try {
      mode = (await stat(this.path)).mode & 0o777;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return ok({});
      return err('storage-unavailable', `Cannot read the secrets file ${this.path} (${ioError(e)}).`);
    }
    if (isPosix && (mode & 0o077) !== 0) {
      return err(
        'storage-unavailable',
        `The secrets file ${this.path} is readable by other users (mode ${mode.toString(8)}), so it is not used. Run: chmod 600 ${this.path}`,
      );
    }
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      return err('storage-unavailable', `Cannot read the secrets file ${this.path} (${ioError(e)}).`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return err(
        'storage-corrupt',
        `The secrets file ${this.path} is damaged. Remove it and enter the broker passwords again.`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return err('storage-corrupt', `The secrets file ${this.path} is not a Kilowatch secrets file.`);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return ok(out);
  }

  private write(secrets: Record<string, string>): Promise<Result<void, ApiError>> {
    return writePrivateFile(this.path, `${JSON.stringify(secrets, null, 2)}\n`, 'secrets file');
  }

  /** Writes one at a time: two saves in a row must not lose either. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    // The caller gets `next` with its own outcome; the queue only keeps the order.
    this.queue = next.catch(() => undefined);
    return next;
  }

  async get(name: string): Promise<Result<string | undefined, ApiError>> {
    await this.queue;
    const all = await this.read();
    return all.ok ? ok(all.value[name]) : all;
  }

  set(name: string, value: string): Promise<Result<void, ApiError>> {
    return this.serial(async () => {
      const all = await this.read();
      if (!all.ok) return all;
      return this.write({ ...all.value, [name]: value });
    });
  }

  delete(name: string): Promise<Result<void, ApiError>> {
    return this.serial(async () => {
      const all = await this.read();
      if (!all.ok) return all;
      if (!(name in all.value)) return ok(undefined);
      const { [name]: _gone, ...rest } = all.value;
      return this.write(rest);
    });
  }
}

/** Secrets held in memory only (tests, and a desktop without an OS keychain). */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  get(name: string): Promise<Result<string | undefined, ApiError>> {
    return Promise.resolve(ok(this.values.get(name)));
  }
  set(name: string, value: string): Promise<Result<void, ApiError>> {
    this.values.set(name, value);
    return Promise.resolve(ok(undefined));
  }
  delete(name: string): Promise<Result<void, ApiError>> {
    this.values.delete(name);
    return Promise.resolve(ok(undefined));
  }
}

/**
 * Headless deployments pass the active profile's password from outside:
 * KILOWATCH_BROKER_PASSWORD, or KILOWATCH_BROKER_PASSWORD_FILE naming a 0600 file. Either wins
 * over the stored password of the active profile only; every other name goes to `inner`.
 */
export class EnvSecretOverride implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly env: NodeJS.ProcessEnv,
    private readonly activeProfile: () => string | null,
  ) {}

  async get(name: string): Promise<Result<string | undefined, ApiError>> {
    const active = this.activeProfile();
    if (active !== null && name === secretName.password(active)) {
      const fromEnv = this.env.KILOWATCH_BROKER_PASSWORD;
      if (fromEnv !== undefined) return ok(fromEnv);
      const file = this.env.KILOWATCH_BROKER_PASSWORD_FILE;
      if (file) {
        const secret = readSecretFile(file);
        return secret.ok ? ok(secret.value) : secret;
      }
    }
    return this.inner.get(name);
  }
  set(name: string, value: string): Promise<Result<void, ApiError>> {
    return this.inner.set(name, value);
  }
  delete(name: string): Promise<Result<void, ApiError>> {
    return this.inner.delete(name);
  }
}
