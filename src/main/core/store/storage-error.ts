/** SQLite failures a person can act on, in words (the contract's storage codes). */
import { ok, type ApiError, type Result } from '../../../shared/result';

interface CodedError {
  code?: unknown;
  message?: unknown;
}

export function storageError(e: unknown, path: string): ApiError | null {
  if (!(e instanceof Error)) return null;
  const code = String((e as CodedError).code ?? '');
  const detail = { path, sqlite: code || e.message };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return {
      code: 'disk-full',
      message: `The disk holding ${path} is full. Free some space; counting goes on in memory and is saved once there is room.`,
      detail,
    };
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return {
      code: 'storage-corrupt',
      message: `${path} is not a readable Kilowatch database (damaged or another kind of file). It was left untouched; move it away or choose another --db file.`,
      detail,
    };
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS' || code === 'EPERM')
    return {
      code: 'storage-unavailable',
      message: `${path} cannot be written (read-only file, folder or disk). Check its permissions or choose another --db file.`,
      detail,
    };
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENOENT')
    return {
      code: 'storage-unavailable',
      message: `${path} cannot be opened: the folder does not exist or is not writable. Choose another --db file.`,
      detail,
    };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return {
      code: 'storage-unavailable',
      message: `${path} is locked by another program (is another Kilowatch running on it?). Retrying.`,
      detail,
    };
  if (code.startsWith('SQLITE_IOERR'))
    return {
      code: 'storage-unavailable',
      message: `Reading or writing ${path} failed (${code}). Check the disk.`,
      detail,
    };
  return null;
}

/**
 * Runs a database write: a failure a person can act on (full disk, read-only file…) comes back
 * as a value in words; anything else is a bug and is thrown.
 */
export function guardedWrite<T>(path: string, write: () => T): Result<T, ApiError> {
  try {
    return ok(write());
  } catch (e) {
    const mapped = storageError(e, path);
    if (mapped) return { ok: false, error: mapped };
    throw e;
  }
}
