import { useMemo, useState } from 'react';
import { PLACE_NAME_PATTERN, UNASSIGNED } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { assignDevice } from '../../state/actions';
import { reveal } from '../../state/navigate';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { Dialog, nameProblem } from './Dialog';

/**
 * Puts a device into a room (site.assign): an existing room, or a new one typed in; a placed
 * device can also go back to Unassigned.
 */
export function AssignDialog({ deviceId, room }: { deviceId: string; room?: string }) {
  const close = useUi((s) => s.closeDialog);
  const device = useTree((s) => s.byId[deviceId]);
  const byId = useTree((s) => s.byId);
  const rooms = useMemo(
    () =>
      Object.values(byId)
        .filter((n) => n.kind === 'room')
        .sort((a, b) => a.path.join('/').localeCompare(b.path.join('/'))),
    [byId],
  );
  const companies = useMemo(() => Object.values(byId).filter((n) => n.kind === 'company'), [byId]);
  const [mode, setMode] = useState<'existing' | 'new' | 'unassigned'>(rooms.length > 0 ? 'existing' : 'new');
  // A device with a reason is waiting under Unassigned already; only a placed one can go back.
  const isPlaced = device !== undefined && device.reason === undefined;
  const currentRoom = isPlaced ? device.path.slice(0, 3).join(' / ') : '';
  const [roomId, setRoomId] = useState(room ?? rooms[0]?.id ?? '');
  const [company, setCompany] = useState(companies[0]?.name ?? '');
  const [office, setOffice] = useState('');
  const [roomName, setRoomName] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const chosen = rooms.find((r) => r.id === roomId);
  const path: string[] = mode === 'existing' ? (chosen?.path ?? []) : [company, office, roomName];
  const problems =
    mode === 'new'
      ? [
          [t('dialogs.assign.company'), nameProblem(company, PLACE_NAME_PATTERN)],
          [t('dialogs.assign.office'), nameProblem(office, PLACE_NAME_PATTERN)],
          [t('dialogs.assign.room'), nameProblem(roomName, PLACE_NAME_PATTERN)],
        ].filter(([, problem]) => problem !== null)
      : chosen
        ? []
        : [[t('dialogs.assign.room'), t('dialogs.assign.pickRoom')]];
  const nameIssue = name === '' ? null : nameProblem(name, PLACE_NAME_PATTERN);
  const isValid = mode === 'unassigned' || (problems.length === 0 && nameIssue === null && path.length === 3);

  const submit = async (): Promise<void> => {
    if (!isValid || isBusy) return;
    setBusy(true);
    setError(null);
    const reply =
      mode === 'unassigned'
        ? await assignDevice(deviceId, UNASSIGNED)
        : await assignDevice(deviceId, path as [string, string, string], name || undefined);
    setBusy(false);
    if (!reply.ok) return setError(reply.error.message);
    useUi
      .getState()
      .notify(
        mode === 'unassigned'
          ? t('dialogs.assign.unassignedDone', { device: device?.name ?? deviceId, room: currentRoom })
          : t('dialogs.assign.done', { device: name || device?.name || deviceId, path: path.join(' / ') }),
      );
    close();
    reveal(deviceId);
  };

  if (!device) {
    return (
      <Dialog
        title={t('dialogs.assign.titleGone')}
        testId="assign-dialog"
        onClose={close}
        actions={
          <button type="button" onClick={close}>
            {t('dialogs.close')}
          </button>
        }
      >
        <p>{t('dialogs.assign.gone')}</p>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={t('dialogs.assign.title', { device: device.name })}
      testId="assign-dialog"
      onClose={close}
      onSubmit={() => void submit()}
      actions={
        <>
          <button type="button" onClick={close}>
            {t('dialogs.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!isValid || isBusy} data-testid="assign-submit">
            {isBusy
              ? t('dialogs.assign.assigning')
              : mode === 'unassigned'
                ? t('dialogs.assign.toUnassigned')
                : t('dialogs.assign.submit')}
          </button>
        </>
      }
    >
      <p className="muted">{t('dialogs.assign.intro')}</p>
      <fieldset className="choice">
        <legend>{t('dialogs.assign.room')}</legend>
        <label className="check">
          <input
            type="radio"
            name="assign-mode"
            checked={mode === 'existing'}
            disabled={rooms.length === 0}
            onChange={() => setMode('existing')}
            data-testid="assign-existing"
          />
          {t('dialogs.assign.existing')}
        </label>
        {mode === 'existing' && (
          <select
            aria-label={t('dialogs.assign.existingLabel')}
            value={roomId}
            onChange={(e) => setRoomId(e.target.value)}
            data-testid="assign-room"
          >
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {r.path.join(' / ')}
              </option>
            ))}
          </select>
        )}
        <label className="check">
          <input
            type="radio"
            name="assign-mode"
            checked={mode === 'new'}
            onChange={() => setMode('new')}
            data-testid="assign-new"
          />
          {t('dialogs.assign.new')}
        </label>
        {mode === 'new' && (
          <div className="path-inputs">
            <label>
              {t('dialogs.assign.company')}
              <input
                value={company}
                onChange={(e) => setCompany(e.target.value)}
                data-testid="assign-company"
              />
            </label>
            <label>
              {t('dialogs.assign.office')}
              <input value={office} onChange={(e) => setOffice(e.target.value)} data-testid="assign-office" />
            </label>
            <label>
              {t('dialogs.assign.room')}
              <input
                value={roomName}
                onChange={(e) => setRoomName(e.target.value)}
                data-testid="assign-room-name"
              />
            </label>
          </div>
        )}
        {isPlaced && (
          <label className="check">
            <input
              type="radio"
              name="assign-mode"
              checked={mode === 'unassigned'}
              onChange={() => setMode('unassigned')}
              data-testid="assign-unassigned"
            />
            {t('dialogs.assign.back', { room: currentRoom })}
          </label>
        )}
      </fieldset>
      {mode !== 'unassigned' && (
        <label className="field">
          {t('dialogs.assign.name')}
          <input
            value={name}
            placeholder={device.name}
            onChange={(e) => setName(e.target.value)}
            data-testid="assign-name"
            aria-invalid={nameIssue !== null}
          />
        </label>
      )}
      {mode !== 'unassigned' &&
        problems.map(([field, problem]) => (
          <p key={field} className="field-problem">
            {field}: {problem}
          </p>
        ))}
      {mode !== 'unassigned' && nameIssue && (
        <p className="field-problem">{t('dialogs.assign.nameProblem', { problem: nameIssue })}</p>
      )}
      {error && (
        <p className="field-problem" role="alert" data-testid="assign-error">
          {error}
        </p>
      )}
    </Dialog>
  );
}
