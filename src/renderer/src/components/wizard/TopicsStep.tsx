import { t } from '../../i18n/words';
import { useWizard } from '../../state/wizard';
import { Field } from './Field';
import { useFieldError } from './useFieldError';

/** The examples the hint shows as code, by their placeholder in the sentence. */
const CODE: Record<string, string> = { all: '#', example1: 'Coreflux/#', example2: 'shellies/#' };

/** The hint in the current language, its `{placeholders}` as <code> (word order differs by language). */
function hint() {
  // Split on a captured group: the placeholders are every second part.
  return t('wizard.topics.hint')
    .split(/\{(\w+)\}/)
    .map((part, i) => (i % 2 === 1 ? <code key={i}>{CODE[part] ?? part}</code> : part));
}

/** Step 3: which topics carry the site's Shelly messages. */
export function TopicsStep() {
  const subscribe = useWizard((s) => s.form.subscribe);
  const setField = useWizard((s) => s.setField);
  const show = useWizard((s) => s.show);
  const error = useFieldError('subscribe');
  return (
    <div className="wizard-step-body">
      <Field name="subscribe" label={t('wizard.topics.label')} error={error} hint={hint()}>
        {(p) => (
          <textarea
            {...p}
            rows={4}
            spellCheck={false}
            value={subscribe}
            onChange={(e) => setField('subscribe', e.target.value)}
            onBlur={() => show('subscribe')}
          />
        )}
      </Field>
    </div>
  );
}
