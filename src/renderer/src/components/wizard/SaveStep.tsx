import { useState } from 'react';
import { isReportCurrent, useWizard } from '../../state/wizard';
import { brokerUrl, filtersOf, isTlsProtocol } from './form';

/** Step 5: what will be saved, and Save & connect. */
export function SaveStep() {
  const form = useWizard((s) => s.form);
  const report = useWizard((s) => s.report);
  const isCurrent = useWizard(isReportCurrent);
  const isSaving = useWizard((s) => s.isSaving);
  const saved = useWizard((s) => s.saved);
  const saveError = useWizard((s) => s.saveError);
  const saveAndConnect = useWizard((s) => s.saveAndConnect);
  const goTo = useWizard((s) => s.goTo);
  const [activate, setActivate] = useState(true);
  const hasPassed = isCurrent && report?.passed === true;
  const isTls = isTlsProtocol(form.protocol);

  return (
    <div className="wizard-step-body">
      <dl className="wizard-summary">
        <dt>Name</dt>
        <dd>{form.name}</dd>
        <dt>Broker</dt>
        <dd>{brokerUrl(form)}</dd>
        <dt>MQTT</dt>
        <dd>{form.protocolVersion === 5 ? '5' : '3.1.1'}</dd>
        <dt>User</dt>
        <dd>{form.username || 'anonymous'}</dd>
        {isTls && (
          <>
            <dt>Certificate</dt>
            <dd>
              {form.verifyServer ? 'verified' : 'NOT verified'}
              {form.ca.trim() !== '' && ', own CA'}
              {form.cert.trim() !== '' && ', client certificate'}
            </dd>
          </>
        )}
        <dt>Topics</dt>
        <dd>{filtersOf(form.subscribe).join(', ')}</dd>
      </dl>

      <label className="wizard-check">
        <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} />
        Make this the active connection (Kilowatch reconnects to it when it starts)
      </label>

      {!hasPassed && !saved && (
        <p className="wizard-note" role="status" data-testid="wizard-untested">
          {report && isCurrent
            ? 'The last test failed. You can still save; Kilowatch will keep retrying.'
            : 'These settings have not been tested yet.'}{' '}
          <button type="button" className="link-button" onClick={() => goTo('test')}>
            Go to Test
          </button>
        </p>
      )}

      <div className="wizard-save-row">
        <button
          type="button"
          className="wizard-primary"
          disabled={isSaving}
          onClick={() => void saveAndConnect({ activate })}
          data-testid="wizard-save"
        >
          {isSaving
            ? 'Saving…'
            : activate
              ? hasPassed
                ? 'Save & connect'
                : 'Save & connect anyway'
              : 'Save'}
        </button>
      </div>

      {saved && (
        <p
          className={`wizard-verdict ${saved.connectError ? 'is-bad' : 'is-ok'}`}
          role="status"
          data-testid="wizard-saved"
          data-status={saved.state?.status ?? ''}
        >
          Saved “{saved.name}”.{' '}
          {saved.connectError
            ? `Not connected yet: ${saved.connectError.message}`
            : saved.state
              ? `Connected to ${saved.state.broker ?? 'the broker'}.`
              : ''}
        </p>
      )}
      {saveError && !saved && (
        <div className="wizard-failure" role="alert" data-testid="wizard-save-error">
          <p>{saveError.message}</p>
        </div>
      )}
    </div>
  );
}
