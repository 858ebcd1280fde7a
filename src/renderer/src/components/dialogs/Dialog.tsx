import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { t } from '../../i18n/words';

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  /** When given, the body is a form and Enter submits it. */
  onSubmit?: () => void;
  children: ReactNode;
  actions: ReactNode;
}

/** A native modal <dialog>: focus stays inside, Escape closes, the page behind is inert. */
export function Dialog({ title, testId, onClose, onSubmit, children, actions }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSubmit?.();
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </form>
    </dialog>
  );
}

/** Checks a place or node name the way the core will, to say what is wrong before sending it. */
export function nameProblem(name: string, pattern: RegExp): string | null {
  const trimmed = name.normalize('NFC');
  if (trimmed === '') return t('dialogs.name.empty');
  if (trimmed !== trimmed.trim()) return t('dialogs.name.spaces');
  if (!pattern.test(trimmed)) return t('dialogs.name.pattern');
  return null;
}
