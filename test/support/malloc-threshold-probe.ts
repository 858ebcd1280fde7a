/**
 * Run in a process of its own by test/integration/malloc-threshold.test.ts. With "pin" as its
 * argument it first pins the threshold as the console does (worker/malloc-threshold.ts). Then it
 * frees a 4 MB block, which is what raises glibc's threshold, and makes a 1 MB block. It prints
 * how that block was served: the bytes glibc maps apart grow by it only when it was mapped.
 */
import koffi from 'koffi';
import { pinMallocMmapThreshold } from '../../src/main/worker/malloc-threshold';

const libc = koffi.load('libc.so.6');
const malloc = libc.func('void *malloc(size_t)');
const free = libc.func('void free(void *)');
// malloc.h's struct mallinfo2: hblkhd is the bytes in blocks mapped apart.
const MallInfo2 = koffi.struct('mallinfo2', {
  arena: 'size_t',
  ordblks: 'size_t',
  smblks: 'size_t',
  hblks: 'size_t',
  hblkhd: 'size_t',
  usmblks: 'size_t',
  fsmblks: 'size_t',
  uordblks: 'size_t',
  fordblks: 'size_t',
  keepcost: 'size_t',
});
const mallinfo2 = libc.func('mallinfo2', MallInfo2, []) as () => { hblkhd: number };

const pin = process.argv[2] === 'pin' ? pinMallocMmapThreshold() : null;
free(malloc(4 * 1024 * 1024));
const before = mallinfo2().hblkhd;
const block = malloc(1024 * 1024);
const mappedBytes = mallinfo2().hblkhd - before;
free(block);
console.log(JSON.stringify({ pin, mappedBytes }));
