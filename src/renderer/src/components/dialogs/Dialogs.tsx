import { t } from '../../i18n/words';
import { AddShellyDialog } from '../commission/AddShellyDialog';
import { useUi } from '../../state/ui';
import { ErrorBoundary } from '../ErrorBoundary';
import { AllOffDialog } from './AllOffDialog';
import { AssignDialog } from './AssignDialog';
import { AuditDialog } from './AuditDialog';
import { ExportDialog } from './ExportDialog';
import { SetPinDialog, UnlockDialog } from './PinDialog';
import { RenameDialog } from './RenameDialog';
import { SettingsDialog } from './SettingsDialog';

/** The one open dialog, if any (opened by the user, never by an event). */
export function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  return (
    <ErrorBoundary what={t('dialogs.boundary')}>
      {dialog.kind === 'assign' && (
        <AssignDialog key={dialog.nodeId} deviceId={dialog.nodeId} room={dialog.room} />
      )}
      {dialog.kind === 'rename' && <RenameDialog key={dialog.nodeId} nodeId={dialog.nodeId} />}
      {dialog.kind === 'all-off' && <AllOffDialog key={dialog.nodeId} nodeId={dialog.nodeId} />}
      {dialog.kind === 'export' && <ExportDialog key={dialog.nodeId ?? ''} nodeId={dialog.nodeId} />}
      {dialog.kind === 'unlock' && <UnlockDialog />}
      {dialog.kind === 'set-pin' && <SetPinDialog />}
      {dialog.kind === 'audit' && <AuditDialog />}
      {dialog.kind === 'settings' && <SettingsDialog />}
      {dialog.kind === 'add-shelly' && <AddShellyDialog />}
    </ErrorBoundary>
  );
}
