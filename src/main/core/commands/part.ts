/** A domain's part of the command table: the handlers of the commands it answers. */
import type { CommandName } from '../../../shared/contract';
import type { CommandHandlers } from '../dispatch';

export type CommandPart<C extends CommandName> = Pick<CommandHandlers, C>;
