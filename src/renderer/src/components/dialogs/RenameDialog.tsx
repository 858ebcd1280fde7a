import { useState } from 'react';
import { PLACE_NAME_PATTERN, type NodeKind } from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n/words';
import { renameNode } from '../../state/actions';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { Dialog, nameProblem } from './Dialog';

const TITLES: Record<NodeKind, MessageKey> = {
  company: 'dialogs.rename.title.company',
  office: 'dialogs.rename.title.office',
  room: 'dialogs.rename.title.room',
  device: 'dialogs.rename.title.device',
  channel: 'dialogs.rename.title.channel',
  unassigned: 'dialogs.rename.title.unassigned',
};

/** Gives any node a display name (site.rename); ids and topics do not change. */
export function RenameDialog({ nodeId }: { nodeId: string }) {
  const close = useUi((s) => s.closeDialog);
  const node = useTree((s) => s.byId[nodeId]);
  const [name, setName] = useState(node?.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const problem = nameProblem(name, PLACE_NAME_PATTERN);
  const isUnchanged = name === node?.name;

  const submit = async (): Promise<void> => {
    if (problem || isUnchanged || isBusy) return;
    setBusy(true);
    setError(null);
    const reply = await renameNode(nodeId, name.normalize('NFC'));
    setBusy(false);
    if (!reply.ok) return setError(reply.error.message);
    useUi.getState().notify(t('dialogs.rename.done', { name: reply.value.name }));
    close();
  };

  return (
    <Dialog
      title={node ? t(TITLES[node.kind], { name: node.name }) : t('dialogs.rename.submit')}
      testId="rename-dialog"
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
            disabled={!!problem || isUnchanged || isBusy}
            data-testid="rename-submit"
          >
            {isBusy ? t('dialogs.rename.renaming') : t('dialogs.rename.submit')}
          </button>
        </>
      }
    >
      {node ? (
        <>
          <label className="field">
            {t('dialogs.rename.newName')}
            <input
              value={name}
              // Opening a rename dialog is asking to type: focus the field.
              autoFocus
              onChange={(e) => setName(e.target.value)}
              aria-invalid={problem !== null}
              data-testid="rename-input"
            />
          </label>
          <p className="muted small">{t('dialogs.rename.hint')}</p>
          {problem && name !== '' && <p className="field-problem">{problem}</p>}
          {error && (
            <p className="field-problem" role="alert" data-testid="rename-error">
              {error}
            </p>
          )}
        </>
      ) : (
        <p>{t('dialogs.rename.gone')}</p>
      )}
    </Dialog>
  );
}
