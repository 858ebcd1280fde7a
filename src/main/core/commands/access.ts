/**
 * The manager PIN and the caller's role. Every unlock, lock and PIN change is in the audit trail,
 * wrong PINs included (as failed), so repeated guessing shows.
 */
import type { AuditOutcome, Caller, Role } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import type { AccessControl } from '../access/access-control';
import { LOCAL_CALLER } from '../dispatch';
import { actorOf } from '../audit/actor';
import type { AuditStore } from '../audit/audit-store';
import type { CommandPart } from './part';

export function accessCommands(deps: {
  access: AccessControl;
  audit: AuditStore;
  clock(): number;
}): CommandPart<'access.status' | 'access.unlock' | 'access.lock' | 'access.setPin'> {
  const { access } = deps;
  /** Records the change and hands the result back; a change that cannot be recorded is refused. */
  const recorded = <T>(
    caller: Caller,
    role: Role,
    action: string,
    before: string | null,
    after: string | null,
    result: Result<T, ApiError>,
  ): Result<T, ApiError> => {
    const outcome: AuditOutcome = result.ok ? 'done' : 'failed';
    const written = deps.audit.append({
      atMs: deps.clock(),
      role,
      actor: actorOf(caller),
      action,
      target: null,
      before,
      after,
      outcome,
      detail: result.ok ? null : result.error.message,
    });
    return written.ok ? result : written;
  };
  const pinWords = () => (access.isPinSet ? 'PIN set' : 'no PIN');
  return {
    'access.status': (_params, caller = LOCAL_CALLER) => ok(access.status(caller)),
    'access.unlock': async ({ pin }, caller = LOCAL_CALLER) => {
      const before = access.roleOf(caller);
      const result = await access.unlock(caller, pin);
      return recorded(
        caller,
        before,
        'access.unlock',
        before,
        result.ok ? result.value.role : before,
        result,
      );
    },
    'access.lock': (_params, caller = LOCAL_CALLER) => {
      const before = access.roleOf(caller);
      const status = access.lock(caller);
      return before === status.role
        ? ok(status)
        : recorded(caller, before, 'access.lock', before, status.role, ok(status));
    },
    'access.setPin': async ({ current, pin }, caller = LOCAL_CALLER) => {
      const role = access.roleOf(caller);
      const before = pinWords();
      const result = await access.setPin(caller, current, pin);
      return recorded(caller, role, 'access.setPin', before, pinWords(), result);
    },
  };
}
