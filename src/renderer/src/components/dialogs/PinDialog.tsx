import { useState } from 'react';
import { t } from '../../i18n/words';
import { setPin, unlock, useAccess } from '../../state/access';
import { useUi } from '../../state/ui';
import { Dialog } from './Dialog';

const PIN = /^\d{4,12}$/;

/** A PIN box: hidden as typed, digits only, never offered to a password manager. */
function PinField(props: {
  label: string;
  value: string;
  onChange: (digits: string) => void;
  testId: string;
  autoFocus?: boolean;
}) {
  return (
    <label className="field">
      {props.label}
      <input
        type="password"
        inputMode="numeric"
        autoComplete="off"
        autoFocus={props.autoFocus}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value.replace(/\D/g, ''))}
        data-testid={props.testId}
      />
    </label>
  );
}

/** Unlocks this window as manager with the PIN. */
export function UnlockDialog() {
  const close = useUi((s) => s.closeDialog);
  const minutes = useAccess((s) => s.status?.unlockMinutes ?? 15);
  const [pin, setPinText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    if (!PIN.test(pin) || isBusy) return;
    setBusy(true);
    const reply = await unlock(pin);
    setBusy(false);
    if (!reply.ok) {
      setPinText('');
      return setError(reply.error.message);
    }
    useUi.getState().notify(t('dialogs.pin.managerFor', { minutes }));
    close();
  };
  return (
    <Dialog
      title={t('dialogs.pin.unlockTitle')}
      testId="unlock-dialog"
      onClose={close}
      onSubmit={() => void submit()}
      actions={
        <>
          <button type="button" onClick={close}>
            {t('dialogs.cancel')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={!PIN.test(pin) || isBusy}
            data-testid="unlock-submit"
          >
            {isBusy ? t('dialogs.pin.checking') : t('dialogs.pin.unlock')}
          </button>
        </>
      }
    >
      <PinField
        label={t('dialogs.pin.managerPin')}
        value={pin}
        onChange={setPinText}
        testId="pin-input"
        autoFocus
      />
      <p className="muted small">{t('dialogs.pin.unlockHint', { minutes })}</p>
      {error && (
        <p className="field-problem" role="alert" data-testid="pin-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}

/** Sets the first manager PIN, or (as manager, with the current one) changes or removes it. */
export function SetPinDialog() {
  const close = useUi((s) => s.closeDialog);
  const isPinSet = useAccess((s) => s.status?.isPinSet ?? false);
  const [current, setCurrent] = useState('');
  const [pin, setPinText] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const problem = !PIN.test(pin)
    ? t('dialogs.pin.length')
    : pin !== again
      ? t('dialogs.pin.differ')
      : isPinSet && !PIN.test(current)
        ? t('dialogs.pin.typeCurrent')
        : null;
  const save = async (next: string | null): Promise<void> => {
    if (isBusy || (next !== null && problem)) return;
    setBusy(true);
    const reply = await setPin(isPinSet ? current : undefined, next);
    setBusy(false);
    if (!reply.ok) return setError(reply.error.message);
    useUi.getState().notify(next === null ? t('dialogs.pin.removed') : t('dialogs.pin.set'));
    close();
  };
  return (
    <Dialog
      title={isPinSet ? t('dialogs.pin.changeTitle') : t('dialogs.pin.setTitle')}
      testId="set-pin-dialog"
      onClose={close}
      onSubmit={() => void save(pin)}
      actions={
        <>
          {isPinSet && (
            <button
              type="button"
              disabled={!PIN.test(current) || isBusy}
              data-testid="remove-pin"
              onClick={() => void save(null)}
            >
              {t('dialogs.pin.remove')}
            </button>
          )}
          <button type="button" onClick={close}>
            {t('dialogs.cancel')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={problem !== null || isBusy}
            data-testid="set-pin-submit"
          >
            {isBusy ? t('dialogs.saving') : t('dialogs.save')}
          </button>
        </>
      }
    >
      {isPinSet && (
        <PinField
          label={t('dialogs.pin.current')}
          value={current}
          onChange={setCurrent}
          testId="current-pin"
        />
      )}
      <PinField
        label={t('dialogs.pin.new')}
        value={pin}
        onChange={setPinText}
        testId="new-pin"
        autoFocus={!isPinSet}
      />
      <PinField label={t('dialogs.pin.again')} value={again} onChange={setAgain} testId="new-pin-again" />
      <p className="muted small">{t('dialogs.pin.setHint')}</p>
      {pin !== '' && problem && <p className="field-problem">{problem}</p>}
      {error && (
        <p className="field-problem" role="alert" data-testid="set-pin-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}
