/**
 * The headless bridge lets in only its own page (issue #12 item 1), driven through the built
 * entry point as users run it: a name it does not answer to (DNS rebinding), another site's page,
 * a caller without the session or the token, oversized and malformed requests, too many or too
 * slow event clients, and a console shared on the network without a token.
 *
 * Needs the build: `npx electron-vite build`.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createBroadcast } from '../../src/main/headless/ws-broadcast';
import { coreTree, switchableBelow } from '../support/e2e-demo';
import { runHeadless, send, startHeadless, type Headless } from '../support/headless';
import { waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const NO_TOKEN = { KILOWATCH_TOKEN: undefined };
const ENV_TOKEN = 'env-token-0123456789abcdef';

const json = (body?: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body ?? {}),
});

function post(url: string, command: string, headers: Record<string, string>, params: unknown = {}) {
  return send(url, `/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(params),
  });
}

/** The upgrade's outcome: 101 with the open socket, or the status and body it was refused with. */
interface Upgrade {
  status: number;
  body: string;
  ws: WebSocket | null;
  first: Promise<string>;
}

function upgrade(url: string, headers: Record<string, string>): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers });
    const first = new Promise<string>((got) => ws.once('message', (d: Buffer) => got(d.toString())));
    ws.once('open', () => resolve({ status: 101, body: '', ws, first }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ws: null, first }));
    });
    ws.once('error', reject);
  });
}

/** Only the status: a socket that opened is closed at once, so it holds no slot. */
async function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  const outcome = await upgrade(url, headers);
  outcome.ws?.close();
  return outcome.status;
}

/** The session cookie the app page hands out, as `name=value`. */
async function pageCookie(url: string): Promise<string> {
  const page = await send(url, '/');
  expect(page.status).toBe(200);
  return String(page.headers['set-cookie']?.[0]).split(';')[0] as string;
}

const portOf = (url: string) => new URL(url).port;
const errorCode = (reply: { body: string }) =>
  (JSON.parse(reply.body) as { error: { code: string } }).error.code;

function expectFramingHeaders(headers: IncomingHttpHeaders): void {
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("connect-src 'self';");
  expect(csp).toContain("script-src 'self';");
}

describe('on loopback (the demo, no token configured)', () => {
  const dir = tempDir('kw-bridge-');
  let headless: Headless;
  let url: string;

  beforeAll(async () => {
    // The demo's history backfill is not what this is about; without it the demo starts lighter.
    headless = await startHeadless(['--demo', '--port', '0', '--db', join(dir.path, 'demo.db')], {
      ...NO_TOKEN,
      KILOWATCH_DEMO_HISTORY: 'off',
    });
    url = headless.url;
  });
  afterAll(async () => {
    const code = await headless?.stop();
    expect(code, headless?.output()).toBe(0);
    dir.remove();
  });

  it('survives clients that reset while being refused, and frames over the size limit', async () => {
    const port = portOf(url);
    for (let i = 0; i < 40; i++) {
      await new Promise<void>((done) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `GET /api/events HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: Upgrade\r\n` +
              'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          );
          // A reset instead of a close: the server's 421 then meets a dead socket.
          setImmediate(() => {
            socket.resetAndDestroy();
            done();
          });
        });
        socket.on('error', () => done());
      });
    }
    const cookie = await pageCookie(url);
    const big = await upgrade(url, { cookie });
    const closed = new Promise<number>((got) => big.ws?.once('close', (code) => got(code)));
    big.ws?.send('x'.repeat(70_000));
    expect(await closed).toBe(1009); // "message too big", and the console is still there:
    expect(headless.child.exitCode).toBeNull();
    expect((await send(url, '/healthz')).status).toBe(200);
    expect((await post(url, 'stats.get', { cookie })).status).toBe(200);
  });

  it('takes its own session cookie even when another port of this host set one of the same name first', async () => {
    const cookie = await pageCookie(url);
    const name = cookie.split('=')[0] as string;
    const reply = await post(url, 'stats.get', { cookie: `${name}=planted-by-another-port; ${cookie}` });
    expect(reply.status).toBe(200);
    expect((await post(url, 'stats.get', { cookie: `${name}=planted-by-another-port` })).status).toBe(401);
  });

  it('refuses a rebound name with 421 before a relay command reaches the core', async () => {
    // One question at a time: polling faster than the tree answers would pile up connections.
    let relay: string | undefined;
    const deadline = Date.now() + 15_000;
    while (relay === undefined) {
      if (Date.now() > deadline) throw new Error('timed out waiting for a switchable demo channel');
      relay = await coreTree(url)
        .then((nodes) => nodes.flatMap(switchableBelow)[0]?.id)
        .catch(() => undefined);
      if (relay === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    const evil = `evil.example:${portOf(url)}`;
    const cookie = await pageCookie(url);
    const reply = await post(
      url,
      'relay.set',
      { host: evil, origin: `http://${evil}`, cookie },
      {
        channel: relay,
        on: true,
      },
    );
    expect(reply.status).toBe(421);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'not-authorized' } });
    expect(JSON.parse(reply.body).error.message).toContain('"evil.example:');
    // The page itself at a rebound name gets no session either.
    const page = await send(url, '/', { headers: { host: evil } });
    expect(page.status).toBe(421);
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a rebound name with 421 on the WebSocket upgrade', async () => {
    const evil = `evil.example:${portOf(url)}`;
    const cookie = await pageCookie(url);
    const outcome = await upgrade(url, { host: evil, origin: `http://${evil}`, cookie });
    outcome.ws?.close();
    expect(outcome.status).toBe(421);
    expect(errorCode(outcome)).toBe('not-authorized');
  });

  it('answers to localhost and 127.0.0.1 with the port, not to another port', async () => {
    const port = portOf(url);
    expect((await send(url, '/healthz', { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await send(url, '/healthz', { headers: { host: `127.0.0.1:${port}` } })).status).toBe(200);
    expect((await send(url, '/healthz', { headers: { host: `127.0.0.1:${Number(port) + 1}` } })).status).toBe(
      421,
    );
    expect((await send(url, '/healthz', { headers: { host: '127.0.0.1' } })).status).toBe(421);
  });

  it('refuses another site’s page (foreign Origin, good Host) with 403, on HTTP and WebSocket', async () => {
    const cookie = await pageCookie(url);
    const reply = await post(url, 'stats.get', { origin: 'http://evil.example', cookie });
    expect(reply.status).toBe(403);
    expect(errorCode(reply)).toBe('not-authorized');
    expect(await upgradeStatus(url, { origin: 'http://evil.example', cookie })).toBe(403);
    // The same request from the page's own origin is fine.
    expect((await post(url, 'stats.get', { origin: url, cookie })).status).toBe(200);
  });

  it('refuses a caller without the session with 401 (API, CSV, WebSocket), in plain words', async () => {
    const api = await post(url, 'stats.get', {});
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'not-authorized' } });
    expect(JSON.parse(api.body).error.message).toMatch(/^Not signed in\. Reload the console page/);
    const csv = await send(
      url,
      '/api/report.csv?node=company:Demo&from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z',
    );
    expect(csv.status).toBe(401);
    expect(await upgradeStatus(url, {})).toBe(401);
    const stale = `kilowatch_session_${portOf(url)}=from-an-earlier-start`;
    expect((await post(url, 'stats.get', { cookie: stale })).status).toBe(401);
    expect(await upgradeStatus(url, { cookie: stale })).toBe(401);
  });

  it('signs in the browser that loads the page: the cookie works on the API, CSV and WebSocket', async () => {
    const page = await send(url, '/');
    const setCookie = String(page.headers['set-cookie']?.[0]);
    expect(setCookie).toMatch(
      new RegExp(`^kilowatch_session_${portOf(url)}=[\\w-]{43}; HttpOnly; SameSite=Strict; Path=/$`),
    );
    const cookie = setCookie.split(';')[0] as string;
    const stats = await post(url, 'stats.get', { cookie });
    expect(stats.status).toBe(200);
    expect(JSON.parse(stats.body)).toMatchObject({ ok: true });
    const now = Date.now();
    const node = encodeURIComponent((await coreTree(url))[0]?.id ?? 'none');
    const csv = await send(
      url,
      `/api/report.csv?node=${node}&from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now).toISOString()}`,
      { headers: { cookie } },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const ws = await upgrade(url, { cookie });
    expect(ws.status).toBe(101);
    expect(JSON.parse(await ws.first)).toMatchObject({ event: 'connection.state' });
    ws.ws?.close();
    // A client-side route falls back to the app, and signs in too; a missing file does not.
    expect((await send(url, '/history/room')).headers['set-cookie']).toHaveLength(1);
    const missing = await send(url, '/nothing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['set-cookie']).toBeUndefined();
  });

  it('accepts this start’s token from the 0600 file named at start-up, never printing it', async () => {
    const path = join(dir.path, 'api-token');
    await waitFor(() => headless.output().includes('API token'), 5000, 'the token line');
    expect(headless.output()).toContain(`API token for scripts (Authorization: Bearer …): in ${path}`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const token = readFileSync(path, 'utf8').trim();
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(headless.output()).not.toContain(token);
    const ok = await post(url, 'stats.get', { authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true });
    expect(await upgradeStatus(url, { authorization: `Bearer ${token}` })).toBe(101);
    const wrong = await post(url, 'stats.get', { authorization: `Bearer ${token.slice(1)}x` });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toBe('The Bearer token is not this console’s API token.');
  });

  it('sends the framing and sniffing headers on a page, an API reply and every refusal', async () => {
    const page = await send(url, '/');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expectFramingHeaders(page.headers);
    expectFramingHeaders((await send(url, '/nothing.js')).headers); // 404
    expectFramingHeaders((await post(url, 'stats.get', {})).headers); // 401
    expectFramingHeaders((await send(url, '/healthz', { headers: { host: 'evil.example' } })).headers); // 421
    expectFramingHeaders((await post(url, 'stats.get', { cookie: await pageCookie(url) })).headers); // 200
  });

  it('answers an 8 MiB body with 413, from Content-Length and while streaming, not a reset', async () => {
    const cookie = await pageCookie(url);
    const big = JSON.stringify({ pad: 'x'.repeat(8 * 1024 * 1024) });
    const declared = await send(url, '/api/stats.get', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({
      ok: false,
      error: { code: 'invalid-params', message: 'The request body is larger than 4194304 bytes.' },
    });
    const streamed = await send(url, '/api/stats.get', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: big,
      chunked: true,
    });
    expect(streamed.status).toBe(413);
    // fetch, as a script would send it, also reads the answer.
    const res = await fetch(`${url}/api/stats.get`, {
      ...json(),
      body: big,
      headers: { ...json().headers, cookie },
    });
    expect(res.status).toBe(413);
  });

  it('answers a NUL or a broken escape in the path with 400, and logs no stack trace', async () => {
    const before = headless.output().length;
    const nul = await send(url, '/assets/a%00b.js');
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body)).toMatchObject({
      error: { code: 'invalid-params', message: 'the request path contains a control character' },
    });
    expect((await send(url, '/%E0%A4%A')).status).toBe(400);
    expect((await send(url, '/api/stats.get%00', json())).status).toBe(400);
    // A raw NUL never becomes a request: Node's parser refuses it, with our headers too.
    const raw = await rawExchange(url, `GET /a\u0000b HTTP/1.1\r\nHost: 127.0.0.1:${portOf(url)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('x-frame-options: DENY');
    await expect((await fetch(`${url}/healthz`)).json()).resolves.toMatchObject({ db: 'ok' });
    const logged = headless.output().slice(before);
    expect(logged).not.toMatch(/\n\s+at /);
    expect(logged).not.toMatch(/failed|TypeError|ERR_/);
  });

  it('drops a request whose headers never finish, with 408 (headers timeout)', async () => {
    const started = Date.now();
    const raw = await rawExchange(url, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${portOf(url)}\r\nX-Slow: `);
    expect(raw).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('holds at most 32 event streams; the 33rd is refused with 503 until one closes', async () => {
    const cookie = await pageCookie(url);
    const open: WebSocket[] = [];
    try {
      for (let i = 0; i < 32; i++) {
        const outcome = await upgrade(url, { cookie });
        expect(outcome.status).toBe(101);
        if (outcome.ws) open.push(outcome.ws);
      }
      const extra = await upgrade(url, { cookie });
      expect(extra.status).toBe(503);
      expect(JSON.parse(extra.body).error.message).toMatch(/^32 event streams are open/);
      open.pop()?.close();
      // One attempt at a time: the slot frees once the server has seen the close.
      const deadline = Date.now() + 15_000;
      let again = await upgrade(url, { cookie });
      while (again.status !== 101 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        again = await upgrade(url, { cookie });
      }
      if (again.ws) open.push(again.ws);
      expect(again.status).toBe(101);
    } finally {
      for (const ws of open) ws.close();
    }
  });
});

/** Writes raw bytes and returns everything the server answered before closing. */
function rawExchange(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('with a token and names in kilowatch.toml', () => {
  const dir = tempDir('kw-bridge-config-');
  const CONFIG_TOKEN = 'config-token-0123456789abcdef';
  let headless: Headless;

  beforeAll(async () => {
    const config = join(dir.path, 'kilowatch.toml');
    writeFileSync(config, `[server]\ntoken = "${CONFIG_TOKEN}"\nhosts = ["kilowatch.test"]\n`, {
      mode: 0o600,
    });
    headless = await startHeadless(
      ['--demo', '--config', config, '--port', '0', '--db', join(dir.path, 'demo.db')],
      NO_TOKEN,
    );
  });
  afterAll(async () => {
    expect(await headless?.stop()).toBe(0);
    dir.remove();
  });

  it('accepts the configured token and writes no token file', async () => {
    const reply = await post(headless.url, 'stats.get', { authorization: `Bearer ${CONFIG_TOKEN}` });
    expect(reply.status).toBe(200);
    expect(existsSync(join(dir.path, 'api-token'))).toBe(false);
    await waitFor(() => headless.output().includes('API token'), 5000, 'the token line');
    expect(headless.output()).toContain('API token: from [server] token');
    expect(headless.output()).not.toContain(CONFIG_TOKEN);
  });

  it('answers to a name listed in [server] hosts, with or without the port', async () => {
    const port = portOf(headless.url);
    for (const host of [`kilowatch.test:${port}`, 'kilowatch.test']) {
      const reply = await post(headless.url, 'stats.get', { host, authorization: `Bearer ${CONFIG_TOKEN}` });
      expect(reply.status, host).toBe(200);
    }
    expect((await send(headless.url, '/healthz', { headers: { host: `other.test:${port}` } })).status).toBe(
      421,
    );
  });
});

describe('a [server] token in a kilowatch.toml others can read', () => {
  const dir = tempDir('kw-bridge-open-config-');
  afterAll(() => dir.remove());

  it('is refused at start: one line naming the file, its mode and the chmod', async () => {
    const config = join(dir.path, 'kilowatch.toml');
    writeFileSync(config, `[server]\ntoken = "config-token-0123456789abcdef"\n`, { mode: 0o644 });
    chmodSync(config, 0o644);
    const run = await runHeadless(
      ['--demo', '--config', config, '--port', '0', '--db', join(dir.path, 'demo.db')],
      30_000,
      NO_TOKEN,
    );
    expect(run.code).toBe(1);
    expect(run.output.trim()).toBe(
      `kilowatch: ${config} holds [server] token but is readable by other users (mode 644). ` +
        `Run: chmod 600 ${config} (or pass the token in KILOWATCH_TOKEN instead).`,
    );
    expect(run.output).not.toContain('config-token-0123456789abcdef');
  });
});

describe('shared on the network (--host 0.0.0.0)', () => {
  const dir = tempDir('kw-bridge-lan-');

  afterAll(() => dir.remove());

  it('refuses to start without a token: one line, non-zero exit, the fix', async () => {
    const r = await runHeadless(
      ['--demo', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'refused.db')],
      30_000,
      NO_TOKEN,
    );
    expect(r.code).toBe(1);
    expect(r.output.trim().split('\n')).toEqual([
      'kilowatch: refusing to listen on 0.0.0.0 without an access token: anyone on the network could switch relays. ' +
        'Set KILOWATCH_TOKEN (e.g. KILOWATCH_TOKEN=$(openssl rand -hex 32)) or [server] token in kilowatch.toml, ' +
        'or keep the console on this machine with --host 127.0.0.1 and no [server] hosts.',
    ]);
    expect(existsSync(join(dir.path, 'refused.db'))).toBe(false);
  });

  it('refuses a token too short to resist guessing', async () => {
    const r = await runHeadless(
      ['--demo', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'short.db')],
      30_000,
      { KILOWATCH_TOKEN: 'hunter2' },
    );
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe(
      'kilowatch: KILOWATCH_TOKEN must be at least 16 characters without spaces (e.g. the output of: openssl rand -hex 32).',
    );
  });

  describe('with KILOWATCH_TOKEN', () => {
    let headless: Headless;
    let url: string;

    beforeAll(async () => {
      headless = await startHeadless(
        ['--demo', '--host', '0.0.0.0', '--port', '0', '--db', join(dir.path, 'lan.db')],
        { KILOWATCH_TOKEN: ENV_TOKEN },
      );
      url = headless.url.replace('0.0.0.0', '127.0.0.1');
    });
    afterAll(async () => {
      expect(await headless?.stop()).toBe(0);
    });

    it('gives the page no session without signing in: / goes to /login', async () => {
      await waitFor(() => headless.output().includes('API token: from'), 5000, 'the token line');
      expect(headless.output()).toContain('API token: from KILOWATCH_TOKEN; browsers sign in at /login');
      expect(headless.output()).not.toContain(ENV_TOKEN);
      const page = await send(url, '/');
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe('/login');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect((await send(url, '/assets/index.js')).status).toBe(303);
      expect((await post(url, 'stats.get', {})).status).toBe(401);
      expect(await upgradeStatus(url, {})).toBe(401);
      const form = await send(url, '/login');
      expect(form.status).toBe(200);
      expect(form.body).toContain('<form method="post" action="/login">');
      expect(String(form.headers['content-security-policy'])).toContain("form-action 'self'");
      // Under no-referrer a browser would post the form with `Origin: null`.
      expect(form.headers['referrer-policy']).toBe('same-origin');
      expectFramingHeaders({ ...form.headers, 'referrer-policy': 'no-referrer' });
    });

    it('accepts the token as Bearer on the API and the WebSocket', async () => {
      const reply = await post(url, 'stats.get', { authorization: `Bearer ${ENV_TOKEN}` });
      expect(reply.status).toBe(200);
      expect(await upgradeStatus(url, { authorization: `Bearer ${ENV_TOKEN}` })).toBe(101);
      expect(existsSync(join(dir.path, 'api-token'))).toBe(false);
    });

    it('signs a browser in through the login form, and the cookie then works', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const wrong = await send(url, '/login', {
        method: 'POST',
        headers: form,
        body: 'token=guess-guess-guess-1',
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('That is not the access token of this console.');
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const right = await send(url, '/login', {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({ token: ENV_TOKEN }).toString(),
      });
      expect(right.status).toBe(303);
      expect(right.headers.location).toBe('/');
      const cookie = String(right.headers['set-cookie']?.[0]).split(';')[0] as string;
      expect(cookie).toMatch(new RegExp(`^kilowatch_session_${portOf(url)}=`));
      const page = await send(url, '/', { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect((await post(url, 'stats.get', { cookie })).status).toBe(200);
      expect(await upgradeStatus(url, { cookie })).toBe(101);
    });

    it('stops looking at tokens from an address after 10 wrong ones in a minute', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      // One wrong login came from the test before; nine more fill the window.
      for (let i = 0; i < 9; i++) {
        const r = await send(url, '/login', {
          method: 'POST',
          headers: form,
          body: `token=guess-${i}-0123456789`,
        });
        expect(r.status).toBe(401);
      }
      const locked = await send(url, '/login', {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({ token: ENV_TOKEN }).toString(),
      });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(locked.headers['set-cookie']).toBeUndefined();
      // The right Bearer token is not looked at either while the address is locked out.
      const bearer = await post(url, 'stats.get', { authorization: `Bearer ${ENV_TOKEN}` });
      expect(bearer.status).toBe(429);
    });
  });
});

describe('a console reached under other names, or with a token on loopback', () => {
  const dir = tempDir('kw-bridge-names-');
  afterAll(() => dir.remove());

  it('refuses [server] hosts without a token: a reverse proxy on this machine forwards everyone from 127.0.0.1', async () => {
    const config = join(dir.path, 'hosts.toml');
    writeFileSync(config, `[server]\nhosts = ["kilowatch.lan"]\n`, { mode: 0o600 });
    const r = await runHeadless(
      ['--demo', '--config', config, '--port', '0', '--db', join(dir.path, 'hosts.db')],
      30_000,
      NO_TOKEN,
    );
    expect(r.code).toBe(1);
    expect(r.output.trim()).toMatch(
      /^kilowatch: refusing to listen on 127\.0\.0\.1 \(also as kilowatch\.lan\) without an access token/,
    );
  });

  describe('with KILOWATCH_TOKEN on loopback (a PC several people log in to)', () => {
    let headless: Headless;
    beforeAll(async () => {
      headless = await startHeadless(['--demo', '--port', '0', '--db', join(dir.path, 'token.db')], {
        KILOWATCH_TOKEN: ENV_TOKEN,
      });
    });
    afterAll(async () => {
      expect(await headless?.stop()).toBe(0);
    });

    it('hands no session to whoever loads the page: it asks for the token', async () => {
      const page = await send(headless.url, '/');
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe('/login');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect((await post(headless.url, 'stats.get', {})).status).toBe(401);
    });

    it('counts parallel wrong guesses: at most 10 are looked at', async () => {
      // Thirty sign-ins whose headers all arrive before any body: each passes the first lockout
      // check while nothing has failed yet, so only a check after the body can stop them.
      const port = Number(portOf(headless.url));
      const sockets = await Promise.all(
        Array.from(
          { length: 30 },
          (_, i) =>
            new Promise<{ socket: Socket; body: string; answer: Promise<string> }>((ready) => {
              const body = `token=parallel-guess-${i}-0123`;
              const socket = connect(port, '127.0.0.1', () => {
                socket.write(
                  `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
                    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
                );
                ready({ socket, body, answer });
              });
              let got = '';
              const answer = new Promise<string>((done) => {
                socket.on('data', (d: Buffer) => (got += d.toString()));
                socket.on('close', () => done(got));
              });
            }),
        ),
      );
      // The window the race needs: every handler is waiting for its body.
      await new Promise((r) => setTimeout(r, 300));
      for (const { socket, body } of sockets) socket.write(body);
      const statuses = (await Promise.all(sockets.map((s) => s.answer))).map((a) =>
        Number(/^HTTP\/1\.1 (\d+)/.exec(a)?.[1]),
      );
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    });
  });
});

describe('an event client that stops reading', () => {
  let server: Server;
  let wss: WebSocketServer;
  const logged: string[] = [];
  const broadcast = createBroadcast({
    maxClients: 4,
    maxBufferedBytes: 256 * 1024,
    log: (m) => logged.push(m),
  });
  const serverSide: WebSocket[] = [];

  beforeAll(async () => {
    server = createServer();
    wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        serverSide.push(ws);
        broadcast.add(ws);
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    broadcast.closeAll();
    wss.close();
    await new Promise((r) => server.close(r));
  });

  it('is dropped once its unsent events pass the bound; a reading client gets every event', async () => {
    const { port } = server.address() as AddressInfo;
    const reader = new WebSocket(`ws://127.0.0.1:${port}/`);
    let read = 0;
    reader.on('message', () => read++);
    await new Promise((r) => reader.once('open', r));
    // A client that completes the handshake and then never reads again.
    const stalled = connect(port, '127.0.0.1');
    stalled.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.alloc(16, 7).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise((r) => stalled.once('data', r));
    stalled.pause();
    await waitFor(() => serverSide.length === 2, 5000, 'both clients');
    const slow = serverSide[1] as WebSocket;

    const event = 'e'.repeat(64 * 1024);
    let sent = 0;
    while (slow.readyState === WebSocket.OPEN && sent < 2000) {
      broadcast.send(event);
      sent++;
      await new Promise((r) => setImmediate(r));
    }
    expect(slow.readyState).not.toBe(WebSocket.OPEN);
    expect(sent).toBeLessThan(2000);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(
      /^dropped an event client that stopped reading \(\d+ bytes waiting, limit 262144\)$/,
    );
    await waitFor(() => read === sent, 10_000, 'the reading client to get every event');
    expect(read).toBe(sent);
    expect(reader.readyState).toBe(WebSocket.OPEN);
    reader.close();
    stalled.destroy();
  });
});
