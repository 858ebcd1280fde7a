/** The settings screen: what is set and where it comes from, changes, and "Rebuild history". */
import type { RebuildReport } from '../store/rollup-rebuild';
import type { SettingsValues } from '../../../shared/contract';
import { ok, type ApiError, type Result } from '../../../shared/result';
import type { ConsoleSettings, SettingsChange } from '../settings/console-settings';
import type { CommandPart } from './part';

export interface SettingsCommandDeps {
  settings: ConsoleSettings;
  /** Why these changes cannot be made on this console (beyond their own validity), or null. */
  refuse(changes: Partial<SettingsValues>): ApiError | null;
  /** Puts a kept change into effect (a new prefix, interval, zone); says what could not be. */
  apply(change: SettingsChange): Promise<Result<void, ApiError>>;
  rebuild(): Result<RebuildReport, ApiError>;
}

export function settingsCommands(
  deps: SettingsCommandDeps,
): CommandPart<'settings.get' | 'settings.set' | 'history.rebuild'> {
  return {
    'settings.get': () => ok(deps.settings.view()),
    'settings.set': async (params) => {
      const refused = deps.refuse(params);
      if (refused) return { ok: false, error: refused };
      const change = deps.settings.set(params);
      if (!change.ok) return change;
      const applied = await deps.apply(change.value);
      return applied.ok ? ok(deps.settings.view()) : applied;
    },
    'history.rebuild': () => deps.rebuild(),
  };
}
