import type { ReactNode } from 'react';
import { LabelledField, type ControlProps } from '../LabelledField';
import type { FieldName } from './form';

interface FieldProps {
  name: FieldName;
  label: string;
  error: string | null;
  hint?: ReactNode;
  children: (props: ControlProps) => ReactNode;
}

/** A wizard field: the label, the control, and the field's own error right under it. */
export function Field({ name, label, error, hint, children }: FieldProps) {
  return (
    <LabelledField
      label={label}
      hint={hint}
      problem={error}
      testId={`wizard-field-${name}`}
      problemTestId={`wizard-error-${name}`}
      classes={{
        field: `wizard-field${error ? ' has-error' : ''}`,
        hint: 'wizard-hint',
        problem: 'wizard-error',
      }}
    >
      {children}
    </LabelledField>
  );
}
