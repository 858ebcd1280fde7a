/**
 * Exposes exactly the contract as window.kilowatch, nothing else (never raw ipcRenderer).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventMessage, KilowatchApi } from '../shared/contract';

const api = {
  invoke: (command, params) => ipcRenderer.invoke(`kw:${command}`, params),
  on: (event, listener) => {
    const forward = (_e: IpcRendererEvent, message: EventMessage) => {
      if (message.event === event) listener(message.payload as never);
    };
    ipcRenderer.on('kw:event', forward);
    return () => ipcRenderer.removeListener('kw:event', forward);
  },
} satisfies KilowatchApi;

contextBridge.exposeInMainWorld('kilowatch', api);
