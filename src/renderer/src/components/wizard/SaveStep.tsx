import { useState } from 'react';
import { t } from '../../i18n/words';
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
        <dt>{t('wizard.summary.name')}</dt>
        <dd>{form.name}</dd>
        <dt>{t('wizard.summary.broker')}</dt>
        <dd>{brokerUrl(form)}</dd>
        <dt>MQTT</dt>
        <dd>{form.protocolVersion === 5 ? '5' : '3.1.1'}</dd>
        <dt>{t('wizard.summary.user')}</dt>
        <dd>{form.username || t('wizard.summary.anonymous')}</dd>
        {isTls && (
          <>
            <dt>{t('wizard.summary.certificate')}</dt>
            <dd>
              {form.verifyServer ? t('wizard.summary.verified') : t('wizard.summary.notVerified')}
              {form.ca.trim() !== '' && `, ${t('wizard.summary.ownCa')}`}
              {form.cert.trim() !== '' && `, ${t('wizard.summary.clientCert')}`}
            </dd>
          </>
        )}
        <dt>{t('wizard.summary.topics')}</dt>
        <dd>{filtersOf(form.subscribe).join(', ')}</dd>
      </dl>

      <label className="wizard-check">
        <input
          type="checkbox"
          checked={activate}
          onChange={(e) => setActivate(e.target.checked)}
          data-testid="wizard-activate"
        />
        {t('wizard.save.activate')}
      </label>

      {!hasPassed && !saved && (
        <p className="wizard-note" role="status" data-testid="wizard-untested">
          {report && isCurrent ? t('wizard.save.lastFailed') : t('wizard.save.untested')}{' '}
          <button type="button" className="link-button" onClick={() => goTo('test')}>
            {t('wizard.save.goToTest')}
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
            ? t('wizard.save.saving')
            : activate
              ? hasPassed
                ? t('wizard.save.saveConnect')
                : t('wizard.save.saveConnectAnyway')
              : t('wizard.save.save')}
        </button>
      </div>

      {replace && (
        <div
          className="wizard-replace"
          role="alertdialog"
          aria-label={t('wizard.replace.label')}
          data-testid="wizard-replace"
        >
          <p>
            {t('wizard.replace.question', {
              live: replace.live,
              next: replace.next,
              broker: replace.liveBroker ? ` (${replace.liveBroker})` : '',
              untested: hasPassed ? '' : t('wizard.replace.untested'),
            })}
          </p>
          <div className="wizard-save-row">
            <button
              type="button"
              className="wizard-danger"
              onClick={() => void answerReplace(true)}
              data-testid="wizard-replace-yes"
            >
              {t('wizard.replace.yes', { live: replace.live, next: replace.next })}
            </button>
            <button type="button" onClick={() => void answerReplace(false)} data-testid="wizard-replace-no">
              {t('wizard.replace.no', { live: replace.live, next: replace.next })}
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
          {t('wizard.saved', { name: saved.name })}{' '}
          {saved.connectError
            ? t('wizard.saved.notConnected', { message: saved.connectError.message })
            : saved.state
              ? t('wizard.saved.connected', { broker: saved.state.broker ?? t('wizard.saved.theBroker') })
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
