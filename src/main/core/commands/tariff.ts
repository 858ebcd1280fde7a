/** The tariff on the settings screen: what is in force and where from, and setting it. */
import { ok, type ApiError, type Result } from '../../../shared/result';
import type { TariffSetting } from '../cost/tariff-setting';
import type { Tariff } from '../cost/tariff-schema';
import type { CommandPart } from './part';

export function tariffCommands(deps: {
  setting: TariffSetting;
  /** Puts a kept tariff (or none) into effect from now. */
  apply(tariff: Tariff | null): void;
  /** Tells every console what is now in force (the `tariff.changed` event). */
  changed(view: ReturnType<TariffSetting['view']>): void;
}): CommandPart<'tariff.get' | 'tariff.set'> {
  return {
    'tariff.get': () => ok(deps.setting.view()),
    'tariff.set': ({ tariff }): Result<ReturnType<TariffSetting['view']>, ApiError> => {
      const kept = deps.setting.set(tariff);
      if (!kept.ok) return kept;
      deps.apply(kept.value);
      const view = deps.setting.view();
      deps.changed(view);
      return ok(view);
    },
  };
}
