/**
 * Who may do what. Without a manager PIN everyone is a manager (today's behaviour, with a hint in
 * the console to set one). With one, every session starts at the desk and becomes manager for
 * UNLOCK_MINUTES by typing the PIN; a session is the window or a bridge login (the adapter says
 * which, never the page). Wrong PINs are counted per session and for the console as a whole, so
 * neither one window nor many can guess a short PIN.
 */
import {
  MANAGER_COMMANDS,
  type AccessStatus,
  type Caller,
  type CommandName,
  type Role,
} from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { createAttemptLimiter, type AttemptLimiter } from './attempt-limiter';
import { hashSecret, verifySecret } from './secret-hash';
import type { PinStore } from './pin-store';

export const UNLOCK_MINUTES = 15;
/** Per session: 5 wrong PINs a minute. For the whole console: 20 (many windows, one guesser). */
const SESSION_TRIES = { maxFailures: 5, windowMs: 60_000 };
const CONSOLE_TRIES = { maxFailures: 20, windowMs: 60_000 };
const CONSOLE_KEY = '*';
/** Unlocked sessions remembered at once (a bridge mints one per login). */
const MAX_SESSIONS = 10_000;

export interface AccessDeps {
  pins: PinStore;
  clock: () => number;
  unlockMinutes?: number;
}

export class AccessControl {
  /** session → when its manager elevation ends (ms). */
  private readonly unlocked = new Map<string, number>();
  private readonly sessionTries: AttemptLimiter;
  private readonly consoleTries: AttemptLimiter;
  private pinHash: string | null;
  private readonly unlockMs: number;

  constructor(private readonly deps: AccessDeps) {
    this.pinHash = deps.pins.hash();
    this.unlockMs = (deps.unlockMinutes ?? UNLOCK_MINUTES) * 60_000;
    this.sessionTries = createAttemptLimiter({ ...SESSION_TRIES, maxKeys: MAX_SESSIONS, now: deps.clock });
    this.consoleTries = createAttemptLimiter({ ...CONSOLE_TRIES, maxKeys: 1, now: deps.clock });
  }

  get isPinSet(): boolean {
    return this.pinHash !== null;
  }

  roleOf(caller: Caller): Role {
    if (caller.via === 'local' || caller.grant === 'manager') return 'manager';
    // A desk user signed in by name stays at the desk without a PIN: the operator said so.
    if (!this.pinHash) return caller.grant ?? 'manager';
    const until = this.unlocked.get(caller.session);
    if (until === undefined) return 'desk';
    if (until > this.deps.clock()) return 'manager';
    this.unlocked.delete(caller.session);
    return 'desk';
  }

  status(caller: Caller): AccessStatus {
    const role = this.roleOf(caller);
    const until = this.pinHash && role === 'manager' ? this.unlocked.get(caller.session) : undefined;
    return {
      isPinSet: this.pinHash !== null,
      role,
      until: until === undefined ? null : new Date(until).toISOString(),
      user: caller.user,
      unlockMinutes: this.unlockMs / 60_000,
    };
  }

  /** Null when the caller may run the command, else why not, in words a desk clerk understands. */
  refusal(command: CommandName, caller: Caller): ApiError | null {
    if (!MANAGER_COMMANDS.has(command) || this.roleOf(caller) === 'manager') return null;
    return {
      code: 'forbidden',
      message: `Only a manager may do this (${command}). Unlock with the manager PIN, then try again.`,
    };
  }

  async unlock(caller: Caller, pin: string): Promise<Result<AccessStatus, ApiError>> {
    if (!this.pinHash) return ok(this.status(caller));
    const wait = Math.max(
      this.sessionTries.retryAfterS(caller.session),
      this.consoleTries.retryAfterS(CONSOLE_KEY),
    );
    if (wait > 0) return err('forbidden', `Too many wrong PINs. Try again in ${wait} s.`);
    if (!(await verifySecret(pin, this.pinHash))) {
      this.sessionTries.recordFailure(caller.session);
      this.consoleTries.recordFailure(CONSOLE_KEY);
      return err('forbidden', 'That is not the manager PIN.');
    }
    this.remember(caller.session, this.deps.clock() + this.unlockMs);
    return ok(this.status(caller));
  }

  lock(caller: Caller): AccessStatus {
    this.unlocked.delete(caller.session);
    return this.status(caller);
  }

  /**
   * Sets, changes or removes the PIN. Changing or removing one needs a manager who also types the
   * current PIN, so a window left unlocked cannot be used to take the console over.
   */
  async setPin(
    caller: Caller,
    current: string | undefined,
    pin: string | null,
  ): Promise<Result<AccessStatus, ApiError>> {
    // Without a PIN everyone is a manager except a named desk user: setting the first PIN would
    // let them unlock themselves.
    if (this.roleOf(caller) !== 'manager')
      return err('forbidden', 'Only a manager may set or change the manager PIN. Unlock first.');
    if (this.pinHash) {
      if (current === undefined) return err('invalid-params', 'Type the current manager PIN to change it.');
      const checked = await this.unlockCheck(caller, current);
      if (checked) return { ok: false, error: checked };
    } else if (pin === null) return ok(this.status(caller));
    const hash = pin === null ? null : await hashSecret(pin);
    const saved = this.deps.pins.set(hash, this.deps.clock());
    if (!saved.ok) return saved;
    this.pinHash = hash;
    // A new PIN ends every other unlock; whoever set it stays manager for the usual while.
    this.unlocked.clear();
    if (hash) this.remember(caller.session, this.deps.clock() + this.unlockMs);
    return ok(this.status(caller));
  }

  private async unlockCheck(caller: Caller, pin: string): Promise<ApiError | null> {
    const tried = await this.unlock(caller, pin);
    return tried.ok ? null : tried.error;
  }

  private remember(session: string, untilMs: number): void {
    this.unlocked.delete(session);
    this.unlocked.set(session, untilMs);
    if (this.unlocked.size > MAX_SESSIONS) this.unlocked.delete(this.unlocked.keys().next().value as string);
  }
}
