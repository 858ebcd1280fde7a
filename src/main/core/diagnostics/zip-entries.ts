/**
 * A zip of named entries (fflate), compressed a slice at a time with a turn of the event loop
 * between slices: the core's thread keeps counting readings and answering commands while 25 MB
 * of logs are packed, as it does during a long report.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Zip, ZipDeflate } from 'fflate';

export interface ZipEntry {
  name: string;
  bytes: Uint8Array;
}

/** About a millisecond of deflate per slice. */
const SLICE_BYTES = 64 * 1024;

export async function zipEntries(entries: readonly ZipEntry[], mtime: Date): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let failure: Error | null = null;
  let isDone = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else parts.push(chunk);
    if (final) isDone = true;
  });
  for (const entry of entries) {
    const file = new ZipDeflate(entry.name, { level: 6 });
    file.mtime = mtime;
    zip.add(file);
    if (entry.bytes.length === 0) file.push(new Uint8Array(0), true);
    for (let at = 0; at < entry.bytes.length; at += SLICE_BYTES) {
      file.push(entry.bytes.subarray(at, at + SLICE_BYTES), at + SLICE_BYTES >= entry.bytes.length);
      await nextTurn();
    }
  }
  zip.end();
  if (failure) throw failure;
  // ZipDeflate is synchronous: by end() every chunk has been handed over.
  if (!isDone) throw new Error('the diagnostics zip did not finish');
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
