/**
 * worker/malloc-threshold.ts pins glibc's mmap threshold through koffi: this checks, with glibc's
 * own counters, that a block of 1 MB made after a bigger one was freed is then mapped apart
 * (given back to the system once freed) and not left in the allocator's heap.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PROBE = resolve(__dirname, '../support/malloc-threshold-probe.ts');
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const MiB = 1024 * 1024;

async function probe(mode: 'pin' | 'leave'): Promise<{ pin: unknown; mappedBytes: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX_LOADER, PROBE, mode], {
    timeout: 30_000,
  });
  return JSON.parse(stdout) as { pin: unknown; mappedBytes: number };
}

describe.runIf(process.platform === 'linux')('the C allocator threshold (glibc)', () => {
  it('left to glibc, a freed 4 MB block makes the next 1 MB block come from the heap', async () => {
    // Without this, the pinned case below would prove nothing.
    expect((await probe('leave')).mappedBytes).toBe(0);
  });

  it('pinned, the 1 MB block is mapped apart, so freeing it gives it back', async () => {
    const { pin, mappedBytes } = await probe('pin');
    expect(pin).toEqual({ status: 'pinned' });
    expect(mappedBytes).toBeGreaterThanOrEqual(MiB);
  });
});
