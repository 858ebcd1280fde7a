/** Metering roles: a meter as a main meter of its place, a load, or generation. */
import type { RoleChanges } from '../site/role-changes';
import type { CommandPart } from './part';

export function meterCommands(deps: {
  roleChanges: RoleChanges;
  /** Totals move with a role: the next live push carries them. */
  totalsMoved(): void;
}): CommandPart<'meter.role'> {
  return {
    'meter.role': ({ meter, role, scope }) => {
      const result = deps.roleChanges.set(
        meter,
        role === 'main' ? { role, scope: scope ?? 'room' } : { role },
      );
      if (result.ok) deps.totalsMoved();
      return result;
    },
  };
}
