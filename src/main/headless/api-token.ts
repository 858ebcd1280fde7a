/**
 * The bearer token scripts and monitoring send (`Authorization: Bearer <token>`). An operator's
 * token (KILOWATCH_TOKEN, else `[server] token`) is used as is; without one, each start makes a
 * random token and leaves it in a file only this user can read, so a local script can pick it
 * up and nothing else can.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type ApiError, type Result } from '../../shared/result';

/** Short tokens could be guessed through the login form; 16 characters of anything will not. */
export const MIN_TOKEN_LENGTH = 16;
export const TOKEN_FILE_NAME = 'api-token';

export type ApiToken =
  | { token: string; source: 'KILOWATCH_TOKEN' | '[server] token' }
  | { token: string; source: 'file'; path: string };

/** The operator's token, or null when neither the environment nor the config sets one. */
export function configuredToken(
  configToken: string | undefined,
  env: NodeJS.ProcessEnv,
): Result<ApiToken | null, ApiError> {
  const fromEnv = env.KILOWATCH_TOKEN;
  const [token, source] =
    fromEnv !== undefined && fromEnv !== ''
      ? [fromEnv, 'KILOWATCH_TOKEN' as const]
      : [configToken, '[server] token' as const];
  if (token === undefined) return ok(null);
  if (token.trim().length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    return err(
      'invalid-params',
      `${source} must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. the output of: openssl rand -hex 32).`,
    );
  }
  return ok({ token, source });
}

/** Writes a fresh random token to `<dataDir>/api-token`, mode 0600 from its first byte. */
export function writeStartToken(dataDir: string): Result<ApiToken, ApiError> {
  const token = randomBytes(32).toString('base64url');
  const path = join(dataDir, TOKEN_FILE_NAME);
  const partial = `${path}.${process.pid}.tmp`;
  try {
    // Written beside and renamed over, so a reader never sees half a token or a looser mode.
    writeFileSync(partial, `${token}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    const code = (e as { code?: string }).code ?? String(e);
    return err('storage-unavailable', `Cannot write the API token file ${path} (${code}).`);
  }
  return ok({ token, source: 'file', path });
}
