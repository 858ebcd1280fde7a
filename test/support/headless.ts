/** Runs the built headless console (`out/main/headless.js`) as its own process, as users do. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type IncomingHttpHeaders } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const HEADLESS_ENTRY = resolve(__dirname, '../../out/main/headless.js');

export interface Headless {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function assertBuilt(): void {
  if (!existsSync(HEADLESS_ENTRY))
    throw new Error(`${HEADLESS_ENTRY} is missing: run \`npm run build\` first.`);
}

/** Starts it and resolves with its URL once it prints that it is running. */
export function startHeadless(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
): Promise<Headless> {
  assertBuilt();
  const child = spawn(process.execPath, [HEADLESS_ENTRY, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
      child.once('exit', (code) => done(code));
      child.kill(signal);
    });
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`headless did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const m = /Kilowatch is running at (http:\/\/\S+?)\/?\s/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolveStart({ url: m[1] as string, child, output: () => output, stop });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless exited with ${code}:\n${output}`));
    });
  });
}

/** Runs it to completion (for start-up failures) and returns its exit code and output. */
export function runHeadless(
  args: string[],
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  assertBuilt();
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [HEADLESS_ENTRY, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`headless did not exit in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

/**
 * The `Cookie` header a browser would send after opening the console page: the bridge signs in
 * whoever loads its page on loopback, and refuses the API to anyone else. Not cached: a console
 * restarted on the same port has a new session.
 */
export async function sessionCookie(url: string): Promise<string> {
  const res = await fetch(`${url}/`);
  await res.arrayBuffer();
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`${url}/ answered ${res.status} without a session cookie`);
  return cookie;
}

/** The session each console URL's helpers share, so a polling test does not sign in per call. */
const sharedCookies = new Map<string, string>();

/**
 * fetch() on the bridge as the console page would: with a session cookie, kept for the URL and
 * renewed once when refused (a console restarted on the same port has new sessions).
 */
export async function fetchSignedIn(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  const attempt = async (cookie: string) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    return fetch(`${url}${path}`, { ...init, headers });
  };
  let cookie = sharedCookies.get(url);
  if (cookie) {
    const res = await attempt(cookie);
    if (res.status !== 401) return res;
    await res.arrayBuffer();
  }
  cookie = await sessionCookie(url);
  sharedCookies.set(url, cookie);
  return attempt(cookie);
}

export async function api(
  url: string,
  command: string,
  params: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetchSignedIn(url, `/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly the headers given (fetch would not let Host be chosen). */
export function send(
  url: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunked?: boolean;
  } = {},
): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.chunked && options.body) {
      // Streamed in pieces with no Content-Length: only counting while reading can stop it.
      const body = Buffer.from(options.body);
      for (let at = 0; at < body.length; at += 256 * 1024) req.write(body.subarray(at, at + 256 * 1024));
      req.end();
    } else req.end(options.body);
  });
}
