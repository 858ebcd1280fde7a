/** A catalog entry: words, or plural forms chosen by `{count}` (Intl.PluralRules categories). */
export type Message =
  string | { one?: string; other: string; zero?: string; two?: string; few?: string; many?: string };
