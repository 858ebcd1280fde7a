/**
 * The console's words: every translation keeps the English entry's placeholders (a lost `{name}`
 * would show a sentence without its subject), plural forms follow `{count}`, and words are picked
 * by the settings' language, English where there is no catalog.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

type Message = string | Record<string, string>;
/** The renderer's modules, seen from Node (they belong to the web TypeScript project). */
interface CatalogModule {
  MESSAGES: Record<string, Record<string, Message>>;
}
interface WordsModule {
  setWordsLanguage(locale: string | undefined): string;
  wordsLanguageOf(locale: string | undefined): string;
  t(key: string, params?: Record<string, string | number>): string;
}
// Loaded by path: the files are type-checked by tsconfig.web.json, not by this (Node) project.
const I18N = resolve(__dirname, '../../src/renderer/src/i18n');
let MESSAGES: CatalogModule['MESSAGES'];
let words: WordsModule;
beforeAll(async () => {
  ({ MESSAGES } = (await import(/* @vite-ignore */ `${I18N}/messages/index.ts`)) as CatalogModule);
  words = (await import(/* @vite-ignore */ `${I18N}/words.ts`)) as WordsModule;
});

const placeholders = (m: Message | undefined): string => {
  const texts = m === undefined ? [] : typeof m === 'string' ? [m] : Object.values(m);
  return [...new Set(texts.join(' ').match(/\{\w+\}/g) ?? [])].sort().join();
};

describe('the words catalog', () => {
  it('gives every key in every language, with the English placeholders', () => {
    const english = MESSAGES.en as Record<string, Message>;
    for (const [language, catalog] of Object.entries(MESSAGES)) {
      const wrong = Object.keys(english).filter(
        (key) => !(key in catalog) || placeholders(catalog[key]) !== placeholders(english[key]),
      );
      expect(wrong, language).toEqual([]);
    }
  });

  it('is translated, not copied: most Portuguese entries differ from the English', () => {
    const keys = Object.keys(MESSAGES.en as object);
    const same = keys.filter((k) => JSON.stringify(MESSAGES.pt?.[k]) === JSON.stringify(MESSAGES.en?.[k]));
    expect(same.length).toBeLessThan(keys.length / 4 + 1);
  });

  it('chooses the catalog by the language part of the locale, English without one', () => {
    expect(words.wordsLanguageOf('pt-PT')).toBe('pt');
    expect(words.wordsLanguageOf('pt-BR')).toBe('pt');
    expect(words.wordsLanguageOf('de-DE')).toBe('en');
    expect(words.setWordsLanguage('pt-PT')).toBe('pt');
    expect(words.t('app.loading')).toBe(MESSAGES.pt?.['app.loading']);
    words.setWordsLanguage('en-GB');
    expect(words.t('app.loading')).toBe('Loading…');
  });

  it('fills placeholders and picks plural forms by count', () => {
    const plural = Object.entries(MESSAGES.en as Record<string, Message>).find(
      ([, m]) => typeof m === 'object' && placeholders(m).includes('{count}'),
    );
    expect(plural, 'a plural entry in the catalog').toBeDefined();
    const [key, forms] = plural as [string, { one?: string; other: string }];
    words.setWordsLanguage('en');
    expect(words.t(key, { count: 1 })).toBe((forms.one ?? forms.other).replace('{count}', '1'));
    expect(words.t(key, { count: 3 })).toBe(forms.other.replace('{count}', '3'));
  });
});
