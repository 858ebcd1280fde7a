/**
 * "Export diagnostics": asks the core for the support archive (logs, versions, the configuration
 * without its secrets, stats, the last alerts) and hands it to the browser as a download, the same
 * way in the desktop window and in a browser on the headless bridge.
 */
import { useState } from 'react';
import { saveDownload } from '../download';
import { t } from '../i18n/words';
import { api } from '../state/actions';
import { useUi } from '../state/ui';

/** The contract carries the zip as base64 (one JSON reply); the download wants its bytes. */
function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function DiagnosticsExport() {
  const [isBusy, setBusy] = useState(false);

  const exportDiagnostics = async (): Promise<void> => {
    setBusy(true);
    const { notify } = useUi.getState();
    try {
      const reply = await api().invoke('diagnostics.export', {});
      if (!reply.ok) return notify(t('app.diagnostics.failed', { message: reply.error.message }), 'error');
      saveDownload(
        new Blob([bytesOf(reply.value.zipBase64)], { type: 'application/zip' }),
        reply.value.fileName,
      );
      notify(t('app.diagnostics.saved', { fileName: reply.value.fileName }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <button
      type="button"
      className="tool"
      data-testid="export-diagnostics"
      disabled={isBusy}
      aria-busy={isBusy}
      title={t('app.diagnostics.title')}
      onClick={() => void exportDiagnostics()}
    >
      {isBusy ? t('app.diagnostics.exporting') : t('app.diagnostics.export')}
    </button>
  );
}
