/**
 * The one way a command enters the core, for every adapter: validate the params against the
 * contract, call the handler, and turn anything thrown (a bug) into `internal` with its stack
 * logged, so a front end always gets a Result and never a hang.
 */
import {
  commands,
  describeIssues,
  isCommandName,
  type CommandName,
  type CommandReply,
  type ParsedParams,
} from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';

export type CommandHandlers = {
  [C in CommandName]: (params: ParsedParams<C>) => Promise<CommandReply<C>> | CommandReply<C>;
};

export type Logger = (message: string, error?: unknown) => void;

export async function dispatch(
  handlers: CommandHandlers,
  name: string,
  rawParams: unknown,
  log: Logger,
): Promise<Result<unknown, ApiError>> {
  if (!isCommandName(name)) return err('not-found', `Unknown command "${name}".`);
  const parsed = commands[name].params.safeParse(rawParams ?? {});
  if (!parsed.success) return err('invalid-params', describeIssues(parsed.error));
  try {
    const handler = handlers[name] as (
      p: unknown,
    ) => Promise<Result<unknown, ApiError>> | Result<unknown, ApiError>;
    return await handler(parsed.data);
  } catch (e) {
    log(`command ${name} failed`, e);
    return err('internal', `Kilowatch hit an internal error while running ${name}. It has been logged.`);
  }
}
