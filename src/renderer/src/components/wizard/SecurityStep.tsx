import { t } from '../../i18n/words';
import { useWizard } from '../../state/wizard';
import { Field } from './Field';
import { isTlsProtocol } from './form';
import { PemField } from './PemField';
import { useFieldError } from './useFieldError';

/** Step 2: who we are (user name, password, client certificate) and whom we trust (CA). */
export function SecurityStep() {
  const form = useWizard((s) => s.form);
  const setField = useWizard((s) => s.setField);
  const show = useWizard((s) => s.show);
  const isTls = isTlsProtocol(form.protocol);
  const errors = {
    username: useFieldError('username'),
    password: useFieldError('password'),
    passphrase: useFieldError('passphrase'),
    servername: useFieldError('servername'),
  };

  return (
    <div className="wizard-step-body">
      <div className="wizard-row">
        <Field name="username" label={t('wizard.security.username')} error={errors.username}>
          {(p) => (
            <input
              {...p}
              value={form.username}
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              onChange={(e) => setField('username', e.target.value)}
              onBlur={() => show('username')}
            />
          )}
        </Field>
        <Field
          name="password"
          label={t('wizard.security.password')}
          error={errors.password}
          hint={t('wizard.security.passwordHint')}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              value={form.password}
              autoComplete="new-password"
              onChange={(e) => setField('password', e.target.value)}
              onBlur={() => show('password')}
            />
          )}
        </Field>
      </div>

      {!isTls && form.password !== '' && (
        <p className="wizard-note" role="status">
          {t('wizard.security.plain')}
        </p>
      )}

      {isTls && (
        <>
          <label className="wizard-check">
            <input
              type="checkbox"
              checked={form.verifyServer}
              onChange={(e) => setField('verifyServer', e.target.checked)}
              data-testid="wizard-field-verifyServer"
            />
            {t('wizard.security.verify')}
          </label>

          <PemField
            name="ca"
            label={t('wizard.security.ca')}
            placeholder="-----BEGIN CERTIFICATE-----"
            hint={t('wizard.security.caHint')}
          />
          <PemField name="cert" label={t('wizard.security.cert')} placeholder="-----BEGIN CERTIFICATE-----" />
          <PemField name="key" label={t('wizard.security.key')} placeholder="-----BEGIN PRIVATE KEY-----" />
          <div className="wizard-row">
            {form.key.trim() !== '' && (
              <Field name="passphrase" label={t('wizard.security.passphrase')} error={errors.passphrase}>
                {(p) => (
                  <input
                    {...p}
                    type="password"
                    autoComplete="off"
                    value={form.passphrase}
                    onChange={(e) => setField('passphrase', e.target.value)}
                    onBlur={() => show('passphrase')}
                  />
                )}
              </Field>
            )}
            <Field
              name="servername"
              label={t('wizard.security.servername')}
              error={errors.servername}
              hint={t('wizard.security.servernameHint')}
            >
              {(p) => (
                <input
                  {...p}
                  value={form.servername}
                  placeholder={form.host || t('wizard.security.sameAsHost')}
                  spellCheck={false}
                  onChange={(e) => setField('servername', e.target.value)}
                  onBlur={() => show('servername')}
                />
              )}
            </Field>
          </div>
        </>
      )}
    </div>
  );
}
