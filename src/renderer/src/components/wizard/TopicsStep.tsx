import { useWizard } from '../../state/wizard';
import { Field } from './Field';
import { useFieldError } from './useFieldError';

/** Step 3: which topics carry the site's Shelly messages. */
export function TopicsStep() {
  const subscribe = useWizard((s) => s.form.subscribe);
  const setField = useWizard((s) => s.setField);
  const show = useWizard((s) => s.show);
  const error = useFieldError('subscribe');
  return (
    <div className="wizard-step-body">
      <Field
        name="subscribe"
        label="Topic filters, one per line"
        error={error}
        hint={
          <>
            <code>#</code> is everything on a broker used only by this site; on a shared broker use the site’s
            branch, e.g. <code>Coreflux/#</code> or <code>shellies/#</code>.
          </>
        }
      >
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
