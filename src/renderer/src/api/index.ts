import { createIpcApi } from './ipc';
import { takeEarlyStream } from './early-stream';
import type { Transport } from './transport';
import { createWebApi } from './web';

export type { Transport, TransportNotice } from './transport';

/** Inside Electron the preload has set `window.kilowatch`; in a browser we talk to the bridge. */
export const api: Transport = window.kilowatch
  ? createIpcApi(window.kilowatch)
  : createWebApi(window.location, takeEarlyStream());
