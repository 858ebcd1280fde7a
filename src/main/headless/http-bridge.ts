/**
 * The contract over HTTP + one WebSocket, for the headless console:
 *   POST /api/<command>   JSON params → {"ok":true,"value"} | {"ok":false,"error"}
 *   GET  /api/events      WebSocket of {"event","payload"} messages
 *   GET  /api/report.csv  the report.csv command as a download
 *   GET  /healthz         broker, subscription and database health
 *   GET  /metrics         Prometheus text format (metrics-text.ts), with the token or a session
 *   GET/POST /login       the sign-in form, when the console is shared on the network
 * and the built renderer for everything else.
 *
 * Every request passes the same gates, in this order: a name this console answers to (421), a
 * well-formed path (400), the page's own origin (403), a session or token (401), a bounded body
 * (413). See host-allowlist.ts and bridge-auth.ts for why each exists.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ConsoleApi } from '../core/console-api';
import type { Caller, MetricsSnapshot, Role } from '../../shared/contract';
import type { Logger } from '../core/dispatch';
import { createBridgeAuth, type Credential, type SignedIn } from './bridge-auth';
import {
  CROSS_SITE,
  misdirected,
  NOT_SIGNED_IN,
  refuse,
  reply,
  replyEncoded,
  send,
  sendLoginPage,
  sendText,
  tooManyTries,
  WRONG_TOKEN,
  type Refusal,
} from './bridge-replies';
import { createHostAllowlist } from './host-allowlist';
import { createAttemptLimiter } from '../core/access/attempt-limiter';
import { hashSecret, verifySecret } from '../core/access/secret-hash';
import { limiterKey } from './login-limiter';
import { loginFromForm, loginPage } from './login-page';
import { metricsText } from './metrics-text';
import { parseRequestPath, readBody } from './request-input';
import { rawHttpReply, setSecurityHeaders } from './security-headers';
import { serveStatic } from './static-files';
import { createBroadcast } from './ws-broadcast';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_LOGIN_BODY_BYTES = 4 * 1024;
const MAX_EVENT_CLIENTS = 32;
const MAX_EVENT_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface BridgeSecurity {
  /** The listen address, and the extra names of `[server] hosts`. */
  host: string;
  hosts: readonly string[];
  /** The bearer token (configured, or this start's from the token file). */
  apiToken: string;
  /** Off loopback: browsers sign in at /login instead of getting the session with the page. */
  loginRequired: boolean;
  /** `[[server.users]]`: named sign-ins with their role; with any, /login asks for name and password. */
  users: readonly BridgeUser[];
}

export interface BridgeUser {
  name: string;
  role: Role;
  passwordHash: string;
}

/**
 * A page on another site must not drive the console: it cannot send application/json without a
 * CORS preflight (which we never grant), and WebSocket upgrades must come from our own origin.
 * Host itself is checked first (host-allowlist.ts), so this comparison cannot be rebound.
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

export function createBridge(
  core: ConsoleApi,
  rendererDir: string | null,
  log: Logger,
  security: BridgeSecurity,
): Server {
  const events = createBroadcast({
    maxClients: MAX_EVENT_CLIENTS,
    maxBufferedBytes: MAX_EVENT_BUFFERED_BYTES,
    log,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  // The frames arrive encoded (from the core's worker, checked there): sent as they are.
  core.onEncoded((frame) => events.send(frame));

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res);
    void handle(req, res).catch((e: unknown) => {
      log(`HTTP ${req.method} ${req.url} failed`, e);
      if (!res.headersSent)
        send(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
    });
  };
  // Timeouts below are checked every second rather than Node's default 30 s.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, onRequest);
  // Not Node's automatic "100 Continue": a body that will be refused is never invited (readBody).
  server.on('checkContinue', onRequest);
  // Slow or idle clients must not hold sockets open: Node's defaults are minutes, or unbounded.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 128;

  // Kept from 'listening': after close() the address is gone, while requests may still finish.
  let boundPort = 0;
  server.on('listening', () => (boundPort = (server.address() as AddressInfo).port));
  const port = () => boundPort;
  const hostAllowed = createHostAllowlist({ boundHost: security.host, extraHosts: security.hosts, port });
  const auth = createBridgeAuth({ apiToken: security.apiToken, loginRequired: security.loginRequired, port });
  const limiter = createAttemptLimiter({ maxFailures: 10, windowMs: 60_000, maxKeys: 10_000 });
  const address = (req: IncomingMessage) => limiterKey(req.socket.remoteAddress ?? 'unknown');

  /** The credential a request proves, or why it is refused; wrong tokens are counted. */
  function authorize(req: IncomingMessage): { credential: Credential } | { refusal: Refusal } {
    const credential = auth.check(req);
    if (credential === 'bearer' || credential === 'wrong-token') {
      // While an address is locked out, even the right token is not looked at: guessing must stop.
      const retryAfterS = limiter.retryAfterS(address(req));
      if (retryAfterS > 0) return { refusal: tooManyTries(retryAfterS) };
    }
    if (credential === 'wrong-token') {
      limiter.recordFailure(address(req));
      return { refusal: WRONG_TOKEN };
    }
    if (credential === 'none') return { refusal: NOT_SIGNED_IN };
    return { credential };
  }

  /**
   * Who the core hears a command from: a browser session, or whoever holds the API token (one
   * session for every script: a PIN unlock by one script serves them all, as they share the token).
   */
  function callerOf(req: IncomingMessage, credential: Credential): Caller {
    if (credential === 'bearer') return { via: 'web', session: 'api-token', user: 'API token' };
    const session = auth.sessionOf(req);
    return {
      via: 'web',
      session: session?.key ?? 'none',
      user: session?.user ?? null,
      ...(session?.grant && { grant: session.grant }),
    };
  }

  const hasUsers = security.users.length > 0;
  /** A hash to verify against for a user name nobody has: a miss takes as long as a wrong password. */
  let unknownUserHash: Promise<string> | null = null;

  /** A named user with their password, or (no name) the token; null when neither matches. */
  async function signIn(form: { user: string | null; secret: string | null }): Promise<SignedIn | null> {
    if (form.secret === null) return null;
    if (form.user === null) return auth.tokenMatches(form.secret) ? { user: null } : null;
    const user = security.users.find((u) => u.name === form.user);
    unknownUserHash ??= hashSecret(randomBytes(16).toString('hex'));
    const matches = await verifySecret(form.secret, user?.passwordHash ?? (await unknownUserHash));
    return user && matches ? { user: user.name, grant: user.role } : null;
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') return sendLoginPage(res, 200, loginPage(undefined, hasUsers));
    if (req.method !== 'POST')
      return send(res, 405, { ok: false, error: { code: 'invalid-params', message: 'use GET or POST' } });
    if (!isSameOrigin(req)) return refuse(res, CROSS_SITE);
    const retryAfterS = limiter.retryAfterS(address(req));
    if (retryAfterS > 0) {
      const refusal = tooManyTries(retryAfterS);
      res.setHeader('retry-after', String(retryAfterS));
      return sendLoginPage(res, refusal.status, loginPage(refusal.message, hasUsers));
    }
    const body = await readBody(req, res, MAX_LOGIN_BODY_BYTES);
    // Asked again once the body is in: guesses sent in parallel all passed the first check.
    const lockedS = limiter.retryAfterS(address(req));
    if (lockedS > 0) {
      res.setHeader('retry-after', String(lockedS));
      return sendLoginPage(res, 429, loginPage(tooManyTries(lockedS).message, hasUsers));
    }
    const who = 'text' in body ? await signIn(loginFromForm(body.text)) : null;
    if (!who) {
      limiter.recordFailure(address(req));
      const problem = hasUsers
        ? 'That user name and password (or, with no user name, the access token) do not match.'
        : 'That is not the access token of this console.';
      return sendLoginPage(res, 401, loginPage(problem, hasUsers));
    }
    res.writeHead(303, {
      location: '/',
      'set-cookie': auth.newSessionCookie(who),
      'cache-control': 'no-store',
    });
    res.end();
  }

  async function api(req: IncomingMessage, res: ServerResponse, command: string): Promise<void> {
    if (req.method !== 'POST')
      return send(res, 405, { ok: false, error: { code: 'invalid-params', message: 'use POST' } });
    if (!isSameOrigin(req)) return refuse(res, CROSS_SITE);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(res, 403, {
        ok: false,
        error: { code: 'invalid-params', message: 'send JSON from the console itself' },
      });
    }
    const allowed = authorize(req);
    // Refusals leave the connection open: Node reads and discards the rest of the body after the
    // reply (bounded by requestTimeout), so the sender sees the answer rather than a broken pipe.
    if ('refusal' in allowed) return refuse(res, allowed.refusal);
    const body = await readBody(req, res, MAX_BODY_BYTES);
    if ('tooLarge' in body) {
      return refuse(res, {
        status: 413,
        code: 'invalid-params',
        message: `The request body is larger than ${body.tooLarge} bytes.`,
      });
    }
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
    return replyEncoded(res, await core.invokeEncoded(command, params, callerOf(req, allowed.credential)));
  }

  async function reportCsv(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const allowed = authorize(req);
    if ('refusal' in allowed) return refuse(res, allowed.refusal);
    const params = Object.fromEntries(url.searchParams);
    const result = await core.invoke('report.csv', {
      ...params,
      perChild: params.perChild === 'true',
      perCategory: params.perCategory === 'true',
    });
    if (!result.ok) return reply(res, result);
    const { filename, csv } = result.value as { filename: string; csv: string };
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
    });
    res.end(csv);
  }

  /**
   * Prometheus scrapes with `Authorization: Bearer` (bearer_token_file); a signed-in browser may
   * look too. Refusals are plain text: a scraper shows the body as its error, and a 401 names the
   * scheme it wants.
   */
  async function metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') return sendText(res, 405, 'Use GET.\n', { allow: 'GET' });
    const allowed = authorize(req);
    if ('refusal' in allowed) {
      const { status, message, headers } = allowed.refusal;
      const challenge: Record<string, string> =
        status === 401 ? { 'www-authenticate': 'Bearer realm="kilowatch"' } : {};
      return sendText(res, status, `${message}\n`, { ...headers, ...challenge });
    }
    const channels = new URL(req.url ?? '/', 'http://kilowatch').searchParams.get('channels') === '1';
    const result = await core.invoke('metrics.snapshot', { channels }, callerOf(req, allowed.credential));
    // The engine starting again, or a bug (logged by the core): no scrape rather than a partial one.
    if (!result.ok) return sendText(res, 503, `${result.error.message}\n`);
    const { contentType, text } = await metricsText(result.value as MetricsSnapshot);
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(text);
  }

  function page(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (auth.loginRequired && auth.check(req) !== 'session') {
      res.writeHead(303, { location: '/login', 'cache-control': 'no-store' });
      return void res.end();
    }
    if (rendererDir && req.method === 'GET') {
      // On loopback the app page itself signs its browser in; nothing else hands out the cookie.
      const isApp = url.pathname === '/' || url.pathname === '/index.html' || !url.pathname.includes('.');
      // A browser that is signed in keeps its session (and a PIN unlock) across reloads.
      if (isApp && !auth.loginRequired && auth.check(req) !== 'session')
        res.setHeader('set-cookie', auth.newSessionCookie());
      if (serveStatic(rendererDir, url.pathname, res)) return;
      // Client-side routes fall back to the app itself.
      if (!url.pathname.includes('.') && serveStatic(rendererDir, '/', res)) return;
      res.removeHeader('set-cookie');
    }
    send(res, 404, { ok: false, error: { code: 'not-found', message: `Nothing at ${url.pathname}` } });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host)) return refuse(res, misdirected(req.headers.host));
    const path = parseRequestPath(req.url);
    if ('problem' in path) return refuse(res, { status: 400, code: 'invalid-params', message: path.problem });
    const { url } = path;
    if (url.pathname === '/healthz' && req.method === 'GET') {
      const health = await core.health();
      // Monitors read the status code: a database that refuses writes (or an engine starting
      // again) is this console failing; a broker away is the site's, and the body says which.
      return send(res, health.db === 'ok' ? 200 : 503, health);
    }
    if (url.pathname === '/metrics') return metrics(req, res);
    if (url.pathname === '/login') return login(req, res);
    if (url.pathname === '/api/report.csv' && req.method === 'GET') return reportCsv(req, res, url);
    if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname.slice('/api/'.length));
    page(req, res, url);
  }

  /** A refused upgrade still gets a real HTTP answer, so a client can tell why. */
  function refuseUpgrade(socket: Socket, r: Refusal): void {
    const body = { ok: false, error: { code: r.code, message: r.message } };
    socket.end(rawHttpReply(r.status, body, r.headers), () => socket.destroy());
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node hands the socket over without its error listener, and ws adds one only once it has
    // accepted: a client that resets while being refused must not take the process down.
    socket.on('error', () => socket.destroy());
    if (!hostAllowed(req.headers.host)) return refuseUpgrade(socket, misdirected(req.headers.host));
    const path = parseRequestPath(req.url);
    if ('problem' in path || path.url.pathname !== '/api/events')
      return refuseUpgrade(socket, {
        status: 404,
        code: 'not-found',
        message: 'The event stream is /api/events.',
      });
    if (!isSameOrigin(req)) return refuseUpgrade(socket, CROSS_SITE);
    const allowed = authorize(req);
    if ('refusal' in allowed) return refuseUpgrade(socket, allowed.refusal);
    if (!events.hasRoom()) {
      return refuseUpgrade(socket, {
        status: 503,
        code: 'not-authorized',
        message: `${MAX_EVENT_CLIENTS} event streams are open already: close a console tab and retry.`,
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      events.add(ws);
      ws.send(JSON.stringify({ event: 'connection.state', payload: core.connectionState() }));
    });
  });

  // Node's own answers to requests it cannot parse or that time out carry the same headers.
  server.on('clientError', (e: NodeJS.ErrnoException, socket: Socket) => {
    if (e.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = e.code === 'HPE_HEADER_OVERFLOW' ? 431 : e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message =
      status === 408 ? 'The request took too long to arrive.' : 'The request is not valid HTTP.';
    socket.end(rawHttpReply(status, { ok: false, error: { code: 'invalid-params', message } }), () =>
      socket.destroy(),
    );
  });

  server.on('close', () => {
    events.closeAll();
    wss.close();
  });
  return server;
}
