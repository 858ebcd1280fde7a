/**
 * What never leaves Kilowatch in a log line or a diagnostics archive: passwords, passphrases,
 * tokens, private keys, cookies. Two nets, because a secret arrives either under a telling name
 * (a profile's `password`, a header's `authorization`) or inside free text (a library's error
 * message quoting a `mqtt://user:pass@host` URL, `KILOWATCH_TOKEN=…`, a PEM key).
 */
import { redactCredentials } from '../broker/options';

export const REDACTED = '[redacted]';

/**
 * Keys whose value is a secret wherever they appear (pino's redact takes exact names); `apiToken`
 * is the bridge's, `password_hash` a sign-in's scrypt hash (kilowatch.toml `[[server.users]]`),
 * `pin` the manager PIN. Not `key`: an alert's key is no secret, and a profile's TLS key is PEM,
 * which redactText takes out wherever it is (the logger also names `tls.key` outright).
 */
export const SECRET_KEYS = [
  'password',
  'passphrase',
  'password_hash',
  'passwordHash',
  'pin',
  'token',
  'apiToken',
  'accessToken',
  'secret',
  'secrets',
  'authorization',
  'cookie',
  'privateKey',
] as const;

const SECRET_KEY_NAMES = new Set<string>(SECRET_KEYS.map((k) => k.toLowerCase()));
/** Any other name that says it holds one; `…File` names hold a path to it, which is kept. */
const SECRET_KEY_WORDS = /pass(?:word|phrase)|secret|token|private_?key|authorization|cookie/i;

export const isSecretKey = (key: string): boolean =>
  SECRET_KEY_NAMES.has(key.toLowerCase()) || (SECRET_KEY_WORDS.test(key) && !/file$/i.test(key));

const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/**
 * `password=…`, `KILOWATCH_TOKEN=…`, `?token=…`: not after a letter (`passwords=` is not one), and
 * not a placeholder in a hint (`KILOWATCH_TOKEN=$(openssl rand -hex 32)`, `token=<yours>`).
 */
const ASSIGNED = /(?<![A-Za-z])(pass(?:word|phrase)?|token|secret|api[_-]?key)=(?![$<])[^\s&;,'"]+/gi;
/** A JSON object quoted in a message: `"password":"…"`, `"apiToken": "…"`, `"password_hash":"…"`. */
const JSON_MEMBER =
  /"([A-Za-z_]*(?:pass(?:word|phrase)|token|secret|api_?key|authorization|cookie)[A-Za-z_]*)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
/** An HTTP header written out: `Authorization: …`, `Cookie: …`. */
const HEADER = /\b(authorization|cookie|set-cookie)(\s*:\s*)[^\r\n]+/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/g;

/** Free text with credentials in URLs, named secrets and private keys taken out. */
export function redactText(text: string): string {
  return redactCredentials(text)
    .replace(PRIVATE_KEY_BLOCK, `${REDACTED} private key`)
    .replace(ASSIGNED, (_match, name: string) => `${name}=${REDACTED}`)
    .replace(JSON_MEMBER, (_match, name: string, colon: string) => `"${name}"${colon}"${REDACTED}"`)
    .replace(HEADER, (_match, name: string, colon: string) => `${name}${colon}${REDACTED}`)
    .replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`);
}

/**
 * A JSON-like value with every secret key's value replaced and every string run through
 * redactText. A new value: the original is left as it was.
 */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && inner !== undefined && inner !== null ? REDACTED : redactDeep(inner);
  }
  return out;
}
