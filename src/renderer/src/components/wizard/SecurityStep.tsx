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
        <Field name="username" label="User name" error={errors.username}>
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
          label="Password"
          error={errors.password}
          hint="Kept in this computer's secret store, never in the settings file or logs."
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
          With plain MQTT the password travels unencrypted. Use MQTT over TLS (mqtts://) if the broker offers
          it.
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
            Verify the broker’s certificate (recommended)
          </label>

          <PemField
            name="ca"
            label="CA certificate (PEM), if the broker’s certificate is not from a public authority"
            placeholder="-----BEGIN CERTIFICATE-----"
            hint="Paste it, or choose the .pem / .crt file your IT contractor gave you."
          />
          <PemField
            name="cert"
            label="Client certificate (PEM), only if the broker asks for one"
            placeholder="-----BEGIN CERTIFICATE-----"
          />
          <PemField name="key" label="Client key (PEM)" placeholder="-----BEGIN PRIVATE KEY-----" />
          <div className="wizard-row">
            {form.key.trim() !== '' && (
              <Field name="passphrase" label="Key passphrase, if the key has one" error={errors.passphrase}>
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
              label="Server name (SNI)"
              error={errors.servername}
              hint="Only when the certificate is for another name than the host you typed."
            >
              {(p) => (
                <input
                  {...p}
                  value={form.servername}
                  placeholder={form.host || 'same as host'}
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
