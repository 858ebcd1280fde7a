import { useEffect, useMemo, useState, type ComponentProps } from 'react';
import {
  LANGUAGES,
  PUBLISH_PROFILES,
  type PublishProfile,
  type SettingKey,
} from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n/words';
import { refreshSettings, saveSettings, useSettings } from '../../state/settings';
import { useNow } from '../../use-now';
import { DeskHint, useIsDesk } from './DeskHint';
import { SettingField } from './SettingField';
import {
  fieldText,
  isPinned,
  LANGUAGE_NAMES,
  previewOf,
  readDraft,
  settingLabel,
  toggledList,
  zoneChoices,
  type SettingsDraft,
} from './setting-form';

// "Saved" is kept as what happened, not as words: a new language is in force once it is saved.
const PROFILE_NAMES: Record<PublishProfile, MessageKey> = {
  kilowatch: 'settings.profile.kilowatch',
  'coreflux-csharp': 'settings.profile.corefluxCsharp',
  'coreflux-python': 'settings.profile.corefluxPython',
};

type FieldProps = Parameters<ComponentProps<typeof SettingField>['children']>[0];

type Outcome = { kind: 'saved'; isRebuilt: boolean } | { kind: 'error'; text: string } | null;

/**
 * Publishing, retention, the site's time zone and the language numbers and dates are written in.
 * Only what was changed is sent; a value kilowatch.toml or a flag sets is shown but read-only.
 */
export function ConsoleSettings() {
  const settings = useSettings((s) => s.settings);
  const isDesk = useIsDesk();
  const now = useNow();
  const [draft, setDraft] = useState<SettingsDraft>({});
  const [isSaving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Events keep the settings current; asking again covers a first load that failed.
  useEffect(() => void refreshSettings(), []);
  const values = settings?.values;
  const zones = useMemo(
    () => (values ? zoneChoices(values.timeZone, draft.timeZone ?? values.timeZone) : []),
    [values, draft.timeZone],
  );
  if (!settings || !values) return <p className="muted">{t('settings.reading')}</p>;

  const { changes, problems } = readDraft(draft, values);
  const hasEdits = Object.keys(changes).length > 0 || problems.length > 0;
  const text = (key: SettingKey) => fieldText(draft, values, key);
  const edit = (key: SettingKey) => (event: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [key]: event.target.value }));
    setOutcome(null);
  };
  const isLocked = (key: SettingKey) => isDesk || isSaving || isPinned(settings, key);

  /** A count of seconds or days: typed freely, checked on save (readDraft) and by the core. */
  const wholeNumber = (
    props: FieldProps,
    key: 'publishIntervalS' | 'minuteDays',
    max: number,
    unit: string,
  ) => (
    <span className="setting-unit">
      <input
        {...props}
        type="number"
        inputMode="numeric"
        min={1}
        max={max}
        step={1}
        value={text(key)}
        readOnly={isPinned(settings, key)}
        disabled={isDesk || isSaving}
        onChange={edit(key)}
      />
      {unit}
    </span>
  );

  const save = async (): Promise<void> => {
    if (problems.length > 0) return setOutcome({ kind: 'error', text: problems.join(' ') });
    if (Object.keys(changes).length === 0) return;
    setSaving(true);
    setOutcome(null);
    const reply = await saveSettings(changes);
    setSaving(false);
    if (!reply.ok) return setOutcome({ kind: 'error', text: reply.error.message });
    setDraft({});
    setOutcome({ kind: 'saved', isRebuilt: changes.timeZone !== undefined });
  };

  return (
    <section className="settings-console" aria-label={t('settings.console')} data-testid="settings-console">
      {isDesk && <DeskHint testId="settings-console-desk" />}
      <SettingField name="publishPrefix" settings={settings} hint={t('settings.hint.publishPrefix')}>
        {(props) => (
          <input
            {...props}
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={text('publishPrefix')}
            readOnly={isPinned(settings, 'publishPrefix')}
            disabled={isDesk || isSaving}
            onChange={edit('publishPrefix')}
          />
        )}
      </SettingField>
      <SettingField name="publishIntervalS" settings={settings}>
        {(props) => wholeNumber(props, 'publishIntervalS', 3600, t('settings.seconds'))}
      </SettingField>
      <SettingField name="minuteDays" settings={settings} hint={t('settings.hint.minuteDays')}>
        {(props) => wholeNumber(props, 'minuteDays', 3660, t('settings.days'))}
      </SettingField>
      <SettingField name="timeZone" settings={settings} hint={t('settings.hint.timeZone')}>
        {(props) => (
          // A select cannot be read-only: a pinned one is disabled, its source says why.
          <select
            {...props}
            value={text('timeZone')}
            disabled={isLocked('timeZone')}
            onChange={edit('timeZone')}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        )}
      </SettingField>
      <SettingField
        name="language"
        settings={settings}
        hint={
          <>
            {t('settings.hint.language')}{' '}
            <span data-testid="setting-preview">{previewOf(text('language'), text('timeZone'), now)}</span>
          </>
        }
      >
        {(props) => (
          <select
            {...props}
            value={text('language')}
            disabled={isLocked('language')}
            onChange={edit('language')}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {language === 'system' ? t('settings.language.system') : LANGUAGE_NAMES[language]}
              </option>
            ))}
          </select>
        )}
      </SettingField>
      <SettingField name="publishProfiles" settings={settings} hint={t('settings.hint.publishProfiles')}>
        {(props) => (
          <div
            {...props}
            role="group"
            aria-label={settingLabel('publishProfiles')}
            className="setting-choices"
          >
            {PUBLISH_PROFILES.map((profile) => (
              <label key={profile} className="setting-choice">
                <input
                  type="checkbox"
                  data-testid={`setting-profile-${profile}`}
                  checked={text('publishProfiles').split(',').includes(profile)}
                  disabled={isLocked('publishProfiles')}
                  onChange={(event) =>
                    edit('publishProfiles')({
                      target: {
                        value: toggledList(
                          text('publishProfiles'),
                          profile,
                          event.target.checked,
                          PUBLISH_PROFILES,
                        ),
                      },
                    })
                  }
                />{' '}
                {t(PROFILE_NAMES[profile])}
              </label>
            ))}
          </div>
        )}
      </SettingField>
      <div className="settings-save">
        <button
          type="button"
          className="primary"
          data-testid="settings-save"
          disabled={!hasEdits || isSaving || isDesk}
          onClick={() => void save()}
        >
          {isSaving ? t('settings.saving') : t('settings.save')}
        </button>
        {isSaving && changes.timeZone !== undefined && (
          <span className="muted small">{t('settings.rebuildingZone')}</span>
        )}
        {outcome?.kind === 'saved' && (
          <span className="muted small" role="status" data-testid="settings-saved">
            {outcome.isRebuilt ? t('settings.savedRebuilt') : t('settings.saved')}
          </span>
        )}
      </div>
      {outcome?.kind === 'error' && (
        <p className="field-problem" role="alert" data-testid="settings-error">
          {outcome.text}
        </p>
      )}
    </section>
  );
}
