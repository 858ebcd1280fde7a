/** Runs the built headless console (`out/main/headless.js`) as its own process, as users do. */
import { spawn, type ChildProcess } from 'node:child_process';
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
): Promise<{ code: number | null; output: string }> {
  assertBuilt();
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [HEADLESS_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

export async function api(
  url: string,
  command: string,
  params: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
