import { useId, type ReactNode } from 'react';
import type { SettingKey, Settings } from '../../../../shared/contract';
import { isPinned, settingLabel, sourceText } from './setting-form';

interface Props {
  name: SettingKey;
  settings: Settings;
  hint?: ReactNode;
  children: (props: { id: string; 'aria-describedby': string; 'data-testid': string }) => ReactNode;
}

/** One setting: its label, the control, where its value comes from, and what changing it does. */
export function SettingField({ name, settings, hint, children }: Props) {
  const id = useId();
  const sourceId = `${id}-source`;
  const hintId = `${id}-hint`;
  const pinned = isPinned(settings, name);
  return (
    <div className="setting-field" data-source={settings.sources[name]}>
      <label htmlFor={id}>{settingLabel(name)}</label>
      <div className="setting-control">
        {children({
          id,
          'aria-describedby': hint ? `${sourceId} ${hintId}` : sourceId,
          'data-testid': `setting-${name}`,
        })}
        <span
          id={sourceId}
          className={pinned ? 'setting-source setting-pinned' : 'setting-source'}
          data-testid={pinned ? `setting-pinned-${name}` : `setting-source-${name}`}
        >
          {sourceText(settings, name)}
        </span>
      </div>
      {hint && (
        <p id={hintId} className="muted small">
          {hint}
        </p>
      )}
    </div>
  );
}
