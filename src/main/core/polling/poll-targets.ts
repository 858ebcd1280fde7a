/** `[[poll]]` entries as the poller takes them: defaults filled in, password files read. */
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { readSecretFile } from '../config';
import type { PollConfig } from './poll-config';

/** One device to poll, its secret read: what crosses to the core's thread. */
export interface PollTarget {
  url: string;
  /** The device key it is filed under: a Gen2 topic prefix, or Gen1 `shellies/<id>`. */
  prefix: string;
  generation: 1 | 2;
  intervalMs: number;
  username?: string;
  password?: string;
}

/** Shelly's only user name for Gen2+ and the default for Gen1. */
const DEFAULT_USERNAME = 'admin';

/** The entries with their password files read (0600 only); the first problem, in words. */
export function pollTargets(polls: readonly PollConfig[]): Result<PollTarget[], ApiError> {
  const targets: PollTarget[] = [];
  for (const p of polls) {
    let password: string | undefined;
    if (p.passwordFile !== undefined) {
      const read = readSecretFile(p.passwordFile);
      if (!read.ok) return err('invalid-params', `[[poll]] ${p.prefix}: ${read.error.message}`);
      password = read.value;
    }
    targets.push({
      url: p.url.replace(/\/$/, ''),
      prefix: p.prefix,
      generation: p.generation,
      intervalMs: p.intervalS * 1000,
      ...(password !== undefined && { username: p.username ?? DEFAULT_USERNAME, password }),
    });
  }
  return ok(targets);
}
