/**
 * The settings staff change on the settings screen (README "Settings"). They are kept in the
 * database, in the data folder, so they outlive a restart and never touch the user's
 * kilowatch.toml; a value the file or a flag sets wins and cannot be changed here.
 */
import {
  SETTING_KEYS,
  SettingsValuesSchema,
  type SettingKey,
  type Settings,
  type SettingsValues,
} from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import type { PinnedSettings } from '../config';
import type { Store } from '../store/store';

/** One row of the settings table holds them all, so a change is written whole or not at all. */
const STORED_SETTING = 'console-settings';

export const SETTING_LABELS: Record<SettingKey, string> = {
  publishPrefix: 'The publish prefix',
  publishIntervalS: 'The publish interval',
  minuteDays: 'Minute retention',
  timeZone: 'The site time zone',
  language: 'The language',
  publishProfiles: 'The publish profiles',
};

export interface SettingsChange {
  before: SettingsValues;
  after: SettingsValues;
  changed: SettingKey[];
}

export class ConsoleSettings {
  private stored: Partial<SettingsValues>;
  /** Stored values this runtime no longer accepts (a time zone it does not know), in words. */
  readonly ignored: string[] = [];

  /**
   * `startValues`: what the console would use without the settings screen (the file's, the
   * flags', or the defaults); `pinned`: which of them the file or a flag sets.
   */
  constructor(
    private readonly store: Store,
    private readonly startValues: SettingsValues,
    private readonly pinned: PinnedSettings,
  ) {
    this.stored = this.readStored();
  }

  private readStored(): Partial<SettingsValues> {
    const text = this.store.setting(STORED_SETTING);
    if (text === undefined) return {};
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.ignored.push('the saved settings could not be read; the defaults apply');
      return {};
    }
    const kept: Record<string, unknown> = {};
    for (const key of SETTING_KEYS) {
      if (raw[key] === undefined) continue;
      const parsed = SettingsValuesSchema.shape[key].safeParse(raw[key]);
      if (parsed.success) kept[key] = parsed.data;
      else this.ignored.push(`${SETTING_LABELS[key].toLowerCase()} "${String(raw[key])}" is not valid here`);
    }
    return kept as Partial<SettingsValues>;
  }

  get values(): SettingsValues {
    const values = { ...this.startValues };
    for (const key of SETTING_KEYS) {
      if (this.pinned[key] === undefined && this.stored[key] !== undefined)
        (values as Record<SettingKey, unknown>)[key] = this.stored[key];
    }
    return values;
  }

  view(): Settings {
    const sources = {} as Settings['sources'];
    const pinnedBy: Record<string, string> = {};
    for (const key of SETTING_KEYS) {
      const pin = this.pinned[key];
      if (pin) pinnedBy[key] = pin.where;
      sources[key] = pin ? pin.by : this.stored[key] !== undefined ? 'console' : 'default';
    }
    return { values: this.values, sources, pinnedBy };
  }

  /** Keeps the changes, or none of them: a value the file sets, or a failed write, refuses all. */
  set(changes: Partial<SettingsValues>): Result<SettingsChange, ApiError> {
    for (const key of SETTING_KEYS) {
      const pin = this.pinned[key];
      if (changes[key] !== undefined && pin)
        return err(
          'invalid-params',
          `${SETTING_LABELS[key]} is set by ${pin.where}, which wins over the settings screen; change it there.`,
          { setting: key },
        );
    }
    const before = this.values;
    const next = { ...this.stored, ...changes };
    const saved = this.store.saveSetting(STORED_SETTING, JSON.stringify(next));
    if (!saved.ok) return saved;
    this.stored = next;
    const after = this.values;
    // String(): a list (the publish profiles) is the same when its names are.
    const changed = SETTING_KEYS.filter((key) => String(before[key]) !== String(after[key]));
    return ok({ before, after, changed });
  }
}
