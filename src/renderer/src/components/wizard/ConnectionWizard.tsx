import { useEffect, useRef, type ComponentType, type KeyboardEvent } from 'react';
import type { ConnectionProfileInput } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { useWizard } from '../../state/wizard';
import { BrokerStep } from './BrokerStep';
import { isTlsProtocol, STEP_TITLES, stepErrors, WIZARD_STEPS, type WizardStep } from './form';
import { SaveStep } from './SaveStep';
import { SecurityStep } from './SecurityStep';
import { TestStep } from './TestStep';
import { TopicsStep } from './TopicsStep';
import './wizard.css';

export interface ConnectionWizardProps {
  open: boolean;
  onClose(): void;
  /** A profile to start from (e.g. from settings); its secrets are never part of it. */
  initial?: ConnectionProfileInput;
}

const BODIES: Record<WizardStep, ComponentType> = {
  broker: BrokerStep,
  security: SecurityStep,
  topics: TopicsStep,
  test: TestStep,
  save: SaveStep,
};

/**
 * Connect to the site's broker, step by step: broker → security → topics → test → save.
 * Reachable from the empty state and from settings; the parent decides when it is open.
 */
export function ConnectionWizard({ open, onClose, initial }: ConnectionWizardProps) {
  const step = useWizard((s) => s.step);
  const form = useWizard((s) => s.form);
  const saved = useWizard((s) => s.saved);
  const start = useWizard((s) => s.start);
  const reset = useWizard((s) => s.reset);
  const next = useWizard((s) => s.next);
  const back = useWizard((s) => s.back);
  const goTo = useWizard((s) => s.goTo);
  const dialog = useRef<HTMLDivElement>(null);
  // By value: a parent that builds `initial` anew on each render must not restart the wizard.
  const initialKey = initial ? JSON.stringify(initial) : '';

  useEffect(() => {
    if (!open) return;
    start(initialKey ? (JSON.parse(initialKey) as ConnectionProfileInput) : undefined);
    // Focus the first field so the keyboard works at once.
    const timer = setTimeout(
      () => dialog.current?.querySelector<HTMLElement>('input, select, textarea')?.focus(),
      0,
    );
    return () => {
      clearTimeout(timer);
      // Closing drops everything typed, the password first.
      reset();
    };
  }, [open, initialKey, start, reset]);

  if (!open) return null;

  const at = WIZARD_STEPS.indexOf(step);
  const Body = BODIES[step];
  const isTls = isTlsProtocol(form.protocol);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
  };
  // A step can be jumped to once every step before it is filled in correctly.
  const isReachable = (target: WizardStep) =>
    WIZARD_STEPS.slice(0, WIZARD_STEPS.indexOf(target)).every(
      (s) => Object.keys(stepErrors(form, s)).length === 0,
    );

  return (
    <div className="wizard-backdrop">
      <div
        ref={dialog}
        className="wizard"
        role="dialog"
        aria-modal="true"
        aria-labelledby="wizard-title"
        data-testid="connection-wizard"
        data-step={step}
        onKeyDown={onKeyDown}
      >
        <header className="wizard-head">
          <h2 id="wizard-title">{t('wizard.title')}</h2>
          <button
            type="button"
            className="dismiss"
            aria-label={t('wizard.close')}
            onClick={onClose}
            data-testid="wizard-close"
          >
            ×
          </button>
        </header>

        <nav aria-label={t('wizard.steps')}>
          <ol className="wizard-steps">
            {WIZARD_STEPS.map((s, i) => (
              <li key={s}>
                <button
                  type="button"
                  className={`wizard-step-tab${s === step ? ' is-current' : ''}${i < at ? ' is-done' : ''}`}
                  aria-current={s === step ? 'step' : undefined}
                  disabled={s !== step && !isReachable(s)}
                  onClick={() => goTo(s)}
                  data-testid={`wizard-tab-${s}`}
                >
                  <span className="wizard-step-number">{i + 1}</span> {t(STEP_TITLES[s])}
                </button>
              </li>
            ))}
          </ol>
        </nav>

        {isTls && !form.verifyServer && (
          <p className="wizard-warning" role="alert" data-testid="wizard-tls-warning">
            {t('wizard.tlsWarning')}
          </p>
        )}

        {/* A form so Enter means Next and password fields behave; it never submits anywhere. */}
        <form
          className="wizard-body"
          aria-label={t(STEP_TITLES[step])}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (step !== 'test' && step !== 'save') next();
          }}
        >
          <Body />
        </form>

        <footer className="wizard-foot">
          <button type="button" onClick={back} disabled={at === 0} data-testid="wizard-back">
            {t('wizard.back')}
          </button>
          <span className="wizard-spacer" />
          {step !== 'save' ? (
            <button type="button" className="wizard-primary" onClick={() => next()} data-testid="wizard-next">
              {t('wizard.next')}
            </button>
          ) : (
            <button type="button" onClick={onClose} data-testid="wizard-done">
              {saved ? t('wizard.done') : t('wizard.cancel')}
            </button>
          )}
        </footer>
      </div>
    </div>
  );
}
