/** The `access_pin` table (migration 0006): the manager PIN's hash, or no row when none is set. */
import type Database from 'better-sqlite3';
import type { ApiError, Result } from '../../../shared/result';
import { guardedWrite } from '../store/storage-error';

export class PinStore {
  private readonly read;
  private readonly write;
  private readonly remove;

  constructor(
    db: Database.Database,
    private readonly path: string,
  ) {
    this.read = db.prepare('SELECT hash FROM access_pin WHERE id = 1');
    this.write = db.prepare(
      'INSERT INTO access_pin (id, hash, set_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, set_ms = excluded.set_ms',
    );
    this.remove = db.prepare('DELETE FROM access_pin WHERE id = 1');
  }

  hash(): string | null {
    return (this.read.get() as { hash: string } | undefined)?.hash ?? null;
  }

  set(hash: string | null, atMs: number): Result<void, ApiError> {
    return guardedWrite(this.path, () => {
      if (hash === null) this.remove.run();
      else this.write.run(hash, atMs);
    });
  }
}
