/**
 * One GET of a Shelly's JSON on its local HTTP API, with a deadline, answering basic (Gen1) or
 * digest (Gen2+) authentication. Used by polling and commissioning. Every failure comes back as a
 * reason, never a throw: an unreachable device is the normal case the poller backs off from.
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
  /** `detail`: the start of the answer (a Gen2+ RPC error is `{"code", "message"}`). */
  | { kind: 'http'; status: number; detail: string }
  | { kind: 'not-json'; detail: string };

export type GetResult = { ok: true; value: Record<string, unknown> } | { ok: false; failure: GetFailure };

async function once(url: string, headers: Record<string, string>, timeoutMs: number): Promise<Response> {
  return fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
}

function failureOf(error: unknown): GetFailure {
  const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout' };
  return { kind: 'unreachable', detail: e.cause?.code ?? e.cause?.message ?? e.message ?? String(error) };
}

/** A JSON object: a status, a device's identity, its settings. */
export async function getJson(
  url: string,
  credentials?: Credentials,
  timeoutMs = POLL_TIMEOUT_MS,
): Promise<GetResult> {
  const got = await getAnyJson(url, credentials, timeoutMs);
  if (!got.ok) return got;
  if (typeof got.value !== 'object' || got.value === null || Array.isArray(got.value))
    return { ok: false, failure: { kind: 'not-json', detail: 'not a JSON object' } };
  return { ok: true, value: got.value as Record<string, unknown> };
}

/** Any JSON answer: a Gen2+ `Shelly.Reboot` says `null`. */
export async function getAnyJson(
  url: string,
  credentials?: Credentials,
  timeoutMs = POLL_TIMEOUT_MS,
): Promise<{ ok: true; value: unknown } | { ok: false; failure: GetFailure }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials?.scheme === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  try {
    let res = await once(url, headers, timeoutMs);
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
        res = await once(url, headers, timeoutMs);
      }
    }
    if (res.status === 401 || res.status === 403) {
      await res.arrayBuffer();
      return { ok: false, failure: { kind: 'auth', status: res.status, hadCredentials: !!credentials } };
    }
    if (!res.ok) {
      const text = Buffer.from(await res.arrayBuffer())
        .subarray(0, 300)
        .toString('utf8');
      return { ok: false, failure: { kind: 'http', status: res.status, detail: text } };
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
    return { ok: true, value: parsed };
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
}
