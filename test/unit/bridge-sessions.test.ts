/**
 * The bridge's sessions: one per sign-in, bounded, and the one unused longest goes first, so
 * something loading the page in a loop cannot sign out a browser that is in use.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createBridgeAuth, MAX_SESSIONS } from '../../src/main/headless/bridge-auth';

const PORT = 5178;
const auth = () =>
  createBridgeAuth({ apiToken: 'unit-token-0123456789', loginRequired: false, port: () => PORT });
const withCookie = (setCookie: string) =>
  ({ headers: { cookie: setCookie.split(';')[0] } }) as unknown as IncomingMessage;

describe('bridge sessions', () => {
  it('gives each sign-in its own session, with its own key', () => {
    const a = auth();
    const first = withCookie(a.newSessionCookie());
    const second = withCookie(a.newSessionCookie());
    expect(a.check(first)).toBe('session');
    expect(a.sessionOf(first)?.key).not.toBe(a.sessionOf(second)?.key);
    expect(a.sessionOf(first)?.key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('forgets the session unused longest, not one in use', () => {
    const a = auth();
    const inUse = withCookie(a.newSessionCookie());
    const idle = withCookie(a.newSessionCookie());
    for (let i = 2; i < MAX_SESSIONS; i++) {
      a.newSessionCookie();
      if (i % 1000 === 0) expect(a.check(inUse)).toBe('session');
    }
    expect(a.check(inUse)).toBe('session');
    a.newSessionCookie(); // one over the bound
    expect(a.check(idle)).toBe('none');
    expect(a.check(inUse)).toBe('session');
  });
});
