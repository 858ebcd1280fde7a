import { useState, type ChangeEvent } from 'react';
import { api } from '../../api';
import { t } from '../../i18n/words';
import { useWizard } from '../../state/wizard';
import { Field } from './Field';
import type { FieldName } from './form';
import { useFieldError } from './useFieldError';

const MAX_BYTES = 1_000_000;

interface PemFieldProps {
  name: Extract<FieldName, 'ca' | 'cert' | 'key'>;
  label: string;
  placeholder: string;
  hint?: string;
}

/**
 * PEM text, pasted or read from a file the person picks. The file is read here with FileReader
 * and sent as text with the profile; the core proves it is PEM and stores its own copy. The
 * renderer never opens a path.
 */
export function PemField({ name, label, placeholder, hint }: PemFieldProps) {
  const value = useWizard((s) => s.form[name]);
  const setField = useWizard((s) => s.setField);
  const show = useWizard((s) => s.show);
  const error = useFieldError(name);
  const [fileNote, setFileNote] = useState<string | null>(null);

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setFileNote(t('wizard.pem.tooLarge', { file: file.name }));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      const text = typeof reader.result === 'string' ? reader.result : '';
      setField(name, text);
      show(name);
      setFileNote(t('wizard.pem.readFrom', { file: file.name }));
    };
    reader.onerror = () => setFileNote(t('wizard.pem.unreadable', { file: file.name }));
    reader.readAsText(file);
  };

  // The desktop app chooses files in a main-process dialog; the web reads the picked file here.
  const pickInMain = async () => {
    const picked = await api.invoke('connection.pickPem', { kind: name });
    if (!picked.ok) return setFileNote(picked.error.message);
    if (!picked.value) return;
    setField(name, picked.value.pem);
    show(name);
    setFileNote(t('wizard.pem.readFromSummary', { file: picked.value.file, summary: picked.value.summary }));
  };

  return (
    <Field name={name} label={label} error={error} hint={fileNote ?? hint}>
      {(props) => (
        <div className="wizard-pem">
          <textarea
            {...props}
            rows={4}
            spellCheck={false}
            autoComplete="off"
            placeholder={placeholder}
            value={value}
            onChange={(e) => {
              setFileNote(null);
              setField(name, e.target.value);
            }}
            onBlur={() => show(name)}
          />
          <div className="wizard-pem-actions">
            {api.kind === 'ipc' ? (
              <button type="button" className="wizard-file" onClick={() => void pickInMain()}>
                {t('wizard.pem.choose')}
              </button>
            ) : (
              <label className="wizard-file">
                {t('wizard.pem.choose')}
                <input
                  type="file"
                  accept=".pem,.crt,.cer,.key,text/plain,application/x-pem-file"
                  onChange={onFile}
                  data-testid={`wizard-file-${name}`}
                />
              </label>
            )}
            {value !== '' && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setField(name, '');
                  setFileNote(null);
                }}
              >
                {t('wizard.pem.clear')}
              </button>
            )}
          </div>
        </div>
      )}
    </Field>
  );
}
