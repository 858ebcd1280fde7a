import { useState } from 'react';
import { PLACE_NAME_PATTERN } from '../../../../shared/contract';
import { kindLabel } from '../../format';
import { renameNode } from '../../state/actions';
import { useTree } from '../../state/tree';
import { useUi } from '../../state/ui';
import { Dialog, nameProblem } from './Dialog';

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
    useUi.getState().notify(`Renamed to ${reply.value.name}.`);
    close();
  };

  return (
    <Dialog
      title={node ? `Rename ${kindLabel(node.kind).toLowerCase()} ${node.name}` : 'Rename'}
      testId="rename-dialog"
      onClose={close}
      onSubmit={() => void submit()}
      actions={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={!!problem || isUnchanged || isBusy}
            data-testid="rename-submit"
          >
            {isBusy ? 'Renaming…' : 'Rename'}
          </button>
        </>
      }
    >
      {node ? (
        <>
          <label className="field">
            New name
            <input
              value={name}
              // Opening a rename dialog is asking to type: focus the field.
              autoFocus
              onChange={(e) => setName(e.target.value)}
              aria-invalid={problem !== null}
              data-testid="rename-input"
            />
          </label>
          <p className="muted small">
            Only the name shown here and in reports changes; device topics stay as they are.
          </p>
          {problem && name !== '' && <p className="field-problem">{problem}</p>}
          {error && (
            <p className="field-problem" role="alert" data-testid="rename-error">
              {error}
            </p>
          )}
        </>
      ) : (
        <p>This node is no longer on the site.</p>
      )}
    </Dialog>
  );
}
