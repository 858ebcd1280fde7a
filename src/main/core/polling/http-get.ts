/**
 * One GET of a device's JSON, with a deadline, answering basic (Gen1) or digest (Gen2+)
 * authentication. Every failure comes back as a reason, never a throw: an unreachable device is
 * the normal case the poller backs off from.
 */
import { digestAuthorization, parseDigestChallenge } from './digest-auth';

export const POLL_TIMEOUT_MS = 5000;
/** A Shelly's status is a few kB; anything far larger is not a Shelly answering. */
const MAX_BODY_BYTES = 512 * 1024;

export interface Credentials {
  username: string;
  password: string;
  /**
   * Gen1 asks for basic authentication, so it is sent up front; Gen2+ answers with a digest
   * challenge, and the password never travels, not even encoded.
   */
  scheme: 'basic' | 'digest';
}

export type GetFailure =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'timeout' }
  | { kind: 'auth'; status: number; hadCredentials: boolean }
  | { kind: 'http'; status: number }
  | { kind: 'not-json'; detail: string };

export type GetResult = { ok: true; value: Record<string, unknown> } | { ok: false; failure: GetFailure };

async function once(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { headers, signal: AbortSignal.timeout(POLL_TIMEOUT_MS), redirect: 'error' });
}

function failureOf(error: unknown): GetFailure {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout' };
  return { kind: 'unreachable', detail: e.cause?.code ?? e.cause?.message ?? e.message ?? String(error) };
}

export async function getJson(url: string, credentials?: Credentials): Promise<GetResult> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials?.scheme === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  try {
    let res = await once(url, headers);
    if (res.status === 401 && credentials?.scheme === 'digest') {
      const challenge = parseDigestChallenge(res.headers.get('www-authenticate'));
      await res.arrayBuffer();
      if (challenge) {
        const { pathname, search } = new URL(url);
        headers.authorization = digestAuthorization(
          challenge,
          'GET',
          `${pathname}${search}`,
          credentials.username,
          credentials.password,
        );
        res = await once(url, headers);
      }
    }
    if (res.status === 401 || res.status === 403) {
      await res.arrayBuffer();
      return { ok: false, failure: { kind: 'auth', status: res.status, hadCredentials: !!credentials } };
    }
    if (!res.ok) {
      await res.arrayBuffer();
      return { ok: false, failure: { kind: 'http', status: res.status } };
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (body.byteLength > MAX_BODY_BYTES)
      return { ok: false, failure: { kind: 'not-json', detail: `${body.byteLength} bytes` } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return { ok: false, failure: { kind: 'not-json', detail: (e as Error).message } };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { ok: false, failure: { kind: 'not-json', detail: 'not a JSON object' } };
    return { ok: true, value: parsed as Record<string, unknown> };
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
}
