/**
 * The gate every command that switches power or changes the set-up passes: refused at the desk
 * once a manager PIN is set, and recorded in the audit trail either way. A relay or cover command
 * is recorded when requested and again when the device confirmed it or did not; the rest once,
 * with how it ended.
 *
 * A manager command whose request cannot be recorded (the disk is full) is not run: an audit
 * trail that can miss a switch is not one. An outcome that cannot be recorded after the command
 * ran is logged, and the command's own result still goes back.
 */
import { MANAGER_COMMANDS, type AuditOutcome, type Caller, type CommandName } from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import type { AccessControl } from '../access/access-control';
import { LOCAL_CALLER, type CommandHandlers, type Logger } from '../dispatch';
import { actorOf } from './actor';
import type { AuditStore } from './audit-store';
import type { Subject } from './audit-subject';

export interface AuditedDeps {
  access: AccessControl;
  audit: AuditStore;
  subject(command: CommandName, params: unknown): Subject;
  clock(): number;
  log: Logger;
}

type Handler = (
  params: unknown,
  caller?: Caller,
) => Promise<Result<unknown, ApiError>> | Result<unknown, ApiError>;

/** Confirmed by the device itself, a while after the request. */
const CONFIRMED_BY_DEVICE: ReadonlySet<CommandName> = new Set<CommandName>(['relay.set', 'cover.set']);

export function auditedCommands(handlers: CommandHandlers, deps: AuditedDeps): CommandHandlers {
  const table = { ...handlers } as unknown as Record<CommandName, Handler>;
  for (const name of MANAGER_COMMANDS) {
    const run = table[name];
    table[name] = async (params, caller = LOCAL_CALLER) => {
      const role = deps.access.roleOf(caller);
      const subject = deps.subject(name, params);
      const record = (outcome: AuditOutcome, detail: string | null) =>
        deps.audit.append({
          atMs: deps.clock(),
          role,
          actor: actorOf(caller),
          action: name,
          ...subject,
          outcome,
          detail,
        });
      const refusal = deps.access.refusal(name, caller);
      if (refusal) {
        const recorded = record('denied', refusal.message);
        if (!recorded.ok)
          deps.log(`could not record a refused ${name} in the audit trail: ${recorded.error.message}`);
        return { ok: false, error: refusal };
      }
      const isConfirmed = CONFIRMED_BY_DEVICE.has(name);
      if (isConfirmed) {
        const requested = record('requested', null);
        if (!requested.ok) return requested;
      }
      const result = await run(params, caller);
      const outcome: AuditOutcome = !result.ok ? 'failed' : isConfirmed ? 'confirmed' : 'done';
      const recorded = record(outcome, result.ok ? null : result.error.message);
      if (!recorded.ok)
        deps.log(`could not record ${name} (${outcome}) in the audit trail: ${recorded.error.message}`);
      return result;
    };
  }
  return table as unknown as CommandHandlers;
}
