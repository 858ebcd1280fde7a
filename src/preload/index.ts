/**
 * Exposes exactly the contract as window.kilowatch, nothing else (never raw ipcRenderer): commands,
 * and events as their frames' text, which the renderer checks (renderer/api/ipc.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { KilowatchBridge } from '../shared/contract';

const decoder = new TextDecoder();

const api = {
  invoke: (command, params) => ipcRenderer.invoke(`kw:${command}`, params),
  onFrame: (listener) => {
    // The main process sends a frame's UTF-8 bytes; anything else goes on as it is, for the
    // renderer's check to refuse by name.
    const forward = (_e: IpcRendererEvent, frame: unknown) =>
      listener(frame instanceof Uint8Array ? decoder.decode(frame) : frame);
    ipcRenderer.on('kw:event', forward);
    return () => ipcRenderer.removeListener('kw:event', forward);
  },
} satisfies KilowatchBridge;

contextBridge.exposeInMainWorld('kilowatch', api);
