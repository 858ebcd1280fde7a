/**
 * HTTP digest authentication (RFC 7616), the client side: Gen2+ Shellys protect their RPC with it
 * (realm = the device id, SHA-256, qop "auth"); MD5 is kept for older servers.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm: 'MD5' | 'SHA-256';
}

/** `WWW-Authenticate: Digest realm="…", nonce="…", …` → its fields; null if not a digest we can answer. */
export function parseDigestChallenge(header: string | null): DigestChallenge | null {
  if (!header || !/^\s*digest\s/i.test(header)) return null;
  const fields = new Map<string, string>();
  for (const m of header
    .replace(/^\s*digest\s+/i, '')
    .matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
    fields.set(
      (m[1] as string).toLowerCase(),
      m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''),
    );
  const realm = fields.get('realm');
  const nonce = fields.get('nonce');
  const algorithm = (fields.get('algorithm') ?? 'MD5').toUpperCase();
  if (realm === undefined || nonce === undefined) return null;
  if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return null;
  const qops = fields
    .get('qop')
    ?.split(',')
    .map((q) => q.trim());
  return {
    realm,
    nonce,
    algorithm,
    ...(qops && { qop: qops.includes('auth') ? 'auth' : qops[0] }),
    ...(fields.has('opaque') && { opaque: fields.get('opaque') }),
  };
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/** The `Authorization` header answering `challenge` for one request. */
export function digestAuthorization(
  challenge: DigestChallenge,
  method: string,
  uri: string,
  username: string,
  password: string,
  cnonce = randomBytes(8).toString('hex'),
  nc = 1,
): string {
  const hash = (s: string) =>
    createHash(challenge.algorithm === 'SHA-256' ? 'sha256' : 'md5')
      .update(s)
      .digest('hex');
  const ha1 = hash(`${username}:${challenge.realm}:${password}`);
  const ha2 = hash(`${method}:${uri}`);
  const ncText = nc.toString(16).padStart(8, '0');
  const response = challenge.qop
    ? hash(`${ha1}:${challenge.nonce}:${ncText}:${cnonce}:${challenge.qop}:${ha2}`)
    : hash(`${ha1}:${challenge.nonce}:${ha2}`);
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(response)}`,
    ...(challenge.qop ? [`qop=${challenge.qop}`, `nc=${ncText}`, `cnonce=${quote(cnonce)}`] : []),
    ...(challenge.opaque !== undefined ? [`opaque=${quote(challenge.opaque)}`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}
