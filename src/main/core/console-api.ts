/**
 * What the adapters (the HTTP/WebSocket bridge, Electron IPC) need of the core, so they can hold
 * either the console in this thread (tests, one-shot CLI work) or the one on the worker thread
 * (src/main/worker/core-host.ts) without knowing which.
 */
import type {
  Caller,
  ConnectionProfile,
  ConnectionState,
  EventMessage,
  EventName,
} from '../../shared/contract';
import type { ApiError, Result } from '../../shared/result';
import type { KilowatchConsole } from './console';
import { dispatch, type Logger } from './dispatch';

export type ConsoleHealth = ReturnType<KilowatchConsole['health']>;

export interface ConsoleApi {
  /**
   * Runs a contract command; the params are validated where the core runs. `caller` is who asks,
   * as the adapter knows it (a window, a bridge session); without one, LOCAL_CALLER.
   */
  invoke(command: string, params: unknown, caller?: Caller): Promise<Result<unknown, ApiError>>;
  /**
   * The same, its Result already encoded as contract JSON (UTF-8): what the bridge sends. A large
   * reply (a 10,000-device site.tree is ~7 MB) is then never decoded and encoded again here.
   */
  invokeEncoded(command: string, params: unknown, caller?: Caller): Promise<Uint8Array>;
  on(listener: (message: EventMessage) => void): () => void;
  /** Events as their WebSocket frames, `{"event":…,"payload":…}` in UTF-8. */
  onEncoded(listener: (frame: Uint8Array, event: EventName) => void): () => void;
  health(): Promise<ConsoleHealth>;
  /** The last connection state the core reported (the event stream's first message). */
  connectionState(): ConnectionState;
  /** Resolves with the first failure, if any (reconnecting goes on). */
  connect(profile: ConnectionProfile): Promise<ApiError | null>;
  /** Saves what is pending and leaves the broker; false when some readings could not be saved. */
  close(): Promise<boolean>;
}

/** The console on this thread, behind the same interface as the worker's. */
export function inProcessConsole(core: KilowatchConsole, log: Logger, onClose?: () => void): ConsoleApi {
  const encoder = new TextEncoder();
  const invoke = (command: string, params: unknown, caller?: Caller) =>
    dispatch(core.handlers, command, params, log, caller);
  return {
    invoke,
    invokeEncoded: async (command, params, caller) =>
      encoder.encode(JSON.stringify(await invoke(command, params, caller))),
    on: (listener) => core.on(listener),
    onEncoded: (listener) =>
      core.on((message) => listener(encoder.encode(JSON.stringify(message)), message.event)),
    health: () => Promise.resolve(core.health()),
    connectionState: () => core.connectionState,
    connect: (profile) => core.connect(profile),
    close: async () => {
      const saved = await core.close();
      onClose?.();
      return saved;
    },
  };
}
