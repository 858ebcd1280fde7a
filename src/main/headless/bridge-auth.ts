/**
 * Who may drive the console through the bridge: a browser holding this start's session cookie,
 * or a script sending the API token as `Authorization: Bearer`. The cookie is HttpOnly (no script
 * can read it) and SameSite=Strict (no other site's request carries it); it is handed out with
 * the app page on loopback, and only after the token is given at /login otherwise.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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

export interface BridgeAuth {
  readonly loginRequired: boolean;
  /** The Set-Cookie header value that signs this browser in until the console restarts. */
  sessionCookie(): string;
  check(req: IncomingMessage): Credential;
  tokenMatches(candidate: string): boolean;
}

export function createBridgeAuth(options: BridgeAuthOptions): BridgeAuth {
  // A new secret per start: a cookie from an earlier run (or another console) is worthless.
  const session = randomBytes(32).toString('base64url');
  const cookieName = () => `kilowatch_session_${options.port()}`;

  return {
    loginRequired: options.loginRequired,
    sessionCookie: () => `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`,
    tokenMatches: (candidate) => sameSecret(candidate, options.apiToken),
    check(req) {
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        return m && sameSecret(m[1] as string, options.apiToken) ? 'bearer' : 'wrong-token';
      }
      return cookieValues(req, cookieName()).some((c) => sameSecret(c, session)) ? 'session' : 'none';
    },
  };
}
