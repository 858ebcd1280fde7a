/**
 * How the bridge answers: JSON with the contract's error shape for refusals, a Result for
 * commands, and the wording of each refusal, so every "no" says why and what to do.
 */
import type { ServerResponse } from 'node:http';
import type { ApiError, Result } from '../../shared/result';
import { setLoginPageHeaders } from './security-headers';

export type Refusal = {
  status: number;
  code: ApiError['code'];
  message: string;
  headers?: Record<string, string>;
};

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** Plain text, for clients that show a body as it is (a Prometheus scraper's error, curl). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export const refuse = (res: ServerResponse, r: Refusal, headers: Record<string, string> = {}) =>
  send(
    res,
    r.status,
    { ok: false, error: { code: r.code, message: r.message } },
    { ...r.headers, ...headers },
  );

export function sendLoginPage(res: ServerResponse, status: number, html: string): void {
  setLoginPageHeaders(res);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/**
 * A command that reached the core is answered 200 with its Result, failure included: the Result
 * is the contract, and browsers log every non-2xx fetch as a page error. Status codes are kept
 * for requests that never reach it (wrong method, cross-site, unknown route).
 */
export function reply(res: ServerResponse, result: Result<unknown, ApiError>): void {
  send(res, 200, result);
}

/** The same, for a Result the core encoded already (ConsoleApi.invokeEncoded). */
export function replyEncoded(res: ServerResponse, json: Uint8Array): void {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(json);
}

export const misdirected = (host: string | undefined): Refusal => ({
  status: 421,
  code: 'not-authorized',
  message: `This console does not answer to the name "${(host ?? '').slice(0, 100)}". If you reach it by that name, add it to [server] hosts in kilowatch.toml.`,
});
export const CROSS_SITE: Refusal = {
  status: 403,
  code: 'not-authorized',
  message: 'Requests from another site are refused: use the console page itself.',
};
export const NOT_SIGNED_IN: Refusal = {
  status: 401,
  code: 'not-authorized',
  message:
    'Not signed in. Reload the console page (it signs the browser in), or send "Authorization: Bearer <token>" with the API token named at start-up.',
};
export const WRONG_TOKEN: Refusal = {
  status: 401,
  code: 'not-authorized',
  message: 'The Bearer token is not this console\u2019s API token.',
};
export const tooManyTries = (retryAfterS: number): Refusal => ({
  status: 429,
  code: 'not-authorized',
  message: `Too many wrong tokens from this address: try again in ${retryAfterS} s.`,
  headers: { 'retry-after': String(retryAfterS) },
});
