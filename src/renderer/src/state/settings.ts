import { create } from 'zustand';
import type { CommandParams, RebuildProgress, Settings } from '../../../shared/contract';
import { applyDisplay, currentDisplay, type ResolvedDisplay } from '../format';
import { setWordsLanguage } from '../i18n/words';
import { api } from './actions';

interface SettingsStore {
  /** As the core last said (`settings.get`, a save's reply, `settings.changed`); null until then. */
  settings: Settings | null;
  /** The language and zone the formatters follow; App remounts the workspace when it changes. */
  display: ResolvedDisplay;
  /** The latest "Rebuild history" progress, from whichever window started it. */
  rebuild: RebuildProgress | null;
  /** Counts progress events, so a view shows only the rebuilds that ran while it was open. */
  rebuildSeq: number;
  set: (settings: Settings) => void;
  progress: (progress: RebuildProgress) => void;
}

const sameDisplay = (a: ResolvedDisplay, b: ResolvedDisplay): boolean =>
  a.locale === b.locale && a.timeZone === b.timeZone;

export const useSettings = create<SettingsStore>()((set, get) => ({
  settings: null,
  display: currentDisplay(),
  rebuild: null,
  rebuildSeq: 0,
  set: (settings) => {
    const { language, timeZone } = settings.values;
    const locale = language === 'system' ? undefined : language;
    // Words first: the remount that a new display causes renders them in the new language.
    setWordsLanguage(locale);
    const display = applyDisplay({ locale, timeZone });
    // An unchanged display keeps its object, so nothing that keys on it remounts.
    set({ settings, display: sameDisplay(display, get().display) ? get().display : display });
  },
  progress: (rebuild) => set((s) => ({ rebuild, rebuildSeq: s.rebuildSeq + 1 })),
}));

/** `language + zone`: a key that changes exactly when what the console writes would. */
export const displayKey = (d: ResolvedDisplay): string => `${d.locale}|${d.timeZone}`;

export async function refreshSettings(): Promise<void> {
  const reply = await api().invoke('settings.get', {});
  if (reply.ok) useSettings.getState().set(reply.value);
}

/** Sends the changed values; the reply (or `settings.changed`) puts them into effect here. */
export async function saveSettings(changes: CommandParams<'settings.set'>) {
  const reply = await api().invoke('settings.set', changes);
  if (reply.ok) useSettings.getState().set(reply.value);
  return reply;
}

export const rebuildHistory = () => api().invoke('history.rebuild', {});
