/**
 * The IPC adapter, bound to a stand-in for ipcMain (Electron's binary is not needed to test what
 * the binding does): invalid params come back as `invalid-params` naming the field, untrusted
 * frames are refused, and thrown bugs become `internal`.
 */
import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES } from '../../src/shared/contract';
import { ok } from '../../src/shared/result';
import type { CommandHandlers } from '../../src/main/core/dispatch';
import { bindIpc, commandChannel, type IpcMainLike } from '../../src/main/electron/ipc';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = (channel: string, url: string, params: unknown, windowId = 1) => {
    const listener = handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(
      { senderFrame: { url }, sender: { id: windowId } } as unknown as IpcMainInvokeEvent,
      params,
    );
  };
  return { ipc, handlers, invoke };
}

const calls: string[] = [];
const callers: unknown[] = [];
const handlers = new Proxy({} as CommandHandlers, {
  get: (_t, name: string) => (params: unknown, caller: unknown) => {
    calls.push(`${name} ${JSON.stringify(params)}`);
    callers.push(caller);
    if (name === 'stats.get') throw new Error('a bug');
    return ok({ device: 'device:x', path: ['A', 'B', 'C'] });
  },
});
const TRUSTED = 'file:///app/out/renderer/index.html';
const logs: string[] = [];
const log = (m: string) => void logs.push(m);

describe('the IPC binding', () => {
  it('registers one handler per contract command and removes them all', () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    const unbind = bindIpc(ipc, handlers, (url) => url === TRUSTED, log);
    expect([...registered.keys()].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
    unbind();
    expect(registered.size).toBe(0);
  });

  it('answers invalid params with invalid-params naming the field, without calling the core', async () => {
    const { ipc, invoke } = fakeIpcMain();
    bindIpc(ipc, handlers, (url) => url === TRUSTED, log);
    calls.length = 0;
    const reply = await invoke('kw:site.assign', TRUSTED, {
      device: 'shellyplus1pm-a8032ab1c2d3',
      path: ['Aurora', 'Lisbon'],
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect((reply as { error: { message: string } }).error.message).toMatch(/^path/);
    const hostile = await invoke('kw:site.rename', TRUSTED, { node: 'room:A/B/C', name: 'x/../#' });
    expect(hostile).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect((hostile as { error: { message: string } }).error.message).toMatch(/^name/);
    expect(calls).toEqual([]);
  });

  it('passes valid params, parsed, to the core', async () => {
    const { ipc, invoke } = fakeIpcMain();
    bindIpc(ipc, handlers, (url) => url === TRUSTED, log);
    calls.length = 0;
    const reply = await invoke('kw:site.assign', TRUSTED, {
      device: 'shellyplus1pm-a8032ab1c2d3',
      path: ['Aurora', 'Lisbon', 'Sala\u0303o'],
    });
    expect(reply).toMatchObject({ ok: true });
    // NFC normalisation happens at the boundary: the core sees one spelling of Salão.
    expect(calls).toEqual([
      `site.assign {"device":"shellyplus1pm-a8032ab1c2d3","path":["Aurora","Lisbon","Salão"]}`,
    ]);
  });

  it('tells the core which window asks, each window a session of its own (its own PIN unlock)', async () => {
    const { ipc, invoke } = fakeIpcMain();
    bindIpc(ipc, handlers, (url) => url === TRUSTED, log);
    callers.length = 0;
    await invoke('kw:access.status', TRUSTED, {}, 3);
    await invoke('kw:access.status', TRUSTED, {}, 7);
    expect(callers).toEqual([
      { via: 'ipc', session: 'window:3', user: null },
      { via: 'ipc', session: 'window:7', user: null },
    ]);
  });

  it('refuses commands from a frame that is not our own page', async () => {
    const { ipc, invoke } = fakeIpcMain();
    bindIpc(ipc, handlers, (url) => url === TRUSTED, log);
    calls.length = 0;
    const reply = await invoke('kw:stats.get', 'https://evil.example/', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(calls).toEqual([]);
  });

  it('turns a thrown bug into an internal error reply and logs it', async () => {
    const { ipc, invoke } = fakeIpcMain();
    bindIpc(ipc, handlers, (url) => url === TRUSTED, log);
    logs.length = 0;
    const reply = await invoke('kw:stats.get', TRUSTED, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logs.some((l) => l.includes('stats.get'))).toBe(true);
  });
});
