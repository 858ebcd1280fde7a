/**
 * The core's worker thread from the main thread's side (src/main/worker/core-host.ts), on the
 * built worker entry: start-up failures come back as the same Result the console on this thread
 * gives, commands are validated in the worker, the desktop app's secrets are kept by the main
 * thread (Electron's safeStorage lives there), and closing saves and ends the thread.
 *
 * Needs the build: `npx electron-vite build` (npm test builds before running vitest).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../../src/shared/result';
import type { SecretStore } from '../../src/main/core/broker/secret-store';
import { CoreHost } from '../../src/main/worker/core-host';
import { tempDir } from '../support/temp-dir';
import { BUILT_WORKER, requireBuiltWorker, startWorkerHost, workerOpenOptions } from '../support/worker-host';

/** What the desktop app's safeStorage store would hold, in memory. */
function memorySecrets(): SecretStore & { held: Map<string, string> } {
  const held = new Map<string, string>();
  return {
    held,
    get: (name) => Promise.resolve(ok(held.get(name))),
    set: (name, value) => Promise.resolve(ok(void held.set(name, value))),
    delete: (name) => Promise.resolve(ok(void held.delete(name))),
  };
}

const logs: string[] = [];
const log = (message: string) => void logs.push(message);
let dir: ReturnType<typeof tempDir>;
let host: CoreHost | null = null;

beforeAll(requireBuiltWorker);

afterEach(async () => {
  await host?.close();
  host = null;
  dir?.remove();
  logs.length = 0;
});

describe('the core on its worker thread', () => {
  it('a database that cannot be opened is the same one failure as on this thread', async () => {
    dir = tempDir('kw-core-host-');
    const file = join(dir.path, 'not-a-folder');
    mkdirSync(file);
    const started = await startWorkerHost(file, log);
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error.code).toBe('storage-unavailable');
    expect(started.error.message).toContain(file);
  });

  it('validates commands in the worker and answers in the contract’s shapes', async () => {
    dir = tempDir('kw-core-host-');
    const started = await startWorkerHost(join(dir.path, 'kw.db'), log);
    if (!started.ok) throw new Error(started.error.message);
    host = started.value;
    expect(await host.invoke('no.such', {})).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'Unknown command "no.such".' },
    });
    const bad = await host.invoke('relay.set', { channel: 7 });
    expect(bad.ok ? null : bad.error.code).toBe('invalid-params');
    const status = await host.invoke('connection.status', {});
    expect(status).toEqual({ ok: true, value: host.connectionState() });
    expect(host.connectionState().status).toBe('disconnected');
    expect((await host.health()).db).toBe('ok');
  });

  it('keeps a saved profile’s password with the main thread’s secret store, never in the profiles file', async () => {
    dir = tempDir('kw-core-host-');
    const secrets = memorySecrets();
    const started = await CoreHost.start({
      open: workerOpenOptions(join(dir.path, 'kw.db'), {
        profiles: { dir: dir.path, secrets: 'main-thread', passwordFromEnv: false },
      }),
      secrets,
      log,
      workerPath: BUILT_WORKER,
    });
    if (!started.ok) throw new Error(started.error.message);
    host = started.value;
    const saved = await host.invoke('connection.save', {
      profile: { name: 'site', url: 'mqtt://127.0.0.1:1', username: 'meter', password: 's3cret-pw' },
      activate: false,
    });
    expect(saved).toEqual({ ok: true, value: { name: 'site' } });
    expect([...secrets.held]).toEqual([['broker/site/password', 's3cret-pw']]);
    expect(existsSync(join(dir.path, 'secrets.json'))).toBe(false);
  });

  it('closing saves, ends the thread, and later commands are told Kilowatch is shutting down', async () => {
    dir = tempDir('kw-core-host-');
    const started = await startWorkerHost(join(dir.path, 'kw.db'), log);
    if (!started.ok) throw new Error(started.error.message);
    const closing = started.value;
    expect(await closing.close()).toBe(true);
    expect(await closing.invoke('connection.status', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Kilowatch is shutting down.' },
    });
    expect(closing.restarts).toBe(0);
    expect(logs).toEqual([]);
  });

  it('what a worker posts without encoding it never reaches a front end', async () => {
    dir = tempDir('kw-core-host-');
    // A worker with a bug: a stats.get reply and events posted as objects, not as the contract
    // JSON the real worker checks and encodes (encode.ts; the check itself: worker-encode.test.ts),
    // then a well-formed frame, so the test knows when the bad ones would have arrived.
    const fake = join(dir.path, 'buggy-worker.js');
    writeFileSync(
      fake,
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (m) => {
         if (m.type !== 'invoke') return;
         parentPort.postMessage({ type: 'event', message: { event: 'totals.live', payload: { ts: 'soon', nodes: 3 } } });
         parentPort.postMessage({ type: 'event', event: 'no.such', frame: '{}' });
         const frame = new TextEncoder().encode(JSON.stringify({ event: 'totals.live', payload: { ts: '2026-01-01T00:00:00.000Z', nodes: [] } }));
         parentPort.postMessage({ type: 'event', event: 'totals.live', frame }, [frame.buffer]);
         parentPort.postMessage({ type: 'reply', id: m.id, ok: true, result: { ok: true, value: { received: 'many' } } });
       });
       parentPort.postMessage({ type: 'opened' });`,
    );
    const started = await CoreHost.start({
      open: workerOpenOptions(join(dir.path, 'kw.db')),
      log,
      workerPath: fake,
      closeTimeoutMs: 300,
    });
    if (!started.ok) throw new Error(started.error.message);
    const buggy = started.value;
    const heard: unknown[] = [];
    const frames: string[] = [];
    buggy.on((message) => heard.push(message));
    buggy.onEncoded((frame) => frames.push(new TextDecoder().decode(frame)));
    expect(await buggy.invoke('stats.get', {})).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Kilowatch hit an internal error while running stats.get. It has been logged.',
      },
    });
    expect(heard).toEqual([{ event: 'totals.live', payload: { ts: '2026-01-01T00:00:00.000Z', nodes: [] } }]);
    expect(frames).toEqual([
      '{"event":"totals.live","payload":{"ts":"2026-01-01T00:00:00.000Z","nodes":[]}}',
    ]);
    expect(logs).toEqual([
      'dropped an event the counting engine did not encode',
      'dropped an event the counting engine did not encode',
      'the reply to stats.get was not encoded by the counting engine',
    ]);
    // It never answers close either: it is ended after the timeout, and said not to have saved.
    expect(await buggy.close()).toBe(false);
    expect(logs.at(-1)).toBe('the counting engine did not finish saving within 300 ms; ending it');
  });

  it('relays a reply as the bytes the worker encoded, the same value invoke decodes', async () => {
    dir = tempDir('kw-core-host-');
    const started = await startWorkerHost(join(dir.path, 'kw.db'), log);
    if (!started.ok) throw new Error(started.error.message);
    host = started.value;
    const bytes = await host.invokeEncoded('site.tree', {});
    expect(new TextDecoder().decode(bytes)).toBe('{"ok":true,"value":{"nodes":[],"totals":[],"sensors":[]}}');
    expect(await host.invoke('site.tree', {})).toEqual({
      ok: true,
      value: { nodes: [], totals: [], sensors: [] },
    });
    const refused = await host.invokeEncoded('site.tree', { extra: 1 });
    expect(JSON.parse(new TextDecoder().decode(refused))).toMatchObject({
      ok: false,
      error: { code: 'invalid-params' },
    });
  });
});
