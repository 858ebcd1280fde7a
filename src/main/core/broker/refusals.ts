/**
 * What a broker's refusal means, in one table: the live connection (connection.ts) and the
 * wizard's test (connection-test.ts) read the same codes, so they must say the same thing.
 * MQTT 3.1.1 and 5.0 number their CONNACK codes differently; both spellings are listed.
 */
import type { ErrorCode } from '../../../shared/result';

export interface Refusal {
  code: ErrorCode;
  /** What the broker said, in words a front-desk person can repeat. */
  words: string;
}

/** A CONNACK refusal, and what the person connecting can change about it. */
export interface ConnackRefusal extends Refusal {
  fix: 'credentials' | 'client-id' | 'protocol-version' | null;
}

const CREDENTIALS: ConnackRefusal = {
  code: 'auth-rejected',
  words: 'user name or password refused',
  fix: 'credentials',
};
const CLIENT_ID: ConnackRefusal = { code: 'not-authorized', words: 'client id refused', fix: 'client-id' };
const VERSION: ConnackRefusal = {
  code: 'broker-unreachable',
  words: 'MQTT version not supported',
  fix: 'protocol-version',
};
const UNAVAILABLE: ConnackRefusal = { code: 'broker-unreachable', words: 'server unavailable', fix: null };

/**
 * CONNACK return codes (3.1.1: 1–5) and reason codes (5.0: ≥ 0x80). 3.1.1 code 5 and 5.0's 0x87
 * mean "not authorised", but Mosquitto answers a wrong password with them, so people are
 * pointed at their credentials either way (issue #6's table).
 */
const CONNACK: ReadonlyMap<number, ConnackRefusal> = new Map([
  [1, VERSION],
  [0x84, VERSION],
  [2, CLIENT_ID],
  [0x85, CLIENT_ID],
  [3, UNAVAILABLE],
  [0x88, UNAVAILABLE],
  [0x89, { code: 'broker-unreachable', words: 'server busy', fix: null }],
  [4, CREDENTIALS],
  [0x86, CREDENTIALS],
  [5, CREDENTIALS],
  [0x87, CREDENTIALS],
  [0x8a, { code: 'not-authorized', words: 'client banned', fix: null }],
  [0x8c, { code: 'auth-rejected', words: 'authentication method not supported', fix: null }],
]);

/** A CONNACK code not in the table still refused the connection; the broker is there but said no. */
export function connackRefusal(returnCode: number): ConnackRefusal {
  return CONNACK.get(returnCode) ?? { code: 'broker-unreachable', words: 'connection refused', fix: null };
}

/** SUBACK reason codes (3.1.1 knows only 0x80); the filter itself, not the user, can be at fault. */
const SUBACK: ReadonlyMap<number, Refusal> = new Map([
  [0x80, { code: 'not-authorized', words: 'failure' }],
  [0x83, { code: 'not-authorized', words: 'implementation specific error' }],
  [0x87, { code: 'not-authorized', words: 'not authorized' }],
  [0x8f, { code: 'topic-rejected', words: 'topic filter invalid' }],
  [0x91, { code: 'not-authorized', words: 'packet identifier in use' }],
  [0x97, { code: 'not-authorized', words: 'quota exceeded' }],
  [0x9e, { code: 'topic-rejected', words: 'shared subscriptions not supported' }],
  [0xa1, { code: 'not-authorized', words: 'subscription identifiers not supported' }],
  [0xa2, { code: 'topic-rejected', words: 'wildcard subscriptions not supported' }],
]);

/** Granted (a QoS, below 0x80) is null; every code from 0x80 up refuses the filter. */
export function subackRefusal(reasonCode: number): Refusal | null {
  if (reasonCode < 0x80) return null;
  return SUBACK.get(reasonCode) ?? { code: 'not-authorized', words: 'refused' };
}

/** The filters a SUBACK refused, with their codes (codes match filters by position). */
export function refusedFilters(
  filters: readonly string[],
  codes: ReadonlyArray<number | { qos?: unknown } | undefined>,
): Array<{ filter: string; code: number }> {
  return filters
    .map((filter, i) => {
      const granted = codes[i];
      return { filter, code: typeof granted === 'object' ? Number(granted.qos) : Number(granted ?? 0) };
    })
    .filter((r) => subackRefusal(r.code) !== null);
}

/** The first refused filter's code decides the error; every refused filter is named. */
export function subscribeRefusal(refused: ReadonlyArray<{ filter: string; code: number }>): {
  code: ErrorCode;
  message: string;
} | null {
  const first = refused[0];
  if (!first) return null;
  const refusal = subackRefusal(first.code) ?? { code: 'not-authorized', words: 'refused' };
  const filters = refused.map((r) => `"${r.filter}"`).join(', ');
  return {
    code: refusal.code,
    message:
      `The broker does not allow subscribing to ${filters} (SUBACK 0x${first.code.toString(16)}, ` +
      `${refusal.words}). Ask for read access to it, or use a filter this user may read.`,
  };
}

/**
 * Node's certificate verification codes that mean "not issued by anyone trusted here" (as
 * opposed to expired, not yet valid, or for another host, which have words of their own).
 */
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
