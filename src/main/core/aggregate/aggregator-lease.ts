/**
 * Which console publishes the aggregates when several share one broker (ARCHITECTURE.md §9: one
 * console per site is the aggregator). The lease is one retained message on `leaseTopic`,
 * `{"clientId","since","at"}`, published by its holder; every console connects with a Last Will
 * that clears it (retained, empty), so when the holder dies the broker empties the lease and a
 * standby claims it. Every console counts everything, so whoever holds the lease publishes exact
 * totals.
 *
 *   - After subscribing, a console listens `settleMs` for the retained lease before claiming: the
 *     broker sends retained messages right after SUBACK, so a held lease is seen, not overwritten.
 *     Until it has decided, only the retained copy counts: a persistent session also replays lease
 *     messages queued while the console was away, and those are history (a live claim it misses
 *     meanwhile is settled by the tie-break below).
 *   - Two claims at once (both saw it free): the lowest client id wins. Each claimant sees the
 *     other's claim; the higher one stands by, the lower one publishes its claim again, so the
 *     retained copy ends as the winner's whatever order the broker stored them in.
 *   - A standby's will also empties the lease: the holder, seeing it empty, claims it again.
 *   - The holder empties the lease on a graceful close, so a standby takes over at once.
 *   - A will is not enough: a holder that loses power while the broker is unreachable leaves no
 *     will, and a persistent broker keeps its claim retained for good. So the holder says it is
 *     still there every `renewMs` (its claim again, same `since`, a fresh `at`), and a standby that
 *     has heard nothing from it for three renewals claims the lease; if the holder was merely slow,
 *     the tie-break settles it. "Heard" is this console's own clock when the claim arrived, never
 *     the `at` inside it (another machine's clock); a retained claim found on subscribing is
 *     heard once, so its holder gets one expiry window to renew, not more.
 *
 * Pure: the console feeds it messages and time, and publishes what it returns.
 */
import { z } from 'zod';

/** Under the aggregates' prefix, but never one of them: aggregate topics always end in `/energy`. */
export const leaseTopic = (outPrefix: string): string => `${outPrefix}/_lease/aggregator`;

/** Retained messages follow SUBACK in the same flight; half a second covers a slow link. */
export const LEASE_SETTLE_MS = 500;

/** The holder renews its claim this often; a standby checks about every `LEASE_CHECK_MS`. */
export const LEASE_RENEW_MS = 30_000;
/** A holder silent this long (three renewals missed) has lost the lease. */
export const LEASE_EXPIRY_RENEWALS = 3;
/** How often the console lets time pass for the lease (renewals and expiry are this late at most). */
export const LEASE_CHECK_MS = 5_000;

/** A claim is three short fields; anything longer is not one and is not parsed. */
const MAX_LEASE_CHARS = 1024;

const LeaseClaimSchema = z.object({
  clientId: z.string().min(1).max(256),
  since: z.iso.datetime({ offset: true }),
  /** When the holder last renewed it; absent in claims from consoles that predate renewals. */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type LeaseClaim = z.infer<typeof LeaseClaimSchema>;

/**
 * `unchecked`: the broker refused the lease topic (an ACL that predates it), so no other console
 * can be seen; this one publishes as it did before leases existed, and says so.
 */
export type LeaseRole = 'deciding' | 'aggregator' | 'standby' | 'unchecked';

export interface LeaseStep {
  /** Publish this on the lease topic, retained ('' empties it). */
  publish?: string;
  /** The lease message was not one: why (counted, never acted on). */
  invalid?: string;
  /** The role changed with this step. */
  roleChanged?: boolean;
  /** The lease was claimed because this holder stopped renewing it. */
  expiredHolder?: string;
}

export class AggregatorLease {
  private currentRole: LeaseRole = 'deciding';
  private heldBy: LeaseClaim | null = null;
  /** When a free lease may be claimed; never while disconnected. */
  private decideAtMs = Number.POSITIVE_INFINITY;
  /** Our own claim while we hold the lease (republished with the same `since`). */
  private own: LeaseClaim | null = null;
  /** Holder: when we last published our claim. */
  private renewedAtMs = Number.NEGATIVE_INFINITY;
  /** Standby: when a claim from the holder last arrived, on this console's clock. */
  private heardAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly clientId: string,
    readonly settleMs = LEASE_SETTLE_MS,
    readonly renewMs = LEASE_RENEW_MS,
  ) {}

  /** A standby claims the lease after hearing nothing from its holder for this long. */
  get expiryMs(): number {
    return LEASE_EXPIRY_RENEWALS * this.renewMs;
  }

  get role(): LeaseRole {
    return this.currentRole;
  }

  get isAggregator(): boolean {
    return this.currentRole === 'aggregator' || this.currentRole === 'unchecked';
  }

  /** The broker refused the lease topic: publish without a lease (nothing to claim or release). */
  refused(): LeaseStep {
    const changed = this.currentRole !== 'unchecked';
    this.disconnected();
    this.currentRole = 'unchecked';
    return changed ? { roleChanged: true } : {};
  }

  /** The claim last seen on the broker (ours included), or null when the lease is free. */
  get holder(): LeaseClaim | null {
    return this.heldBy;
  }

  /**
   * Subscribed (again): the retained lease follows SUBACK, so a free one is claimed after the
   * settle time. The retained copy may be handled before this call (mqtt.js can deliver it ahead
   * of the SUBACK callback); what it decided stands.
   */
  subscribed(nowMs: number): void {
    if (this.currentRole === 'deciding') this.decideAtMs = nowMs + this.settleMs;
  }

  /** Off the broker (or connecting to it): nothing published, nothing claimed, nothing known. */
  disconnected(): void {
    this.currentRole = 'deciding';
    this.heldBy = null;
    this.own = null;
    this.decideAtMs = Number.POSITIVE_INFINITY;
    this.renewedAtMs = Number.NEGATIVE_INFINITY;
    this.heardAtMs = Number.NEGATIVE_INFINITY;
  }

  /**
   * Time passing: claims the lease if it stayed free for the settle time; the holder renews its
   * claim when due; a standby claims a lease whose holder fell silent.
   */
  poll(nowMs: number): LeaseStep {
    switch (this.currentRole) {
      case 'deciding':
        if (nowMs < this.decideAtMs || this.heldBy) return {};
        return this.claim(nowMs);
      case 'aggregator':
        return nowMs - this.renewedAtMs >= this.renewMs ? this.assert(nowMs) : {};
      case 'standby': {
        if (nowMs - this.heardAtMs < this.expiryMs) return {};
        const silent = this.heldBy?.clientId;
        return { ...this.claim(nowMs), ...(silent !== undefined && { expiredHolder: silent }) };
      }
      case 'unchecked':
        return {};
    }
  }

  /**
   * The settle timer fired: a lease still free is claimed now. The timer measured the settle time,
   * yet the wall clock may read a millisecond or more short of it (Node's timers run on a truncated,
   * loop-cached monotonic clock), so `poll` would find the time not yet up. Nothing would claim the
   * lease until the next tick, and a publish that waited for the decision would find none.
   */
  settled(nowMs: number): LeaseStep {
    if (this.currentRole !== 'deciding' || this.heldBy || this.decideAtMs === Number.POSITIVE_INFINITY)
      return {};
    return this.claim(nowMs);
  }

  /** A message on the lease topic: the retained copy sent on subscribing, or a live one. */
  received(payload: string, isRetained: boolean, nowMs: number): LeaseStep {
    if (this.currentRole === 'deciding' && !isRetained) return {};
    if (payload === '') return this.emptied(nowMs);
    if (payload.length > MAX_LEASE_CHARS) return { invalid: 'lease-too-large' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (e) {
      if (e instanceof SyntaxError) return { invalid: 'lease-not-json' };
      throw e;
    }
    const claim = LeaseClaimSchema.safeParse(parsed);
    if (!claim.success) return { invalid: 'lease-invalid' };
    const { clientId, since } = claim.data;
    if (clientId === this.clientId) {
      // Our own claim: the echo of one we sent, or (just subscribed) the one we left retained.
      if (this.currentRole === 'standby') return {};
      if (this.currentRole === 'aggregator') return {};
      // Back, holding it still: say so at once, since a standby has not heard from us meanwhile.
      this.own = { clientId, since };
      this.heldBy = this.own;
      this.currentRole = 'aggregator';
      return { ...this.assert(nowMs), roleChanged: true };
    }
    if (this.currentRole === 'aggregator' && this.clientId < clientId) {
      // We win the tie-break: say so again, so the broker's retained copy ends as ours.
      return this.assert(nowMs);
    }
    const wasStandby = this.currentRole === 'standby';
    this.heldBy = { clientId, since };
    // A retained claim too: heard now, so its holder gets one expiry window to renew, no more.
    this.heardAtMs = nowMs;
    this.currentRole = 'standby';
    this.own = null;
    return wasStandby ? {} : { roleChanged: true };
  }

  /** Graceful close: a holder empties the lease so a standby takes over without waiting. */
  release(): LeaseStep {
    if (this.currentRole !== 'aggregator') return {};
    this.disconnected();
    this.heldBy = null;
    return { publish: '', roleChanged: true };
  }

  private emptied(nowMs: number): LeaseStep {
    this.heldBy = null;
    // A standby's will (or a stray clear): the holder is still here and says so again.
    if (this.currentRole === 'aggregator') return this.assert(nowMs);
    // The holder left (its will, or its graceful close): take over now.
    if (this.currentRole === 'standby') return this.claim(nowMs);
    // Deciding: claimed when the settle time is over, unless a claim arrives first.
    return {};
  }

  private claim(nowMs: number): LeaseStep {
    this.own = { clientId: this.clientId, since: new Date(nowMs).toISOString() };
    this.currentRole = 'aggregator';
    return { ...this.assert(nowMs), roleChanged: true };
  }

  /** Our claim, published (again): the same `since`, a fresh `at`. */
  private assert(nowMs: number): LeaseStep {
    if (!this.own) return {};
    const own = { ...this.own, at: new Date(nowMs).toISOString() };
    this.own = own;
    this.heldBy = own;
    this.renewedAtMs = nowMs;
    return { publish: JSON.stringify(own) };
  }
}
