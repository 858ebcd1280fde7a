/**
 * The Console settings form without React: what each field is called, where its value comes
 * from in words, and which typed values are changes worth sending. The core checks again and its
 * answer is the one that counts.
 */
import {
  SETTING_KEYS,
  SettingsValuesSchema,
  type Language,
  type SettingKey,
  type Settings,
  type SettingsValues,
} from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n/words';

const SETTING_LABELS: Record<SettingKey, MessageKey> = {
  publishPrefix: 'settings.label.publishPrefix',
  publishIntervalS: 'settings.label.publishIntervalS',
  minuteDays: 'settings.label.minuteDays',
  timeZone: 'settings.label.timeZone',
  language: 'settings.label.language',
  publishProfiles: 'settings.label.publishProfiles',
};

/** What a setting is called, in the console's language. */
export const settingLabel = (key: SettingKey): string => t(SETTING_LABELS[key]);

/** Native names, so whoever reads that language finds it. */
export const LANGUAGE_NAMES: Record<Exclude<Language, 'system'>, string> = {
  'en-GB': 'English (United Kingdom)',
  'en-US': 'English (United States)',
  'pt-PT': 'Português (Portugal)',
  'es-ES': 'Español (España)',
  'fr-FR': 'Français (France)',
  'de-DE': 'Deutsch (Deutschland)',
  'it-IT': 'Italiano (Italia)',
  'nl-NL': 'Nederlands (Nederland)',
};

export const isPinned = (settings: Settings, key: SettingKey): boolean =>
  settings.sources[key] === 'file' || settings.sources[key] === 'flag';

/** "default", "changed here", or where the file or flag that wins sets it. */
export function sourceText(settings: Settings, key: SettingKey): string {
  const where = settings.pinnedBy[key];
  switch (settings.sources[key]) {
    case 'file':
      return t('settings.source.file', { where: where ?? 'kilowatch.toml' });
    case 'flag':
      return t('settings.source.flag', { where: where ?? t('settings.source.someFlag') });
    case 'console':
      return t('settings.source.console');
    default:
      return t('settings.source.default');
  }
}

/** What each field holds while it is edited: the text typed, by setting. */
export type SettingsDraft = Partial<Record<SettingKey, string>>;

export const fieldText = (draft: SettingsDraft, values: SettingsValues, key: SettingKey): string =>
  draft[key] ?? String(values[key]);

const WHOLE = /^\s*\d+\s*$/;

const listOf = (text: string): string[] => (text === '' ? [] : text.split(','));

/** The draft of a list with `name` turned on or off, in the contract's order. */
export function toggledList(text: string, name: string, isOn: boolean, order: readonly string[]): string {
  const chosen = new Set(listOf(text));
  if (isOn) chosen.add(name);
  else chosen.delete(name);
  return order.filter((n) => chosen.has(n)).join(',');
}

function problemOf(key: SettingKey, text: string): string {
  switch (key) {
    case 'publishIntervalS':
      return t('settings.problem.interval');
    case 'minuteDays':
      return t('settings.problem.minuteDays');
    default: {
      const parsed = SettingsValuesSchema.shape[key].safeParse(text);
      // The schema's own words (the contract's) when it has some.
      const why = (!parsed.success && parsed.error.issues[0]?.message) || t('settings.problem.notValid');
      return `${settingLabel(key)}: ${why}.`;
    }
  }
}

/**
 * The values that differ from those in force, ready for `settings.set`, and in words what is
 * wrong with the rest. A value typed back to what is in force is no change.
 */
export function readDraft(
  draft: SettingsDraft,
  values: SettingsValues,
): { changes: Partial<SettingsValues>; problems: string[] } {
  const changes: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of SETTING_KEYS) {
    const text = draft[key];
    if (text === undefined || text === String(values[key])) continue;
    const isNumber = typeof values[key] === 'number';
    if (isNumber && !WHOLE.test(text)) {
      problems.push(problemOf(key, text));
      continue;
    }
    // A list (the publish profiles) is drafted as its names joined by commas, as String() writes it.
    const typed = isNumber ? Number(text) : Array.isArray(values[key]) ? listOf(text) : text;
    const parsed = SettingsValuesSchema.shape[key].safeParse(typed);
    if (!parsed.success) problems.push(problemOf(key, text));
    else if (String(parsed.data) !== String(values[key])) changes[key] = parsed.data;
  }
  return { changes: changes as Partial<SettingsValues>, problems };
}

let zones: string[] | null = null;

/** Every zone this browser knows, plus the one in force and the one chosen (aliases such as UTC). */
export function zoneChoices(...wanted: string[]): string[] {
  zones ??= typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = new Set(zones);
  for (const zone of wanted) all.add(zone);
  return [...all].sort();
}

/** How the chosen language and zone write a figure and this moment: "1.234,5 kWh · 05.12.2026, 14:30". */
export function previewOf(language: string, timeZone: string, nowMs: number): string {
  const locale = language === 'system' ? undefined : language;
  let when: Intl.DateTimeFormat;
  try {
    when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  } catch {
    when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  }
  const figure = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return `${figure.format(1234.5)}\u00a0kWh · ${when.format(new Date(nowMs))}`;
}
