import { useState } from 'react';
import type { CommandValue, RebuildProgress } from '../../../../shared/contract';
import { formatCount } from '../../format';
import { t, type MessageKey } from '../../i18n/words';
import { rebuildHistory, useSettings } from '../../state/settings';
import { DeskHint, useIsDesk } from './DeskHint';

type Step =
  | { kind: 'idle' }
  | { kind: 'confirm' }
  | { kind: 'running' }
  | { kind: 'done'; report: CommandValue<'history.rebuild'> }
  | { kind: 'failed'; message: string };

const PHASE_WORDS: Record<RebuildProgress['phase'], MessageKey> = {
  reading: 'settings.rebuild.phase.reading',
  writing: 'settings.rebuild.phase.writing',
  done: 'settings.rebuild.phase.done',
  failed: 'settings.rebuild.phase.failed',
};

/** "Rebuilt 1,234 buckets from 56,789 minutes; 3 differed and were rewritten." */
export function reportText({ buckets, minutes, differed }: CommandValue<'history.rebuild'>): string {
  const rewritten =
    differed === 0
      ? t('settings.rebuild.noneDiffered')
      : t('settings.rebuild.differed', { count: differed, n: formatCount(differed) });
  return t('settings.rebuild.report', {
    buckets: formatCount(buckets),
    minutes: formatCount(minutes),
    rewritten,
  });
}

/**
 * How far a rebuild is, from the core's events: one started here, in another window, or by a
 * time-zone change. Shown only for rebuilds heard while this view is open.
 */
function Progress({ sinceSeq }: { sinceSeq: number }) {
  const progress = useSettings((s) => (s.rebuildSeq > sinceSeq ? s.rebuild : null));
  if (!progress) return null;
  const { phase, done, total } = progress;
  return (
    <div className="rebuild-progress">
      <progress
        data-testid="settings-rebuild-progress"
        data-phase={phase}
        value={phase === 'done' ? 1 : total > 0 ? done / total : undefined}
        max={1}
        aria-label={t('settings.rebuild.progressLabel')}
      />
      <span className="muted small" role="status">
        {total > 0 && phase !== 'failed'
          ? t('settings.rebuild.count', {
              phase: t(PHASE_WORDS[phase]),
              done: formatCount(done),
              total: formatCount(total),
            })
          : t(PHASE_WORDS[phase])}
        {phase === 'failed' && progress.message ? `: ${progress.message}` : ''}
      </span>
    </div>
  );
}

/** Recomputes hour…month history from the kept minutes, after saying what that means. */
export function RebuildHistory() {
  const isDesk = useIsDesk();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  // Rebuilds from before the dialog opened are old news.
  const [sinceSeq] = useState(() => useSettings.getState().rebuildSeq);

  const run = async (): Promise<void> => {
    setStep({ kind: 'running' });
    const reply = await rebuildHistory();
    setStep(
      reply.ok ? { kind: 'done', report: reply.value } : { kind: 'failed', message: reply.error.message },
    );
  };

  return (
    <div className="settings-rebuild">
      {step.kind === 'confirm' ? (
        <div className="rebuild-confirm" role="group" aria-label={t('settings.rebuild.confirmLabel')}>
          <p>{t('settings.rebuild.confirm')}</p>
          <span className="settings-actions">
            <button type="button" className="tool" onClick={() => setStep({ kind: 'idle' })}>
              {t('settings.rebuild.cancel')}
            </button>
            <button
              type="button"
              className="primary"
              data-testid="settings-rebuild-confirm"
              disabled={isDesk}
              onClick={() => void run()}
            >
              {t('settings.rebuild.run')}
            </button>
          </span>
        </div>
      ) : (
        <button
          type="button"
          className="tool"
          data-testid="settings-rebuild"
          disabled={isDesk || step.kind === 'running'}
          onClick={() => setStep({ kind: 'confirm' })}
        >
          {step.kind === 'running' ? t('settings.rebuild.running') : t('settings.rebuild.open')}
        </button>
      )}
      {isDesk && <DeskHint testId="settings-rebuild-desk" />}
      <Progress sinceSeq={sinceSeq} />
      {step.kind === 'done' && (
        <p className="muted small" role="status" data-testid="settings-rebuild-result">
          {reportText(step.report)}
        </p>
      )}
      {step.kind === 'failed' && (
        <p className="field-problem" role="alert" data-testid="settings-rebuild-error">
          {step.message}
        </p>
      )}
    </div>
  );
}
