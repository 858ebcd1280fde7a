/**
 * The Insight panel's periods in words ("Tuesday, 1 Dec until 10:15", "1 Nov to 5 Nov, 10:15"),
 * written in the settings' language and the site's zone, the zone the core cut them in. Only
 * writing: the bounds are the core's.
 */
import { currentDisplay, formatClock } from './format';
import { t } from './i18n/words';

type Style = 'weekdayDay' | 'dayMonth' | 'dayMonthTime';

const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  weekdayDay: { weekday: 'long', day: 'numeric', month: 'short' },
  dayMonth: { day: 'numeric', month: 'short' },
  dayMonthTime: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
};

// Made once per language and zone: the panel re-renders every minute, the settings rarely change.
let madeFor = '';
let made: Partial<Record<Style, Intl.DateTimeFormat>> = {};

function formatter(style: Style): Intl.DateTimeFormat {
  const { locale, timeZone } = currentDisplay();
  const key = `${locale}|${timeZone}`;
  if (key !== madeFor) {
    madeFor = key;
    made = {};
  }
  return (made[style] ??= new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone }));
}

const write = (style: Style, iso: string): string => formatter(style).format(new Date(iso));

/** "Tuesday, 1 Dec until 10:15": a period that ends on the day it starts. */
export const untilWords = (from: string, to: string): string =>
  t('insight.period.until', { day: write('weekdayDay', from), time: formatClock(Date.parse(to)) });

/** "1 Nov to 5 Nov, 10:15": a period over several days, its end to the minute. */
export const spanWords = (from: string, to: string): string =>
  t('insight.period.span', { from: write('dayMonth', from), to: write('dayMonthTime', to) });

/** "4 Dec, 22:00": one end of a night, to the minute. */
export const momentWords = (iso: string): string => write('dayMonthTime', iso);

/** "02:15": a time of day in the site's zone. */
export const clockWords = (iso: string): string => formatClock(Date.parse(iso));
