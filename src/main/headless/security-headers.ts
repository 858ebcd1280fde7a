/**
 * Headers every reply of the bridge carries, whatever produced it (page, API, error, refusal).
 * The policy is the one in src/renderer/index.html's meta tag plus what a meta tag cannot say:
 * `frame-ancestors 'none'` (no other site may frame the console and trick clicks on its relay
 * buttons). connect-src 'self' covers the page's same-origin WebSocket.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';

function contentSecurityPolicy(formAction: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy("'none'"),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/**
 * The login page is the one page whose form posts (to itself). Under `no-referrer` a browser
 * sends `Origin: null` with a form post, which the bridge's same-origin check must refuse;
 * `same-origin` still sends nothing to any other site, and the page links nowhere.
 */
export function setLoginPageHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', contentSecurityPolicy("'self'"));
  res.setHeader('referrer-policy', 'same-origin');
}

/**
 * A complete HTTP/1.1 reply as text, for a socket that never became a ServerResponse (a refused
 * WebSocket upgrade, a request Node could not parse).
 */
export function rawHttpReply(status: number, body: unknown, extra: Record<string, string> = {}): string {
  const text = JSON.stringify(body);
  const headers = {
    ...SECURITY_HEADERS,
    ...extra,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${text}`;
}
