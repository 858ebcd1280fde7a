/**
 * The desktop app's way to choose a certificate or key: a main-process file dialog, so the
 * renderer never touches a path. The file is read here, proved to be PEM of the right kind, and
 * handed to the wizard as text (the profile store then keeps its own 0600 copy).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { OpenDialogOptions, OpenDialogReturnValue } from 'electron';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import { describeCertificate, parseCertificates, parsePrivateKey } from '../core/broker/pem';

export interface OpenDialog {
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

export type PemKind = 'ca' | 'cert' | 'key';
const WHAT: Record<PemKind, string> = { ca: 'CA certificate', cert: 'client certificate', key: 'client key' };
const MAX_BYTES = 1_000_000;

export async function pickPem(
  dialog: OpenDialog,
  kind: PemKind,
): Promise<Result<{ pem: string; file: string; summary: string } | null, ApiError>> {
  const chosen = await dialog.showOpenDialog({
    title: `Choose the ${WHAT[kind]} (PEM)`,
    properties: ['openFile'],
    filters: [
      { name: 'PEM files', extensions: ['pem', 'crt', 'cer', 'key'] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  const path = chosen.filePaths[0];
  if (chosen.canceled || !path) return ok(null);
  const file = basename(path);
  try {
    if ((await stat(path)).size > MAX_BYTES)
      return err('invalid-params', `${file} is larger than 1 MB: that is not a PEM ${WHAT[kind]}.`);
    const pem = await readFile(path, 'utf8');
    if (kind === 'key') {
      const key = parsePrivateKey(pem, undefined);
      // An encrypted key is fine here: its passphrase is asked for in the form.
      const isLocked = !key.ok && /protected by a passphrase/.test(key.error.message);
      if (!key.ok && !isLocked) return key;
      return ok({
        pem,
        file,
        summary: isLocked
          ? 'private key (encrypted: enter its passphrase)'
          : `${key.ok ? key.value.type : ''} private key`,
      });
    }
    const certs = parseCertificates(pem, WHAT[kind]);
    if (!certs.ok) return certs;
    const first = certs.value.certificates[0];
    return ok({ pem, file, summary: first ? describeCertificate(first) : WHAT[kind] });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      return err('invalid-params', `${file} cannot be read (${code}).`);
    throw e;
  }
}
