import type { ConnectionTestReport } from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n/words';
import { isReportCurrent, useWizard } from '../../state/wizard';
import { isTlsProtocol, STEP_TITLES, stepToFix } from './form';

type CheckName = ConnectionTestReport['steps'][number]['step'];
type CheckState = 'pending' | 'running' | 'ok' | 'warn' | 'fail' | 'skipped';

const CHECK_LABELS: Record<CheckName, MessageKey> = {
  resolve: 'wizard.check.resolve',
  tcp: 'wizard.check.tcp',
  tls: 'wizard.check.tls',
  connack: 'wizard.check.connack',
  subscribe: 'wizard.check.subscribe',
  'first-message': 'wizard.check.firstMessage',
};

const ICONS: Record<CheckState, string> = {
  pending: '○',
  running: '…',
  ok: '✓',
  warn: '!',
  fail: '✕',
  skipped: '–',
};

/** Step 4: the real handshake, shown as a checklist; the first failure says why. */
export function TestStep() {
  const protocol = useWizard((s) => s.form.protocol);
  const isTesting = useWizard((s) => s.isTesting);
  const testRuns = useWizard((s) => s.testRuns);
  const report = useWizard((s) => s.report);
  const testError = useWizard((s) => s.testError);
  const isCurrent = useWizard(isReportCurrent);
  const runTest = useWizard((s) => s.runTest);
  const goTo = useWizard((s) => s.goTo);

  const names: CheckName[] = [
    'resolve',
    'tcp',
    ...(isTlsProtocol(protocol) ? ['tls' as const] : []),
    'connack',
    'subscribe',
    'first-message',
  ];
  const failed = report?.steps.find((s) => !s.ok && s.step !== 'first-message');
  const stateOf = (name: CheckName): CheckState => {
    if (isTesting) return 'running';
    const done = report?.steps.find((s) => s.step === name);
    if (done) return done.ok ? 'ok' : report?.passed ? 'warn' : 'fail';
    return report ? 'skipped' : 'pending';
  };
  const fixAt = failed ? stepToFix(failed.step, report?.failure?.code) : null;

  return (
    <div className="wizard-step-body">
      <div className="wizard-test-head">
        <button
          type="button"
          className="wizard-primary"
          onClick={() => void runTest()}
          disabled={isTesting}
          data-testid="wizard-test"
        >
          {isTesting ? t('wizard.test.testing') : report ? t('wizard.test.again') : t('wizard.test.run')}
        </button>
        {report && !isTesting && (
          <span
            className={`wizard-verdict ${report.passed ? 'is-ok' : 'is-bad'}`}
            data-testid="wizard-verdict"
            data-passed={report.passed}
          >
            {report.passed ? t('wizard.test.works') : t('wizard.test.fails')}
            {!isCurrent && ` ${t('wizard.test.stale')}`}
          </span>
        )}
      </div>

      <ol
        className="wizard-checklist"
        aria-live="polite"
        aria-busy={isTesting}
        data-testid="wizard-checklist"
        data-runs={testRuns}
      >
        {names.map((name) => {
          const state = stateOf(name);
          const done = report?.steps.find((s) => s.step === name);
          return (
            <li
              key={name}
              className={`wizard-check-item is-${state}`}
              data-testid={`wizard-step-${name}`}
              data-state={state}
              {...(done && { 'data-ok': String(done.ok) })}
            >
              <span className="wizard-check-icon" aria-hidden="true">
                {ICONS[state]}
              </span>
              <span className="wizard-check-label">{t(CHECK_LABELS[name])}</span>
              {done && <span className="wizard-check-ms">{done.ms} ms</span>}
              {/* A failure's reason is shown once, in full, below the list. */}
              {done?.message && state !== 'fail' && (
                <span className="wizard-check-message">{done.message}</span>
              )}
            </li>
          );
        })}
      </ol>

      {report?.failure && !isTesting && (
        <div
          className="wizard-failure"
          role="alert"
          data-testid="wizard-failure"
          data-code={report.failure.code}
        >
          <p>{report.failure.message}</p>
          {fixAt && (
            <button type="button" className="link-button" onClick={() => goTo(fixAt)}>
              {t('wizard.test.fixIn', { step: t(STEP_TITLES[fixAt]) })}
            </button>
          )}
        </div>
      )}
      {testError && !isTesting && (
        <div className="wizard-failure" role="alert" data-testid="wizard-failure" data-code={testError.code}>
          <p>{testError.message}</p>
        </div>
      )}
    </div>
  );
}
