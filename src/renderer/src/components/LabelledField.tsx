import { useId, type ReactNode } from 'react';

/** What a field hands its control: its id and how it is described, for labels and screen readers. */
export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
  'data-testid': string;
}

interface Props {
  label: string;
  /** Shown under the control and read with it. */
  hint?: ReactNode;
  /** Said as soon as it appears, and tied to the control (aria-invalid, aria-describedby). */
  problem: string | null | undefined;
  testId: string;
  problemTestId: string;
  /** Each form's own look: the wizard's and the dialogs' fields differ only in classes. */
  classes: { field: string; hint: string; problem: string };
  children: (control: ControlProps) => ReactNode;
}

/** A label, its control, a hint and the field's own problem right under it. */
export function LabelledField({ label, hint, problem, testId, problemTestId, classes, children }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const describedBy =
    [hint ? hintId : null, problem ? problemId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={classes.field}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(problem),
        'aria-describedby': describedBy,
        'data-testid': testId,
      })}
      {hint && (
        <p className={classes.hint} id={hintId}>
          {hint}
        </p>
      )}
      {problem && (
        <p className={classes.problem} id={problemId} role="alert" data-testid={problemTestId}>
          {problem}
        </p>
      )}
    </div>
  );
}
