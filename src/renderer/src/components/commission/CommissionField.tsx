import { useId, type ReactNode } from 'react';

interface Props {
  label: string;
  /** Shown under the control and read with it. */
  hint?: ReactNode;
  /** Said as soon as it appears, and tied to the control (aria-invalid, aria-describedby). */
  problem?: string | null;
  testId: string;
  children: (control: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
    'data-testid': string;
  }) => ReactNode;
}

/** A label, its control, a hint and the field's own problem right under it. */
export function CommissionField({ label, hint, problem, testId, children }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const describedBy =
    [hint ? hintId : null, problem ? problemId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field commission-field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(problem),
        'aria-describedby': describedBy,
        'data-testid': testId,
      })}
      {hint && (
        <p className="muted small" id={hintId}>
          {hint}
        </p>
      )}
      {problem && (
        <p className="field-problem" id={problemId} role="alert" data-testid={`${testId}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

/** What the core answered when a step failed, next to that step, until the next try. */
export function StepError({ message, testId }: { message: string | null; testId: string }) {
  if (!message) return null;
  return (
    <p className="field-problem commission-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}
