/**
 * Saved broker profiles: several, one active, the active one reconnected at start.
 *
 *   <dataDir>/profiles.json              0600, profiles without any secret
 *   <dataDir>/certs/<slug>-ca.pem        0600, PEM proved valid before it is written
 *   <dataDir>/certs/<slug>-cert.pem
 *   <dataDir>/certs/<slug>-key.pem
 *
 * Passwords and key passphrases go to the injected SecretStore only. `get` joins everything back
 * into a full ConnectionProfile for connecting; `list` is safe to hand to a front end.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ConnectionProfileSchema,
  describeIssues,
  type ConnectionProfile,
  type ConnectionSummary,
} from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { brokerOptions } from './options';
import { checkTlsMaterial } from './pem';
import { EnvSecretOverride, secretName, writePrivateFile, type SecretStore } from './secret-store';

export const PROFILES_FILE = 'profiles.json';
export const CERTS_DIR = 'certs';

const PEM_KINDS = ['ca', 'cert', 'key'] as const;
type PemKind = (typeof PEM_KINDS)[number];
const PEM_WHAT: Record<PemKind, string> = {
  ca: 'CA certificate',
  cert: 'client certificate',
  key: 'client key',
};
/** Only plain file names inside certs/: a tampered profiles file cannot point elsewhere. */
const CERT_FILE = /^[A-Za-z0-9_-]+-(ca|cert|key)\.pem$/;

const StoredProfileSchema = z.object({
  name: z.string().min(1).max(100),
  url: z.string(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]),
  clientId: z.string().optional(),
  username: z.string().optional(),
  keepaliveS: z.number().int(),
  subscribe: z.array(z.string()).min(1),
  tls: z
    .object({
      rejectUnauthorized: z.boolean(),
      servername: z.string().optional(),
      caFile: z.string().regex(CERT_FILE).optional(),
      certFile: z.string().regex(CERT_FILE).optional(),
      keyFile: z.string().regex(CERT_FILE).optional(),
    })
    .optional(),
  hasPassword: z.boolean(),
  hasPassphrase: z.boolean(),
  savedAt: z.string(),
});
type StoredProfile = z.infer<typeof StoredProfileSchema>;

const ProfilesFileSchema = z.object({
  version: z.literal(1),
  active: z.string().nullable(),
  profiles: z.array(StoredProfileSchema),
});
type ProfilesFile = z.infer<typeof ProfilesFileSchema>;

/** What a front end may see of a saved profile: no secret, no key material. */
export type ProfileSummary = ConnectionSummary;

/** A file-system-safe, collision-free stem for a profile's certificate files. */
export function profileSlug(name: string): string {
  const readable =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'profile';
  return `${readable}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

async function removeFile(path: string, what: string): Promise<Result<void, ApiError>> {
  try {
    await rm(path, { force: true });
    return ok(undefined);
  } catch (e) {
    return err(
      'storage-unavailable',
      `Cannot remove the old ${what} ${path} (${(e as { code?: string }).code ?? String(e)}).`,
    );
  }
}

/** mqtt://user:pass@host → the URL without them, and what was in it. */
function splitCredentials(raw: string): { url: string; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (e) {
    if (e instanceof TypeError) return { url: raw };
    throw e;
  }
  if (!url.username && !url.password) return { url: raw };
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  return {
    url: url.toString().replace(/\/$/, ''),
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
  };
}

export interface ProfileStoreOptions {
  /** Lets KILOWATCH_BROKER_PASSWORD(_FILE) override the active profile's password (headless). */
  env?: NodeJS.ProcessEnv;
  clock?: () => number;
}

export class ProfileStore {
  readonly path: string;
  readonly certsDir: string;
  private readonly secrets: SecretStore;
  private readonly clock: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    dataDir: string,
    secrets: SecretStore,
    private data: ProfilesFile,
    options: ProfileStoreOptions,
  ) {
    this.path = join(dataDir, PROFILES_FILE);
    this.certsDir = join(dataDir, CERTS_DIR);
    this.clock = options.clock ?? Date.now;
    this.secrets = options.env
      ? new EnvSecretOverride(secrets, options.env, () => this.data.active)
      : secrets;
  }

  /** Reads `<dataDir>/profiles.json` (none yet is fine: no profiles). */
  static open(
    dataDir: string,
    secrets: SecretStore,
    options: ProfileStoreOptions = {},
  ): Result<ProfileStore, ApiError> {
    const path = join(dataDir, PROFILES_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT')
        return ok(new ProfileStore(dataDir, secrets, { version: 1, active: null, profiles: [] }, options));
      return err('storage-unavailable', `Cannot read the broker profiles ${path} (${code ?? String(e)}).`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return err(
        'storage-corrupt',
        `The broker profiles file ${path} is damaged (not JSON). Move it away and set the broker up again.`,
      );
    }
    const parsed = ProfilesFileSchema.safeParse(raw);
    if (!parsed.success)
      return err(
        'storage-corrupt',
        `The broker profiles file ${path} is not one Kilowatch wrote: ${describeIssues(parsed.error)}`,
      );
    return ok(new ProfileStore(dataDir, secrets, parsed.data, options));
  }

  /** The active profile's name, if any. */
  active(): string | null {
    return this.data.active;
  }

  list(): ProfileSummary[] {
    return this.data.profiles.map((p) => ({
      name: p.name,
      url: p.url,
      protocolVersion: p.protocolVersion,
      ...(p.clientId !== undefined && { clientId: p.clientId }),
      ...(p.username !== undefined && { username: p.username }),
      keepaliveS: p.keepaliveS,
      subscribe: [...p.subscribe],
      ...(p.tls && {
        tls: {
          rejectUnauthorized: p.tls.rejectUnauthorized,
          ...(p.tls.servername !== undefined && { servername: p.tls.servername }),
          hasCa: p.tls.caFile !== undefined,
          hasCert: p.tls.certFile !== undefined,
          hasKey: p.tls.keyFile !== undefined,
          hasPassphrase: p.hasPassphrase,
        },
      }),
      hasPassword: p.hasPassword,
      isActive: p.name === this.data.active,
    }));
  }

  private find(name: string): StoredProfile | undefined {
    return this.data.profiles.find((p) => p.name === name);
  }

  /** The full profile, PEM and secrets joined back, for connecting or testing. */
  async get(name: string): Promise<Result<ConnectionProfile, ApiError>> {
    const stored = this.find(name);
    if (!stored) return err('not-found', `No saved connection named "${name}".`);
    let tls: ConnectionProfile['tls'];
    if (stored.tls) {
      tls = { rejectUnauthorized: stored.tls.rejectUnauthorized };
      if (stored.tls.servername !== undefined) tls.servername = stored.tls.servername;
      for (const kind of PEM_KINDS) {
        const file = stored.tls[`${kind}File`];
        if (!file) continue;
        const path = join(this.certsDir, file);
        try {
          tls[kind] = await readFile(path, 'utf8');
        } catch (e) {
          return err(
            'storage-unavailable',
            `The ${PEM_WHAT[kind]} of "${name}" cannot be read from ${path} (${(e as { code?: string }).code ?? String(e)}). Open the connection wizard and choose it again.`,
          );
        }
      }
      if (stored.hasPassphrase) {
        const passphrase = await this.secrets.get(secretName.passphrase(name));
        if (!passphrase.ok) return passphrase;
        if (passphrase.value !== undefined) tls.passphrase = passphrase.value;
      }
    }
    const password = await this.secrets.get(secretName.password(name));
    if (!password.ok) return password;
    const parsed = ConnectionProfileSchema.safeParse({
      name: stored.name,
      url: stored.url,
      protocolVersion: stored.protocolVersion,
      keepaliveS: stored.keepaliveS,
      subscribe: stored.subscribe,
      ...(stored.clientId !== undefined && { clientId: stored.clientId }),
      ...(stored.username !== undefined && { username: stored.username }),
      ...(password.value !== undefined && { password: password.value }),
      ...(tls && { tls }),
    });
    if (!parsed.success)
      return err('storage-corrupt', `The saved connection "${name}": ${describeIssues(parsed.error)}`);
    return ok(parsed.data);
  }

  /** The active profile, for reconnecting at start; `null` when none is saved. */
  async activeProfile(): Promise<Result<ConnectionProfile | null, ApiError>> {
    return this.data.active === null ? ok(null) : this.get(this.data.active);
  }

  /**
   * Whether `profile` goes exactly where the stored secrets were saved for: the same address and
   * user name, and the same TLS verification, CA and server name. Anything else could hand the
   * password to another host, or to anyone in the path (verification off, a CA the user has just
   * pasted, a server name that picks another certificate).
   */
  private async isSameDestination(stored: StoredProfile, profile: ConnectionProfile): Promise<boolean> {
    const split = splitCredentials(profile.url);
    const username = profile.username ?? split.username;
    if (stored.url !== split.url || stored.username !== username) return false;
    // brokerOptions' defaults: no tls means verification on, no CA, SNI from the URL.
    if ((stored.tls?.rejectUnauthorized ?? true) !== (profile.tls?.rejectUnauthorized ?? true)) return false;
    if ((stored.tls?.servername || undefined) !== (profile.tls?.servername || undefined)) return false;
    const ca = profile.tls?.ca?.trim() || undefined;
    if (!stored.tls?.caFile) return ca === undefined;
    if (ca === undefined) return false;
    // A saved CA that cannot be read cannot be shown to be the same: the password is typed again.
    return readFile(join(this.certsDir, stored.tls.caFile), 'utf8').then(
      (text) => text.trim() === ca,
      () => false,
    );
  }

  /**
   * A profile being edited comes back from the wizard without its stored secrets (they never
   * leave the core). They are filled in only when it goes exactly where they were saved for
   * (`isSameDestination`), so a stored password is never sent to a host the user has just typed
   * nor over a link whose certificate is checked differently.
   */
  async fillSecrets(profile: ConnectionProfile): Promise<Result<ConnectionProfile, ApiError>> {
    const stored = this.find(profile.name);
    if (!stored) return ok(profile);
    if (!(await this.isSameDestination(stored, profile))) return ok(profile);
    const split = splitCredentials(profile.url);
    const out: ConnectionProfile = { ...profile, ...(profile.tls && { tls: { ...profile.tls } }) };
    if (out.password === undefined && split.password === undefined && stored.hasPassword) {
      const password = await this.secrets.get(secretName.password(profile.name));
      if (!password.ok) return password;
      if (password.value !== undefined) out.password = password.value;
    }
    if (out.tls?.key && out.tls.passphrase === undefined && stored.hasPassphrase && stored.tls?.keyFile) {
      const same = await readFile(join(this.certsDir, stored.tls.keyFile), 'utf8').then(
        (text) => text.trim() === out.tls?.key?.trim(),
        () => false,
      );
      if (same) {
        const passphrase = await this.secrets.get(secretName.passphrase(profile.name));
        if (!passphrase.ok) return passphrase;
        if (passphrase.value !== undefined) out.tls.passphrase = passphrase.value;
      }
    }
    return ok(out);
  }

  /** One change at a time: the profiles file is rewritten whole. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    // The caller gets `next` with its own outcome; the queue only keeps the order.
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Validates and saves a profile (replacing one of the same name). A password left out keeps
   * the stored one when the profile still goes where it was saved for (`isSameDestination`); an
   * empty password removes it.
   * Credentials typed into the URL are moved out of it.
   */
  save(input: ConnectionProfile, activate: boolean): Promise<Result<{ name: string }, ApiError>> {
    return this.serial(() => this.saveNow(input, activate));
  }

  private async saveNow(
    input: ConnectionProfile,
    activate: boolean,
  ): Promise<Result<{ name: string }, ApiError>> {
    const checked = ConnectionProfileSchema.safeParse(input);
    if (!checked.success) return err('invalid-params', describeIssues(checked.error));
    const split = splitCredentials(checked.data.url);
    const profile: ConnectionProfile = {
      ...checked.data,
      url: split.url,
      ...(checked.data.username === undefined &&
        split.username !== undefined && { username: split.username }),
      ...(checked.data.password === undefined &&
        split.password !== undefined && { password: split.password }),
    };
    const options = brokerOptions(profile, 'kilowatch-check');
    if (!options.ok) return options;
    const name = profile.name;
    const previous = this.find(name);
    const tls = profile.tls;
    if (tls) {
      const material = checkTlsMaterial(tls);
      if (!material.ok) return material;
    }

    // Secrets first: a profile that says it has a password always finds one.
    const isKeptPassword =
      profile.password === undefined &&
      previous?.hasPassword === true &&
      (await this.isSameDestination(previous, profile));
    let hasPassword = isKeptPassword;
    if (profile.password !== undefined && profile.password !== '') {
      const saved = await this.secrets.set(secretName.password(name), profile.password);
      if (!saved.ok) return saved;
      hasPassword = true;
    } else if (!isKeptPassword) {
      const removed = await this.secrets.delete(secretName.password(name));
      if (!removed.ok) return removed;
    }
    const hasPassphrase = Boolean(tls?.key && tls.passphrase);
    if (hasPassphrase) {
      const saved = await this.secrets.set(secretName.passphrase(name), tls?.passphrase as string);
      if (!saved.ok) return saved;
    } else {
      const removed = await this.secrets.delete(secretName.passphrase(name));
      if (!removed.ok) return removed;
    }

    const slug = profileSlug(name);
    const files: Partial<Record<`${PemKind}File`, string>> = {};
    for (const kind of PEM_KINDS) {
      const file = `${slug}-${kind}.pem`;
      const path = join(this.certsDir, file);
      const pem = tls?.[kind];
      if (pem) {
        const written = await writePrivateFile(path, pem.endsWith('\n') ? pem : `${pem}\n`, PEM_WHAT[kind]);
        if (!written.ok) return written;
        files[`${kind}File`] = file;
      } else {
        const removed = await removeFile(path, PEM_WHAT[kind]);
        if (!removed.ok) return removed;
      }
    }

    const stored: StoredProfile = {
      name,
      url: profile.url,
      protocolVersion: profile.protocolVersion,
      ...(profile.clientId !== undefined && { clientId: profile.clientId }),
      ...(profile.username !== undefined && { username: profile.username }),
      keepaliveS: profile.keepaliveS,
      subscribe: [...profile.subscribe],
      ...(tls && {
        tls: {
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(tls.servername && { servername: tls.servername }),
          ...files,
        },
      }),
      hasPassword,
      hasPassphrase,
      savedAt: new Date(this.clock()).toISOString(),
    };
    const next: ProfilesFile = {
      version: 1,
      active: activate ? name : this.data.active,
      profiles: [...this.data.profiles.filter((p) => p.name !== name), stored],
    };
    const written = await this.writeFile(next);
    if (!written.ok) return written;
    return ok({ name });
  }

  /** Makes a saved profile the one reconnected at start. */
  activate(name: string): Promise<Result<{ name: string }, ApiError>> {
    return this.serial(async () => {
      if (!this.find(name)) return err('not-found', `No saved connection named "${name}".`);
      const written = await this.writeFile({ ...this.data, active: name });
      return written.ok ? ok({ name }) : written;
    });
  }

  /** Forgets a profile with its certificates and secrets. */
  remove(name: string): Promise<Result<{ name: string }, ApiError>> {
    return this.serial(async () => {
      if (!this.find(name)) return err('not-found', `No saved connection named "${name}".`);
      for (const kind of PEM_KINDS) {
        const removed = await removeFile(
          join(this.certsDir, `${profileSlug(name)}-${kind}.pem`),
          PEM_WHAT[kind],
        );
        if (!removed.ok) return removed;
      }
      for (const secret of [secretName.password(name), secretName.passphrase(name)]) {
        const removed = await this.secrets.delete(secret);
        if (!removed.ok) return removed;
      }
      const written = await this.writeFile({
        version: 1,
        active: this.data.active === name ? null : this.data.active,
        profiles: this.data.profiles.filter((p) => p.name !== name),
      });
      return written.ok ? ok({ name }) : written;
    });
  }

  private async writeFile(next: ProfilesFile): Promise<Result<void, ApiError>> {
    const written = await writePrivateFile(
      this.path,
      `${JSON.stringify(next, null, 2)}\n`,
      'broker profiles',
    );
    if (written.ok) this.data = next;
    return written;
  }
}
