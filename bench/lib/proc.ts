/** Memory of another process, from /proc (Linux): resident set now and its high-water mark. */
import { readFileSync } from 'node:fs';

export interface Rss {
  rssMB: number;
  /** VmHWM: the peak resident set since the process started. */
  peakMB: number;
}

export function readRss(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]);
  };
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
}
