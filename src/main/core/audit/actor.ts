/** How the audit trail and the alert list name who did something. */
import type { Caller } from '../../../shared/contract';

export function actorOf(caller: Caller): string {
  if (caller.user) return caller.user;
  switch (caller.via) {
    case 'ipc':
      return 'desktop window';
    case 'local':
      return 'this machine';
    case 'web':
      // The session key is a digest the bridge made of its cookie, never the cookie itself.
      return `browser session ${caller.session.slice(0, 8)}`;
  }
}
