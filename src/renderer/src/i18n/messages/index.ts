/**
 * Every area's words, merged: `en` is the source and names the keys; each other language must
 * give every key (a missing one fails the typecheck).
 */
import type { Message } from './message';
import * as app from './app';
import * as site from './site';
import * as alerts from './alerts';
import * as details from './details';
import * as report from './report';
import * as dialogs from './dialogs';
import * as wizard from './wizard';
import * as settings from './settings';
import * as commission from './commission';
import * as insight from './insight';
import * as categories from './categories';
import * as rules from './rules';
import * as tariff from './tariff';

const en = {
  ...app.en,
  ...site.en,
  ...alerts.en,
  ...details.en,
  ...report.en,
  ...dialogs.en,
  ...wizard.en,
  ...settings.en,
  ...commission.en,
  ...insight.en,
  ...categories.en,
  ...rules.en,
  ...tariff.en,
} satisfies Record<string, Message>;
export type MessageKey = keyof typeof en;

const pt: Record<MessageKey, Message> = {
  ...app.pt,
  ...site.pt,
  ...alerts.pt,
  ...details.pt,
  ...report.pt,
  ...dialogs.pt,
  ...wizard.pt,
  ...settings.pt,
  ...commission.pt,
  ...insight.pt,
  ...categories.pt,
  ...rules.pt,
  ...tariff.pt,
};

export type { Message };
export const MESSAGES = { en: en as Record<MessageKey, Message>, pt } as const;
