import { useWizard } from '../../state/wizard';
import { fieldError, type FieldName } from './form';

/** A field's error, once the person has left the field (or pressed Next, Test or Save). */
export function useFieldError(field: FieldName): string | null {
  const isShown = useWizard((s) => s.shown[field] === true);
  const error = useWizard((s) => fieldError(s.form, field));
  return isShown ? error : null;
}
