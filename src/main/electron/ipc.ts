/**
 * Binds the contract to ipcMain: one handler per command, each checking that the sender is our own
 * page (Electron advisory GHSA-mq8j-3h7h-p8g7: validate senderFrame) before the params are
 * validated and the core is called. Takes ipcMain as a parameter so it is testable without Electron.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES, type EventMessage } from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';
import { dispatch, type CommandHandlers, type Logger } from '../core/dispatch';

export const commandChannel = (name: string): string => `kw:${name}`;
export const EVENT_CHANNEL = 'kw:event';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export function bindIpc(
  ipcMain: IpcMainLike,
  handlers: CommandHandlers,
  isTrustedUrl: (url: string) => boolean,
  log: Logger,
): () => void {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event, params): Promise<Result<unknown, ApiError>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        log(`refused ${name} from untrusted frame ${url}`);
        return err('invalid-params', 'This command is only accepted from the Kilowatch window.');
      }
      return dispatch(handlers, name, params, log);
    });
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name));
  };
}

export type EventSender = (channel: string, message: EventMessage) => void;
