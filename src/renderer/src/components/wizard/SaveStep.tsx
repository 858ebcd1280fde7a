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
  const requestSave = useWizard((s) => s.requestSave);
  const replace = useWizard((s) => s.replace);
  const answerReplace = useWizard((s) => s.answerReplace);
  const goTo = useWizard((s) => s.goTo);
  const hasPassed = isCurrent && report?.passed === true;
  // Settings that have not passed a test never become the active connection unless asked to.
  const [activate, setActivate] = useState(hasPassed);
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
        <input
          type="checkbox"
          checked={activate}
          onChange={(e) => setActivate(e.target.checked)}
          data-testid="wizard-activate"
        />
        Make this the active connection (Kilowatch reconnects to it when it starts)
      </label>

      {!hasPassed && !saved && (
        <p className="wizard-note" role="status" data-testid="wizard-untested">
          {report && isCurrent
            ? 'The last test failed. You can still save it; it replaces the active connection only if you tick the box above.'
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
          disabled={isSaving || replace !== null}
          onClick={() => void requestSave({ activate })}
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

      {replace && (
        <div
          className="wizard-replace"
          role="alertdialog"
          aria-label="Replace the live connection?"
          data-testid="wizard-replace"
        >
          <p>
            Kilowatch is connected with “{replace.live}”{replace.liveBroker ? ` (${replace.liveBroker})` : ''}
            . Making “{replace.next}” the active connection disconnects “{replace.live}” now and uses “
            {replace.next}” from then on{hasPassed ? '' : ', although its test has not passed'}.
          </p>
          <div className="wizard-save-row">
            <button
              type="button"
              className="wizard-danger"
              onClick={() => void answerReplace(true)}
              data-testid="wizard-replace-yes"
            >
              Replace “{replace.live}” with “{replace.next}”
            </button>
            <button type="button" onClick={() => void answerReplace(false)} data-testid="wizard-replace-no">
              Keep “{replace.live}”, only save “{replace.next}”
            </button>
          </div>
        </div>
      )}

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
