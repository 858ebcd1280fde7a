/** The header's words for the broker link: "broker unreachable" and a countdown to the next try. */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/shared/contract';

/** The renderer's module, seen from Node (it belongs to the web TypeScript project). */
interface WordsModule {
  statusWord(state: ConnectionState): string;
  retryCountdown(state: ConnectionState, nowMs: number): string | null;
}
// Loaded by path: the file is type-checked by tsconfig.web.json, not by this (Node) project.
const WORDS = resolve(__dirname, '../../src/renderer/src/connection-words.ts');
let statusWord: WordsModule['statusWord'];
let retryCountdown: WordsModule['retryCountdown'];
beforeAll(async () => {
  ({ statusWord, retryCountdown } = (await import(/* @vite-ignore */ WORDS)) as WordsModule);
});

const NOW = Date.parse('2025-03-10T08:00:00.000Z');
const state = (p: Partial<ConnectionState>): ConnectionState => ({
  status: 'reconnecting',
  broker: 'mqtt://broker.example:1883',
  subscribed: false,
  demo: false,
  tlsVerified: null,
  lastError: { code: 'broker-unreachable', message: 'Nothing is listening at mqtt://broker.example:1883.' },
  nextRetryAt: '2025-03-10T08:00:12.300Z',
  ...p,
});

describe('the header while the broker cannot be reached', () => {
  it('says "broker unreachable" for refused, silent and stalled brokers, the status otherwise', () => {
    expect(statusWord(state({}))).toBe('broker unreachable');
    expect(statusWord(state({ lastError: { code: 'timeout', message: 'stopped answering' } }))).toBe(
      'broker unreachable',
    );
    expect(statusWord(state({ lastError: { code: 'auth-rejected', message: 'rejected' } }))).toBe(
      'reconnecting',
    );
    expect(statusWord(state({ status: 'connected', lastError: null }))).toBe('connected');
  });

  it('counts down to the next try in whole seconds, then says it is trying', () => {
    expect(retryCountdown(state({}), NOW)).toBe('retrying in 13 s');
    expect(retryCountdown(state({}), NOW + 11_400)).toBe('retrying in 1 s');
    expect(retryCountdown(state({}), NOW + 12_300)).toBe('retrying now…');
    expect(retryCountdown(state({ nextRetryAt: null }), NOW)).toBeNull();
    expect(retryCountdown(state({ status: 'connected' }), NOW)).toBeNull();
  });
});
