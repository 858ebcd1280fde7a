import type { CommandName, CommandReply, KilowatchBridge } from '../../../shared/contract';
import { createEventFrames } from './event-frames';
import { createNotices, type Transport } from './transport';
import { checkReply } from './validate';

/** The Electron preload's `window.kilowatch`, with the renderer's own checks on what comes back. */
export function createIpcApi(bridge: KilowatchBridge): Transport {
  const notices = createNotices();
  // One relay from the preload for every listener; each frame is parsed once (event-frames.ts).
  const frames = createEventFrames(notices.emit, () => bridge.onFrame(frames.dispatch));
  return {
    kind: 'ipc',
    async invoke<C extends CommandName>(command: C, params: unknown): Promise<CommandReply<C>> {
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
    on: frames.on,
    onNotice: notices.on,
  };
}
