/**
 * The contract over HTTP + one WebSocket, for the headless console:
 *   POST /api/<command>   JSON params → {"ok":true,"value"} | {"ok":false,"error"}
 *   GET  /api/events      WebSocket of {"event","payload"} messages
 *   GET  /api/report.csv  the report.csv command as a download
 *   GET  /healthz         broker, subscription and database health
 * and the built renderer for everything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiError, Result } from '../../shared/result';
import type { KilowatchConsole } from '../core/console';
import { dispatch, type Logger } from '../core/dispatch';
import { serveStatic } from './static-files';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * A command that reached the core is answered 200 with its Result, failure included: the Result
 * is the contract, and browsers log every non-2xx fetch as a page error. Status codes are kept
 * for requests that never reach it (wrong method, cross-site, unknown route).
 */
function reply(res: ServerResponse, result: Result<unknown, ApiError>): void {
  send(res, 200, result);
}

function readBody(req: IncomingMessage): Promise<{ text: string } | { error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve({ error: `the request body is larger than ${MAX_BODY_BYTES} bytes` });
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

/**
 * A page on another site must not drive the console: it cannot send application/json without a
 * CORS preflight (which we never grant), and WebSocket upgrades must come from our own origin.
 */
function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser, or a same-origin navigation
  try {
    return new URL(origin).host === req.headers.host;
  } catch (e) {
    if (e instanceof TypeError) return false;
    throw e;
  }
}

export function createBridge(core: KilowatchConsole, rendererDir: string | null, log: Logger): Server {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  core.on((message) => {
    const text = JSON.stringify(message);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      log(`HTTP ${req.method} ${req.url} failed`, e);
      if (!res.headersSent)
        send(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET') return send(res, 200, core.health());
    if (url.pathname === '/api/report.csv' && req.method === 'GET') {
      const params = Object.fromEntries(url.searchParams);
      const result = await dispatch(
        core.handlers,
        'report.csv',
        { ...params, perChild: params.perChild === 'true' },
        log,
      );
      if (!result.ok) return reply(res, result);
      const { filename, csv } = result.value as { filename: string; csv: string };
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      });
      res.end(csv);
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST')
        return send(res, 405, { ok: false, error: { code: 'invalid-params', message: 'use POST' } });
      if (!isSameOrigin(req) || !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 403, {
          ok: false,
          error: { code: 'invalid-params', message: 'send JSON from the console itself' },
        });
      }
      const body = await readBody(req);
      if ('error' in body)
        return reply(res, { ok: false, error: { code: 'invalid-params', message: body.error } });
      let params: unknown = {};
      if (body.text.trim() !== '') {
        try {
          params = JSON.parse(body.text);
        } catch (e) {
          if (!(e instanceof SyntaxError)) throw e;
          return reply(res, {
            ok: false,
            error: { code: 'invalid-params', message: `the body is not JSON: ${e.message}` },
          });
        }
      }
      return reply(res, await dispatch(core.handlers, url.pathname.slice('/api/'.length), params, log));
    }
    if (rendererDir && req.method === 'GET') {
      if (serveStatic(rendererDir, url.pathname, res)) return;
      // Client-side routes fall back to the app itself.
      if (!url.pathname.includes('.') && serveStatic(rendererDir, '/', res)) return;
    }
    send(res, 404, { ok: false, error: { code: 'not-found', message: `Nothing at ${url.pathname}` } });
  }

  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/api/events' || !isSameOrigin(req)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.send(JSON.stringify({ event: 'connection.state', payload: core.connectionState }));
    });
  });
  server.on('close', () => {
    for (const ws of sockets) ws.terminate();
    wss.close();
  });
  return server;
}
