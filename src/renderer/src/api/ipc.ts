import type { KilowatchApi } from '../../../shared/contract';
import { createNotices, type Transport } from './transport';
import { checkEvent, checkReply } from './validate';

/** The Electron preload's `window.kilowatch`, with the renderer's own checks on what comes back. */
export function createIpcApi(bridge: KilowatchApi): Transport {
  const notices = createNotices();
  return {
    kind: 'ipc',
    async invoke(command, params) {
      let body: unknown;
      try {
        body = await bridge.invoke(command, params);
      } catch (error) {
        // ipcRenderer.invoke rejects only when the main process has no handler or crashed in it.
        return {
          ok: false,
          error: { code: 'internal', message: 'The Kilowatch core did not answer', detail: String(error) },
        };
      }
      const checked = checkReply(command, body);
      if (checked.rejected) notices.emit({ kind: 'rejected', reason: checked.rejected });
      return checked.reply;
    },
    on(event, listener) {
      return bridge.on(event, (payload) => {
        const checked = checkEvent(event, payload);
        if (checked.ok) listener(checked.value);
        else notices.emit({ kind: 'rejected', reason: checked.error });
      });
    },
    onNotice: notices.on,
  };
}
