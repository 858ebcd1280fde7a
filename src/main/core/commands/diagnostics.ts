/** "Export diagnostics": the archive for support, as the contract carries it (base64). */
import { err, ok } from '../../../shared/result';
import {
  buildDiagnostics,
  type DiagnosticsArchive,
  type DiagnosticsDeps,
} from '../diagnostics/diagnostics-archive';
import type { CommandPart } from './part';

export function diagnosticsCommands(deps: DiagnosticsDeps): CommandPart<'diagnostics.export'> {
  return {
    'diagnostics.export': async () => {
      let archive: DiagnosticsArchive;
      try {
        archive = await buildDiagnostics(deps);
      } catch (e) {
        // A log file or folder this user cannot read: say which. Anything else is a bug (dispatch).
        const code = (e as { code?: string }).code;
        if (!code || !(e instanceof Error)) throw e;
        return err('storage-unavailable', `Could not read what the diagnostics need: ${e.message}`);
      }
      const { fileName, zip } = archive;
      return ok({
        fileName,
        bytes: zip.byteLength,
        zipBase64: Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength).toString('base64'),
      });
    },
  };
}
