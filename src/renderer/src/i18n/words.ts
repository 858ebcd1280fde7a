/**
 * The console's words in the language the settings choose. English is the source; a language
 * with a catalog (Portuguese) has every key, which the types enforce, so a missing translation is
 * a compile error rather than a blank on the front desk. Languages without a catalog keep English
 * words and only write numbers and dates their way (format.ts).
 *
 * Hand-rolled rather than i18next: a typed table gives that completeness check for free, and the
 * console needs no more than `{name}` placeholders and plural forms (Intl.PluralRules).
 */
import { MESSAGES, type MessageKey, type Message } from './messages';

export type WordsLanguage = keyof typeof MESSAGES;
export type { MessageKey };

/** The catalog for a locale ("pt-PT", "pt", undefined = the computer's): by its language part. */
export function wordsLanguageOf(locale: string | undefined): WordsLanguage {
  const tag = (locale ?? (typeof navigator === 'undefined' ? 'en' : navigator.language)).toLowerCase();
  const base = tag.split('-')[0] ?? 'en';
  return base in MESSAGES ? (base as WordsLanguage) : 'en';
}

/** The catalog's own plural rules: plain "pt" is Brazilian, where 0 is singular ("0 dia"). */
function pluralRulesOf(language: WordsLanguage): Intl.PluralRules {
  return new Intl.PluralRules(language === 'pt' ? 'pt-PT' : language);
}

// Until the settings are read, the computer's language (as `system` would choose).
let current: WordsLanguage = wordsLanguageOf(undefined);
let plurals = pluralRulesOf(current);

/** Words follow the settings' language from now on; returns the catalog chosen. */
export function setWordsLanguage(locale: string | undefined): WordsLanguage {
  current = wordsLanguageOf(locale);
  plurals = pluralRulesOf(current);
  return current;
}

export const wordsLanguage = (): WordsLanguage => current;

type Params = Record<string, string | number>;

function fill(text: string, params: Params | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

function pick(message: Message, params: Params | undefined): string {
  if (typeof message === 'string') return message;
  const count = Number(params?.count ?? 0);
  return message[plurals.select(count) as keyof typeof message] ?? message.other;
}

/** The words for `key` in the current language, placeholders filled (`{count}` also picks the plural). */
export function t(key: MessageKey, params?: Params): string {
  const message = (MESSAGES[current] as Record<MessageKey, Message>)[key] ?? MESSAGES.en[key];
  return fill(pick(message, params), params);
}
