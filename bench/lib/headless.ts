/**
 * The built headless console (`out/main/headless.js`) as its own process, as users run it, with
 * the probes the bench needs: /healthz, the contract over HTTP, the event WebSocket, and the
 * process's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { assertBuilt, fetchSignedIn, HEADLESS_ENTRY, sessionCookie } from '../../test/support/headless';

export interface RunningHeadless {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts it now (no waiting): `--port` must be a fixed free port so it can be probed at once. */
export function spawnHeadless(
  args: string[],
  port: number,
  cwd: string,
  nodeArgs: string[] = [],
  onOutput?: (text: string) => void,
): RunningHeadless {
  assertBuilt();
  // cwd is a scratch folder: a kilowatch.toml in the repository must not change what is measured.
  // BENCH_HEADLESS_NODE_ARGS tries V8 flags on the console without a code change (e.g.
  // "--max-old-space-size=128" for the memory scenario); the results then say so in `command`.
  const extra = (process.env.BENCH_HEADLESS_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...extra, ...nodeArgs, HEADLESS_ENTRY, ...args, '--port', String(port)],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (d: Buffer) => {
    const text = d.toString();
    output = (output + text).slice(-8000);
    onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          done(code);
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function healthz(url: string): Promise<{ broker: string; db: string } | null> {
  try {
    const res = await fetch(`${url}/healthz`);
    return (await res.json()) as { broker: string; db: string };
  } catch (e) {
    if (e instanceof TypeError) return null; // not listening yet
    throw e;
  }
}

export async function command<T>(url: string, name: string, params: unknown = {}): Promise<T> {
  const res = await fetchSignedIn(url, `/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message ?? res.status}`);
  return body.value as T;
}

export interface Stats {
  received: number;
  applied: number;
  devices: number;
  channels: number;
  rejected: Record<string, number>;
}

/** Polls `check` every `intervalMs` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves with the time (performance.now()) the first event named `event` arrives. */
export async function firstEvent(
  url: string,
  event: string,
  timeoutMs: number,
): Promise<{ atMs: number; ws: WebSocket }> {
  // The event stream is for the console page: its session cookie, as a browser would send it.
  const cookie = await sessionCookie(url);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers: { cookie } });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { event: string };
      if (message.event !== event) return;
      clearTimeout(timer);
      resolve({ atMs: performance.now(), ws });
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
