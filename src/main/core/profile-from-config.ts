/** The connection profile for a headless run: a --broker flag wins over kilowatch.toml. */
import { readFileSync } from 'node:fs';
import { ConnectionProfileSchema, type ConnectionProfile } from '../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import { readSecretFile, type Config } from './config';

function readPem(path: string, what: string): Result<string, ApiError> {
  try {
    const text = readFileSync(path, 'utf8');
    if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text))
      return err('invalid-params', `${path} is not a PEM ${what}.`);
    return ok(text);
  } catch (e) {
    return err(
      'invalid-params',
      `Cannot read the ${what} ${path} (${(e as { code?: string }).code ?? String(e)}).`,
    );
  }
}

export function profileFromConfig(
  config: Config,
  flags: { broker?: string; subscribe: string[] },
  env: NodeJS.ProcessEnv,
): Result<ConnectionProfile | null, ApiError> {
  const section = config.broker.find((b) => b.active) ?? config.broker[0];
  const url = flags.broker ?? section?.url;
  if (!url) return ok(null);
  const subscribe =
    flags.subscribe.length > 0
      ? flags.subscribe
      : (section?.subscribe ?? (config.company.topic ? [config.company.topic] : ['#']));
  let password = env.KILOWATCH_BROKER_PASSWORD;
  if (password === undefined && section?.passwordFile) {
    const secret = readSecretFile(section.passwordFile);
    if (!secret.ok) return secret;
    password = secret.value;
  }
  const tls: NonNullable<ConnectionProfile['tls']> = { rejectUnauthorized: section?.verifyServer ?? true };
  for (const [field, file, what] of [
    ['ca', section?.caFile, 'CA certificate'],
    ['cert', section?.certFile, 'client certificate'],
    ['key', section?.keyFile, 'client key'],
  ] as const) {
    if (!file) continue;
    const pem = readPem(file, what);
    if (!pem.ok) return pem;
    tls[field] = pem.value;
  }
  if (section?.servername) tls.servername = section.servername;
  const parsed = ConnectionProfileSchema.safeParse({
    name: section?.name ?? 'site',
    url,
    protocolVersion: section?.protocolVersion ?? 4,
    subscribe,
    tls,
    ...(section?.clientId && { clientId: section.clientId }),
    ...((env.KILOWATCH_BROKER_USERNAME ?? section?.username) !== undefined && {
      username: env.KILOWATCH_BROKER_USERNAME ?? section?.username,
    }),
    ...(password !== undefined && { password }),
  });
  if (!parsed.success)
    return err(
      'invalid-params',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  return ok(parsed.data);
}
