/**
 * Binds the contract to ipcMain: one handler per command, each checking that the sender is our own
 * page (Electron advisory GHSA-mq8j-3h7h-p8g7: validate senderFrame) before the params are
 * validated and the core is called. Takes ipcMain as a parameter so it is testable without Electron.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { COMMAND_NAMES, type Caller } from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';
import { dispatch, type CommandHandlers, type Logger } from '../core/dispatch';

export const commandChannel = (name: string): string => `kw:${name}`;
export const EVENT_CHANNEL = 'kw:event';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Runs a command wherever the core is (ConsoleApi.invoke): params are validated there. */
export type CommandInvoke = (
  name: string,
  params: unknown,
  caller: Caller,
) => Promise<Result<unknown, ApiError>>;

/**
 * `core` is the core's invoke (the app: its worker thread, see core-host.ts), or the handlers of
 * a console on this thread (tests, the bench's stand-in), which are dispatched here.
 */
export function bindIpc(
  ipcMain: IpcMainLike,
  core: CommandHandlers | CommandInvoke,
  isTrustedUrl: (url: string) => boolean,
  log: Logger,
): () => void {
  const invoke: CommandInvoke =
    typeof core === 'function' ? core : (name, params, caller) => dispatch(core, name, params, log, caller);
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event, params): Promise<Result<unknown, ApiError>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        log(`refused ${name} from untrusted frame ${url}`);
        return err('invalid-params', 'This command is only accepted from the Kilowatch window.');
      }
      // Each window is a session of its own: a PIN unlock in one does not unlock another.
      return invoke(name, params, { via: 'ipc', session: `window:${event.sender.id}`, user: null });
    });
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name));
  };
}
