/**
 * The buckets of several series in one order: by start, then by series (the order a report's rows
 * are printed in). Each series is already in start order, so this merges them a row at a time
 * instead of sorting every row at once: a year of minutes keeps no array of all its rows and can
 * stop between any two.
 */
import type { Bucket } from './history';

export interface Merged {
  series: number;
  bucket: Bucket;
}

/** A series and the position of its next bucket. */
interface Head {
  series: number;
  at: number;
}

export function* mergeByStart(series: ReadonlyArray<readonly Bucket[]>): Generator<Merged> {
  // A binary min-heap of the series' heads, keyed by (start, series).
  const heap: Head[] = [];
  const node = (i: number): Head => heap[i] as Head;
  const bucketAt = (h: Head): Bucket => (series[h.series] as readonly Bucket[])[h.at] as Bucket;
  const less = (i: number, j: number): boolean => {
    const a = bucketAt(node(i)).startMs;
    const b = bucketAt(node(j)).startMs;
    return a < b || (a === b && node(i).series < node(j).series);
  };
  const swap = (i: number, j: number): void => {
    [heap[i], heap[j]] = [node(j), node(i)];
  };
  const up = (i: number): void => {
    for (let parent = (i - 1) >> 1; i > 0 && less(i, parent); i = parent, parent = (i - 1) >> 1)
      swap(i, parent);
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      let min = i;
      if (l < heap.length && less(l, min)) min = l;
      if (l + 1 < heap.length && less(l + 1, min)) min = l + 1;
      if (min === i) return;
      swap(i, min);
      i = min;
    }
  };
  series.forEach((buckets, i) => {
    if (buckets.length === 0) return;
    heap.push({ series: i, at: 0 });
    up(heap.length - 1);
  });
  while (heap.length > 0) {
    const top = node(0);
    yield { series: top.series, bucket: bucketAt(top) };
    top.at++;
    if (top.at >= (series[top.series] as readonly Bucket[]).length) {
      const last = heap.pop() as Head;
      if (heap.length === 0) return;
      heap[0] = last;
    }
    down(0);
  }
}
