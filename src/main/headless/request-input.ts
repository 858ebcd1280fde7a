/**
 * What the bridge reads from a request before routing it: a path that decodes to plain text, and
 * a body no larger than it will hold. Both refusals are ordinary answers (400, 413), never a
 * thrown error or a reset connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RequestPath = { url: URL } | { problem: string };

/** NUL and other control characters have no place in a path; a file system call would throw. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseRequestPath(raw: string | undefined): RequestPath {
  const target = raw ?? '/';
  if (!target.startsWith('/')) return { problem: 'the request path must start with /' };
  let url: URL;
  let decoded: string;
  try {
    url = new URL(target, 'http://localhost');
    decoded = decodeURIComponent(url.pathname);
  } catch (e) {
    if (e instanceof URIError || e instanceof TypeError)
      return { problem: 'the request path has a malformed %-escape' };
    throw e;
  }
  if (CONTROL.test(decoded) || CONTROL.test(target))
    return { problem: 'the request path contains a control character' };
  return { url };
}

export type Body = { text: string } | { tooLarge: number } | { error: string };

/**
 * Refused from Content-Length before a byte is read, and still counted while it streams (a
 * chunked body has no length up front). What is left of a refused body is read and discarded by
 * Node after the reply, so the client sees the 413 instead of a reset. A client that asked
 * `Expect: 100-continue` is told to go on only here, once the body is really wanted.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.resolve({ tooLarge: maxBytes });
  if (/100-continue/i.test(req.headers.expect ?? '')) res.writeContinue();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve({ tooLarge: maxBytes });
    };
    req.on('data', onData);
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}
