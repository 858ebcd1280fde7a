/**
 * "Export diagnostics": asks the core for the support archive (logs, versions, the configuration
 * without its secrets, stats, the last alerts) and hands it to the browser as a download, the same
 * way in the desktop window and in a browser on the headless bridge.
 */
import { useState } from 'react';
import { saveDownload } from '../download';
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
      if (!reply.ok) return notify(`Could not export diagnostics: ${reply.error.message}`, 'error');
      saveDownload(
        new Blob([bytesOf(reply.value.zipBase64)], { type: 'application/zip' }),
        reply.value.fileName,
      );
      notify(`Saved “${reply.value.fileName}” to your downloads: logs and settings, without passwords.`);
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
      title="A zip for support: logs, versions, settings without passwords or tokens, the last alerts"
      onClick={() => void exportDiagnostics()}
    >
      {isBusy ? 'Exporting…' : 'Export diagnostics'}
    </button>
  );
}
