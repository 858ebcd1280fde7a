import { useId, type ReactNode } from 'react';
import type { FieldName } from './form';

interface FieldProps {
  name: FieldName;
  label: string;
  error: string | null;
  hint?: ReactNode;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
    'data-testid': string;
  }) => ReactNode;
}

/** A label, the control, and the field's own error right under it (announced when it appears). */
export function Field({ name, label, error, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`wizard-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': error !== null,
        'aria-describedby': describedBy,
        'data-testid': `wizard-field-${name}`,
      })}
      {hint && (
        <p className="wizard-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="wizard-error" id={errorId} role="alert" data-testid={`wizard-error-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}
