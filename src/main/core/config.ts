/**
 * kilowatch.toml (ARCHITECTURE.md §8). Broker secrets are never read from this file: the desktop
 * app keeps them with safeStorage, headless reads KILOWATCH_BROKER_PASSWORD or a 0600 file. The
 * bridge's `[server] token` is the exception the operator may choose (KILOWATCH_TOKEN is better).
 */
import { readFileSync, statSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';
import {
  describeIssues,
  LANGUAGES,
  PublishPrefixSchema,
  ROLES,
  TimeZoneSchema,
  type SettingKey,
} from '../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import { DEFAULT_PUBLISH_PROFILES, PublishProfilesSchema } from './aggregate/publish-profiles';
import { PollSections } from './polling/poll-config';
import { TariffSchema } from './cost/tariff-schema';

const BrokerSection = z
  .object({
    name: z.string().min(1).default('site'),
    url: z.string().regex(/^(mqtts?|wss?):\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://'),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    clientId: z.string().min(1).optional(),
    username: z.string().optional(),
    passwordFile: z.string().optional(),
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    verifyServer: z.boolean().default(true),
    servername: z.string().optional(),
    subscribe: z.array(z.string().min(1)).optional(),
    active: z.boolean().default(false),
  })
  .strict();

/** How much the logs say (src/main/log); KILOWATCH_LOG_LEVEL wins over `[logging] level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A metering role (README "Main meters and solar"): `[[meter]] device = "…" role = "main" scope = "office"`. */
const MeterSection = z
  .object({
    device: z.string().min(1),
    channel: z.string().min(1).optional(),
    role: z.enum(['load', 'main', 'generation']),
    scope: z.enum(['room', 'office', 'company']).optional(),
  })
  .strict()
  .refine((m) => m.role === 'main' || m.scope === undefined, {
    message: 'scope is only for a main meter',
    path: ['scope'],
  });

/**
 * Home Assistant MQTT discovery (README "Home Assistant"): off unless asked for; the prefix is
 * HA's discovery prefix, `homeassistant` unless HA's `discovery_prefix` was changed.
 */
const HomeAssistantSection = z
  .object({
    discovery: z.boolean().default(false),
    prefix: PublishPrefixSchema.default('homeassistant'),
  })
  .strict();
export type HomeAssistantOptions = z.infer<typeof HomeAssistantSection>;

/** A head office (README "Head office"): the publish prefixes of the site consoles it reads. */
const HeadOfficeSection = z
  .object({
    sites: z
      .array(PublishPrefixSchema)
      .default([])
      .refine((sites) => new Set(sites).size === sites.length, 'site prefixes must differ'),
  })
  .strict();

/** A local time on the hour, `"22:00"`: nights are read from the hour rollups, kept for good. */
const OnTheHour = z
  .string()
  .regex(/^([01]\d|2[0-3]):00$/, 'a local time on the hour, "00:00" to "23:00"')
  .transform((t) => Number(t.slice(0, 2)));

const InsightSection = z
  .object({ nightFrom: OnTheHour.default(22), nightTo: OnTheHour.default(7) })
  .strict()
  .refine((n) => n.nightFrom !== n.nightTo, {
    message: 'nightFrom and nightTo must differ',
    path: ['nightTo'],
  });

export const ConfigSchema = z
  .object({
    company: z
      .object({ topic: z.string().min(1).optional() })
      .strict()
      .default({}),
    publish: z
      .object({
        prefix: PublishPrefixSchema.default('kilowatch'),
        intervalS: z.number().int().min(1).max(3600).default(15),
        // Topic layouts published beside (or instead of) Kilowatch's own: README "Coreflux-compatible topics".
        profiles: PublishProfilesSchema.default([...DEFAULT_PUBLISH_PROFILES]),
      })
      .strict()
      .default({ prefix: 'kilowatch', intervalS: 15, profiles: [...DEFAULT_PUBLISH_PROFILES] }),
    storage: z
      .object({
        path: z.string().optional(),
        retention: z
          .object({ minuteDays: z.number().int().positive().default(35) })
          .strict()
          .default({ minuteDays: 35 }),
      })
      .strict()
      .default({ retention: { minuteDays: 35 } }),
    site: z
      .object({ timezone: TimeZoneSchema.optional(), language: z.enum(LANGUAGES).optional() })
      .strict()
      .default({}),
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(5178),
        host: z.string().default('127.0.0.1'),
        // Names the console is reached by besides its own address and localhost (anything else
        // is refused as a possible DNS rebinding), e.g. "kilowatch.lan" or "kilowatch.lan:8080".
        hosts: z
          .array(
            z
              .string()
              .regex(
                /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/,
                'must be a host name, optionally with :port',
              ),
          )
          .default([]),
        // The bridge's API token; KILOWATCH_TOKEN wins over it. The one secret this file may hold,
        // for a console shared on the network (the file then should be readable by its user only).
        token: z.string().optional(),
        // Named sign-ins for the bridge, each with its role; passwords only as scrypt hashes
        // (`kilowatch hash-password`), so the file never holds one.
        users: z
          .array(
            z
              .object({
                name: z.string().regex(/^[\w.@-]{1,64}$/, 'letters, digits, . _ - @ (at most 64)'),
                role: z.enum(ROLES),
                password_hash: z
                  .string()
                  .regex(
                    /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/,
                    'a hash from `kilowatch hash-password`',
                  ),
              })
              .strict(),
          )
          .default([])
          .refine(
            (users) => new Set(users.map((u) => u.name)).size === users.length,
            'user names must differ',
          ),
      })
      .strict()
      .default({ port: 5178, host: '127.0.0.1', hosts: [], users: [] }),
    broker: z.array(BrokerSection).default([]),
    meter: z.array(MeterSection).default([]),
    // Shellys read over HTTP instead of MQTT: README "Devices not on MQTT".
    poll: PollSections,
    logging: z
      .object({ level: z.enum(LOG_LEVELS).default('info') })
      .strict()
      .default({ level: 'info' }),
    homeassistant: HomeAssistantSection.default({ discovery: false, prefix: 'homeassistant' }),
    headoffice: HeadOfficeSection.default({ sites: [] }),
    // The night window of insight.get (hotels: what each room uses overnight) and its base load.
    insight: InsightSection.default({ nightFrom: 22, nightTo: 7 }),
    // Prices and their effective dates (issue #18): cost/tariff-schema.ts; no section, no costs.
    tariff: TariffSchema.optional(),
  })
  .strict()
  // HA's sensors read Kilowatch's own topics: discovery pointing at topics never published is refused.
  .refine((c) => !c.homeassistant.discovery || c.publish.profiles.includes('kilowatch'), {
    message: 'discovery = true needs "kilowatch" in [publish] profiles (its sensors read those topics)',
    path: ['homeassistant', 'discovery'],
  });
export type Config = z.infer<typeof ConfigSchema>;
export type BrokerConfig = z.infer<typeof BrokerSection>;

export const defaultConfig = (): Config => ConfigSchema.parse({});

/**
 * Settings the console could change but the file (or a flag) sets: the file keeps precedence and
 * the settings screen names where each comes from (README "Settings"). Key → "where", in words.
 */
export type PinnedSettings = Partial<Record<SettingKey, { by: 'file' | 'flag'; where: string }>>;

const IN_FILE: ReadonlyArray<[SettingKey, readonly string[], string]> = [
  ['publishPrefix', ['publish', 'prefix'], '[publish] prefix'],
  ['publishIntervalS', ['publish', 'intervalS'], '[publish] intervalS'],
  ['minuteDays', ['storage', 'retention', 'minuteDays'], '[storage.retention] minuteDays'],
  ['timeZone', ['site', 'timezone'], '[site] timezone'],
  ['language', ['site', 'language'], '[site] language'],
  ['publishProfiles', ['publish', 'profiles'], '[publish] profiles'],
];

/** Which settings the file itself sets, as written (before defaults fill the rest in). */
function settingsInFile(raw: unknown, path: string): PinnedSettings {
  const pinned: PinnedSettings = {};
  for (const [key, at, where] of IN_FILE) {
    let value: unknown = raw;
    for (const part of at) value = (value as Record<string, unknown> | undefined)?.[part];
    if (value !== undefined) pinned[key] = { by: 'file', where: `${path} ${where}` };
  }
  return pinned;
}

export interface LoadedConfig {
  config: Config;
  pinned: PinnedSettings;
}

export function loadConfig(path: string): Result<LoadedConfig, ApiError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    return err('invalid-params', `Cannot read the config file ${path} (${code ?? String(e)}).`);
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    if (e instanceof TomlError)
      return err('invalid-params', `${path} is not valid TOML: ${e.message.split('\n')[0]}`);
    throw e;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) return err('invalid-params', `${path}: ${describeIssues(parsed.error)}`);
  // The token lets its holder switch relays: in a file others can read it is no secret.
  if (parsed.data.server.token !== undefined) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0)
      return err(
        'invalid-params',
        `${path} holds [server] token but is readable by other users (mode ${mode.toString(8)}). ` +
          `Run: chmod 600 ${path} (or pass the token in KILOWATCH_TOKEN instead).`,
      );
  }
  return ok({ config: parsed.data, pinned: settingsInFile(raw, path) });
}

/** A secret file must not be readable by others: a password left world-readable is refused. */
export function readSecretFile(path: string): Result<string, ApiError> {
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      return err(
        'invalid-params',
        `${path} is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 ${path}`,
      );
    }
    return ok(readFileSync(path, 'utf8').replace(/\r?\n$/, ''));
  } catch (e) {
    return err(
      'invalid-params',
      `Cannot read the secret file ${path} (${(e as { code?: string }).code ?? String(e)}).`,
    );
  }
}
