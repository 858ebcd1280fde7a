import type { ReactNode } from 'react';
import { LabelledField, type ControlProps } from '../LabelledField';

interface Props {
  label: string;
  /** Shown under the control and read with it. */
  hint?: ReactNode;
  /** Said as soon as it appears, and tied to the control (aria-invalid, aria-describedby). */
  problem?: string | null;
  testId: string;
  children: (control: ControlProps) => ReactNode;
}

const CLASSES = { field: 'field commission-field', hint: 'muted small', problem: 'field-problem' };

/** A field of the "Add a Shelly" dialog: a label, its control, a hint and its own problem. */
export function CommissionField({ label, hint, problem, testId, children }: Props) {
  return (
    <LabelledField
      label={label}
      hint={hint}
      problem={problem}
      testId={testId}
      problemTestId={`${testId}-problem`}
      classes={CLASSES}
    >
      {children}
    </LabelledField>
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
