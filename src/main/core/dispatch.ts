/**
 * The one way a command enters the core, for every adapter: validate the params against the
 * contract, call the handler, and turn anything thrown (a bug) into `internal` with its stack
 * logged, so a front end always gets a Result and never a hang.
 */
import {
  commands,
  describeIssues,
  isCommandName,
  type Caller,
  type CommandName,
  type CommandReply,
  type ParsedParams,
} from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';

/**
 * Handlers get who is asking: most ignore it, the access and audit parts do not. Dispatch always
 * passes one; code calling a handler directly (tests) is LOCAL_CALLER.
 */
export type CommandHandlers = {
  [C in CommandName]: (
    params: ParsedParams<C>,
    caller?: Caller,
  ) => Promise<CommandReply<C>> | CommandReply<C>;
};

/**
 * Kilowatch itself: the command line, the reconnect after the engine restarts, tests. No window
 * or bridge request is ever this (the adapters always say who asks), so it is a manager: the
 * roles guard the ways in, not the console's own work.
 */
export const LOCAL_CALLER: Caller = { via: 'local', session: 'local', user: null };

export type Logger = (message: string, error?: unknown) => void;

export async function dispatch(
  handlers: CommandHandlers,
  name: string,
  rawParams: unknown,
  log: Logger,
  caller: Caller = LOCAL_CALLER,
): Promise<Result<unknown, ApiError>> {
  if (!isCommandName(name)) return err('not-found', `Unknown command "${name}".`);
  const parsed = commands[name].params.safeParse(rawParams ?? {});
  if (!parsed.success) return err('invalid-params', describeIssues(parsed.error));
  try {
    const handler = handlers[name] as (
      p: unknown,
      c: Caller,
    ) => Promise<Result<unknown, ApiError>> | Result<unknown, ApiError>;
    return await handler(parsed.data, caller);
  } catch (e) {
    log(`command ${name} failed`, e);
    return err('internal', `Kilowatch hit an internal error while running ${name}. It has been logged.`);
  }
}
