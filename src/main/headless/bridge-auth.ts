/**
 * Who may drive the console through the bridge: a browser holding this start's session cookie,
 * or a script sending the API token as `Authorization: Bearer`. The cookie is HttpOnly (no script
 * can read it) and SameSite=Strict (no other site's request carries it); it is handed out with
 * the app page on loopback, and only after the token is given at /login otherwise.
 *
 * Each sign-in is a session of its own, so a manager PIN unlocks one browser, not every browser
 * that reaches the console (core/access). Sessions live as long as the service, up to
 * MAX_SESSIONS; the one unused longest is forgotten first (a script loading the page in a loop
 * must not sign out the people using it) and its browser signs in again.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Role } from '../../shared/contract';

export interface BridgeAuthOptions {
  apiToken: string;
  /** Off loopback a browser must sign in with the token; on loopback the page is enough. */
  loginRequired: boolean;
  /** Cookies are shared by every port of a host, so each console names its own by its port. */
  port: () => number;
}

/** What a request proved: a session, the token, nothing, or a wrong token (worth counting). */
export type Credential = 'session' | 'bearer' | 'none' | 'wrong-token';

/** Equal-length digests make the comparison constant-time whatever the candidate's length. */
function sameSecret(candidate: string, secret: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(candidate), digest(secret));
}

/**
 * Every value sent under `name`: a server on another port of this host can set a cookie of the
 * same name (cookies ignore ports), and taking only the first would lock the real one out.
 */
function cookieValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values;
}

/** Who signed a session in: a configured user with their role, or someone with the token. */
export interface SignedIn {
  user: string | null;
  grant?: Role;
}

export interface Session extends SignedIn {
  /** A key the core may keep and log: a digest of the cookie, never the cookie. */
  key: string;
}

export interface BridgeAuth {
  readonly loginRequired: boolean;
  /**
   * The Set-Cookie header value that signs this browser in, as a new session, until the console
   * restarts.
   */
  newSessionCookie(who?: SignedIn): string;
  check(req: IncomingMessage): Credential;
  /** The session a request's cookie proves; null without a valid cookie. */
  sessionOf(req: IncomingMessage): Session | null;
  tokenMatches(candidate: string): boolean;
}

export const MAX_SESSIONS = 10_000;

const digestOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function createBridgeAuth(options: BridgeAuthOptions): BridgeAuth {
  // Secrets are made per start: a cookie from an earlier run (or another console) is worthless.
  // Kept by digest: a lookup by a candidate's digest tells a timing observer nothing of a secret.
  const sessions = new Map<string, SignedIn>();
  const cookieName = () => `kilowatch_session_${options.port()}`;
  const sessionOf = (req: IncomingMessage): Session | null => {
    for (const digest of cookieValues(req, cookieName()).map(digestOf)) {
      const who = sessions.get(digest);
      if (!who) continue;
      // Used now: moved to the end, so the eviction order is least recently used first.
      sessions.delete(digest);
      sessions.set(digest, who);
      return { key: digest.slice(0, 32), ...who };
    }
    return null;
  };

  return {
    loginRequired: options.loginRequired,
    newSessionCookie: (who = { user: null }) => {
      const secret = randomBytes(32).toString('base64url');
      sessions.set(digestOf(secret), who);
      if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
      return `${cookieName()}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
    },
    tokenMatches: (candidate) => sameSecret(candidate, options.apiToken),
    sessionOf,
    check(req) {
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        return m && sameSecret(m[1] as string, options.apiToken) ? 'bearer' : 'wrong-token';
      }
      return sessionOf(req) === null ? 'none' : 'session';
    },
  };
}
