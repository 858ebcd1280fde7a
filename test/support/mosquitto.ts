/**
 * A private Mosquitto for a test run: a free loopback port the OS hands out, a generated config
 * in a temp folder, stopped by its PID. Never the system service, never a fixed port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mosquitto {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function waitForPort(
  port: number,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`mosquitto exited (${child.exitCode}): ${log()}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`mosquitto did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** `extraConfig` lines are appended to the listener section (auth, TLS, ACL…). */
export async function startMosquitto(extraConfig: string[] = []): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // Debian's defaults silently drop a fast QoS 0 burst; tests must never lose messages.
      'max_queued_messages 0',
      'max_inflight_messages 0',
      `listener ${port} 127.0.0.1`,
      ...(extraConfig.some((l) => l.startsWith('allow_anonymous')) ? [] : ['allow_anonymous true']),
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, child, () => stderr);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        process.kill(child.pid as number, 'SIGTERM');
      }),
  };
}
