/**
 * The aggregator lease (src/main/core/aggregate/aggregator-lease.ts) as a state machine, with a
 * simulated broker that keeps the retained copy and delivers every publication to every console:
 * one holder at a time, a held lease is respected, simultaneous claims end with the lowest client
 * id whatever order the broker stores them in, a will or a graceful close hands over, a standby's
 * will does not. And the lease expires: a holder renews its claim every 30 s, and a standby that
 * has heard nothing from it for 90 s (a holder that died with no will, its claim left retained)
 * claims it; a holder that was merely slow gets it back by the tie-break.
 */
import { describe, expect, it } from 'vitest';
import { AggregatorLease, leaseTopic } from '../../src/main/core/aggregate/aggregator-lease';

const T0 = Date.parse('2025-03-10T08:00:00Z');

/** A broker with one retained lease topic; deliveries are queued and run in order by `flush`. */
class Broker {
  retained = '';
  private readonly queue: Array<{ to: AggregatorLease; payload: string; isRetained: boolean }> = [];
  readonly consoles: AggregatorLease[] = [];

  join(lease: AggregatorLease, nowMs: number): void {
    this.consoles.push(lease);
    lease.disconnected();
    lease.subscribed(nowMs);
    // An empty retained message is no message: nothing is sent for it.
    if (this.retained !== '') this.queue.push({ to: lease, payload: this.retained, isRetained: true });
  }

  publish(payload: string): void {
    this.retained = payload;
    // Forwarded live, the retain flag is cleared (MQTT 3.1.1 §3.3.1.3).
    for (const to of this.consoles) this.queue.push({ to, payload, isRetained: false });
  }

  /** The broker fires the will of a console that died (retained, empty). */
  kill(lease: AggregatorLease): void {
    this.vanish(lease);
    this.publish('');
  }

  /** A console gone without a will (it lost power while the broker was away): its claim stays. */
  vanish(lease: AggregatorLease): void {
    this.consoles.splice(this.consoles.indexOf(lease), 1);
  }

  flush(nowMs: number): void {
    for (let guard = 0; this.queue.length > 0 && guard < 1000; guard++) {
      const { to, payload, isRetained } = this.queue.shift() as (typeof this.queue)[number];
      const step = to.received(payload, isRetained, nowMs);
      if (step.publish !== undefined) this.publish(step.publish);
    }
  }

  /** Delivers what is due, then lets time pass for every console. */
  poll(nowMs: number): void {
    this.flush(nowMs);
    for (const c of this.consoles) {
      const step = c.poll(nowMs);
      if (step.publish !== undefined) this.publish(step.publish);
    }
    this.flush(nowMs);
  }

  holderOnBroker(): string | null {
    return this.retained === '' ? null : (JSON.parse(this.retained) as { clientId: string }).clientId;
  }
}

const aggregators = (b: Broker) => b.consoles.filter((c) => c.isAggregator).map((c) => c.clientId);

describe('aggregator lease', () => {
  it('its topic sits under the prefix and can never be an aggregate topic', () => {
    expect(leaseTopic('kilowatch')).toBe('kilowatch/_lease/aggregator');
    expect(leaseTopic('kilowatch').endsWith('/energy')).toBe(false);
  });

  it('a lone console claims the free lease once the settle time is over, not before', () => {
    const broker = new Broker();
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    broker.join(a, T0);
    broker.poll(T0 + 499);
    expect(a.role).toBe('deciding');
    expect(broker.holderOnBroker()).toBeNull();
    broker.poll(T0 + 500);
    expect(a.role).toBe('aggregator');
    expect(broker.holderOnBroker()).toBe('kilowatch-aaaa');
    expect(JSON.parse(broker.retained)).toEqual({
      clientId: 'kilowatch-aaaa',
      since: new Date(T0 + 500).toISOString(),
      at: new Date(T0 + 500).toISOString(),
    });
  });

  it('claims when its settle timer fires, even if the wall clock reads a little short of it', () => {
    // Node fires a 500 ms timer when its own truncated clock says so; Date.now() may read 499.
    const broker = new Broker();
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    broker.join(a, T0);
    broker.flush(T0 + 499);
    const step = a.settled(T0 + 499);
    expect(a.role).toBe('aggregator');
    expect(JSON.parse(step.publish ?? '')).toMatchObject({ clientId: 'kilowatch-aaaa' });
  });

  it('its settle timer claims nothing already held, nor after the link dropped', () => {
    const broker = new Broker();
    const b = new AggregatorLease('kilowatch-bbbb', 500);
    broker.join(b, T0);
    broker.poll(T0 + 500);
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    broker.join(a, T0 + 1000);
    broker.flush(T0 + 1000);
    expect(a.settled(T0 + 1500)).toEqual({});
    expect(a.role).toBe('standby');
    const c = new AggregatorLease('kilowatch-cccc', 500);
    c.disconnected();
    c.subscribed(T0);
    c.disconnected();
    expect(c.settled(T0 + 500)).toEqual({});
    expect(c.role).toBe('deciding');
  });

  it('a console that arrives later stands by, even with a lower client id', () => {
    const broker = new Broker();
    const b = new AggregatorLease('kilowatch-bbbb', 500);
    broker.join(b, T0);
    broker.poll(T0 + 500);
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    broker.join(a, T0 + 1000);
    broker.flush(T0 + 1000);
    broker.poll(T0 + 2000);
    expect(a.role).toBe('standby');
    expect(a.holder?.clientId).toBe('kilowatch-bbbb');
    expect(aggregators(broker)).toEqual(['kilowatch-bbbb']);
  });

  it.each([
    ['low first', ['kilowatch-aaaa', 'kilowatch-bbbb']],
    ['high first', ['kilowatch-bbbb', 'kilowatch-aaaa']],
  ])('two claims at once (%s): the lowest client id holds it, on the broker too', (_name, ids) => {
    const broker = new Broker();
    const leases = ids.map((id) => new AggregatorLease(id, 500));
    for (const l of leases) broker.join(l, T0);
    // Both see the lease free and claim before either claim reaches the other.
    for (const l of leases) {
      const step = l.poll(T0 + 500);
      expect(step.publish).toBeDefined();
      broker.publish(step.publish as string);
    }
    broker.flush(T0 + 501);
    expect(aggregators(broker)).toEqual(['kilowatch-aaaa']);
    expect(broker.holderOnBroker()).toBe('kilowatch-aaaa');
    expect(leases.find((l) => l.clientId === 'kilowatch-bbbb')?.role).toBe('standby');
  });

  it('the holder dies: its will empties the lease and the standby takes over at once', () => {
    const broker = new Broker();
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    const b = new AggregatorLease('kilowatch-bbbb', 500);
    broker.join(a, T0);
    broker.poll(T0 + 500);
    broker.join(b, T0 + 600);
    broker.poll(T0 + 1200);
    expect(aggregators(broker)).toEqual(['kilowatch-aaaa']);
    broker.kill(a);
    broker.flush(T0 + 5000);
    expect(b.role).toBe('aggregator');
    expect(broker.holderOnBroker()).toBe('kilowatch-bbbb');
    const at = new Date(T0 + 5000).toISOString();
    expect(b.holder).toEqual({ clientId: 'kilowatch-bbbb', since: at, at });
  });

  it('a standby dies: its will empties the lease, and the holder claims it again', () => {
    const broker = new Broker();
    const a = new AggregatorLease('kilowatch-bbbb', 500);
    const b = new AggregatorLease('kilowatch-aaaa', 500);
    broker.join(a, T0);
    broker.poll(T0 + 500);
    const held = broker.retained;
    broker.join(b, T0 + 600);
    broker.poll(T0 + 1200);
    broker.kill(b);
    broker.flush(T0 + 2000);
    expect(a.role).toBe('aggregator');
    // The same claim, since included (the lease was never lost), said again now.
    expect(JSON.parse(broker.retained)).toEqual({
      ...(JSON.parse(held) as object),
      at: new Date(T0 + 2000).toISOString(),
    });
  });

  it('a graceful close empties the lease; the standby takes over', () => {
    const broker = new Broker();
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    const b = new AggregatorLease('kilowatch-bbbb', 500);
    broker.join(a, T0);
    broker.poll(T0 + 500);
    broker.join(b, T0 + 600);
    broker.poll(T0 + 1200);
    const step = a.release();
    expect(step).toEqual({ publish: '', roleChanged: true });
    broker.consoles.splice(broker.consoles.indexOf(a), 1);
    broker.publish(step.publish as string);
    broker.flush(T0 + 1300);
    expect(aggregators(broker)).toEqual(['kilowatch-bbbb']);
    expect(b.release()).toEqual({ publish: '', roleChanged: true });
    expect(new AggregatorLease('kilowatch-cccc').release()).toEqual({});
  });

  it('reconnecting to find its own claim still retained, the holder carries on', () => {
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    a.subscribed(T0);
    const claim = JSON.stringify({ clientId: 'kilowatch-aaaa', since: '2025-03-10T07:00:00.000Z' });
    // It says so at once: a standby has not heard from it while it was away.
    const renewed = {
      clientId: 'kilowatch-aaaa',
      since: '2025-03-10T07:00:00.000Z',
      at: new Date(T0 + 10).toISOString(),
    };
    expect(a.received(claim, true, T0 + 10)).toEqual({ publish: JSON.stringify(renewed), roleChanged: true });
    expect(a.isAggregator).toBe(true);
    expect(a.holder).toEqual(renewed);
  });

  it('the retained lease handled before the SUBACK callback still counts', () => {
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    a.disconnected();
    const held = JSON.stringify({ clientId: 'kilowatch-bbbb', since: new Date(T0).toISOString() });
    a.received(held, true, T0);
    a.subscribed(T0 + 1);
    expect(a.poll(T0 + 10_000)).toEqual({});
    expect(a.role).toBe('standby');
    expect(a.holder?.clientId).toBe('kilowatch-bbbb');
  });

  it('while deciding, lease messages a persistent session queued meanwhile are history, not news', () => {
    const a = new AggregatorLease('kilowatch-bbbb', 500);
    a.disconnected();
    const stale = JSON.stringify({ clientId: 'kilowatch-0000', since: new Date(T0).toISOString() });
    expect(a.received(stale, false, T0)).toEqual({});
    expect(a.received('', false, T0)).toEqual({});
    a.subscribed(T0);
    expect(a.role).toBe('deciding');
    expect(JSON.parse(a.poll(T0 + 500).publish ?? 'null')).toMatchObject({ clientId: 'kilowatch-bbbb' });
  });

  it('while disconnected it claims nothing, and a standby never flips back on its own echo', () => {
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    a.subscribed(T0);
    a.disconnected();
    expect(a.poll(T0 + 10_000)).toEqual({});
    expect(a.role).toBe('deciding');
    a.subscribed(T0 + 20_000);
    const other = JSON.stringify({ clientId: 'kilowatch-0000', since: new Date(T0).toISOString() });
    a.received(other, true, T0 + 20_001);
    const own = JSON.stringify({ clientId: 'kilowatch-aaaa', since: new Date(T0).toISOString() });
    expect(a.received(own, false, T0 + 20_002)).toEqual({});
    expect(a.role).toBe('standby');
  });

  it('says what is wrong with a message that is not a claim, and acts on none', () => {
    const a = new AggregatorLease('kilowatch-aaaa', 500);
    a.subscribed(T0);
    expect(a.received('{', true, T0)).toEqual({ invalid: 'lease-not-json' });
    expect(a.received('{"clientId":""}', true, T0)).toEqual({ invalid: 'lease-invalid' });
    expect(a.received('{"clientId":"x","since":"yesterday"}', true, T0)).toEqual({
      invalid: 'lease-invalid',
    });
    expect(a.received('x'.repeat(2000), true, T0)).toEqual({ invalid: 'lease-too-large' });
    expect(a.received('{"clientId":"x","since":"2025-03-10T08:00:00Z","at":"now"}', true, T0)).toEqual({
      invalid: 'lease-invalid',
    });
    expect(a.role).toBe('deciding');
    expect(a.poll(T0 + 500).publish).toBeDefined();
  });

  describe('expiry', () => {
    const RENEW = 30_000;
    /** Lets time pass in steps of `everyMs`, as the console's interval does. */
    const run = (broker: Broker, fromMs: number, toMs: number, everyMs = 5000) => {
      for (let t = fromMs; t <= toMs; t += everyMs) broker.poll(t);
    };

    it('the holder renews its claim every 30 s: same since, a fresh at, and a standby that hears it stands by', () => {
      const broker = new Broker();
      const a = new AggregatorLease('kilowatch-bbbb', 500, RENEW);
      const b = new AggregatorLease('kilowatch-aaaa', 500, RENEW);
      broker.join(a, T0);
      broker.poll(T0 + 500);
      broker.join(b, T0 + 1000);
      broker.flush(T0 + 1000);
      const renewals: string[] = [];
      const spy = broker.publish.bind(broker);
      broker.publish = (payload) => {
        renewals.push(payload);
        spy(payload);
      };
      run(broker, T0 + 5000, T0 + 600_000);
      expect(a.role).toBe('aggregator');
      expect(b.role).toBe('standby');
      // Claimed at +0.5 s; checked every 5 s from +5 s: renewed at +35 s, +65 s, … up to +590 s.
      expect(renewals.map((p) => JSON.parse(p) as { clientId: string; since: string; at: string })).toEqual(
        Array.from({ length: 19 }, (_, i) => ({
          clientId: 'kilowatch-bbbb',
          since: new Date(T0 + 500).toISOString(),
          at: new Date(T0 + 35_000 + i * 30_000).toISOString(),
        })),
      );
    });

    it('a holder gone without a will leaves its claim retained; a standby claims it 90 s after last hearing it', () => {
      const broker = new Broker();
      const a = new AggregatorLease('kilowatch-aaaa', 500, RENEW);
      broker.join(a, T0);
      broker.poll(T0 + 500);
      // A loses power while the broker is unreachable: no will, and a persistent broker keeps its claim.
      broker.vanish(a);
      expect(broker.holderOnBroker()).toBe('kilowatch-aaaa');
      // B comes along much later: the retained claim is heard once, on subscribing, and never again.
      const b = new AggregatorLease('kilowatch-bbbb', 500, RENEW);
      const joinedMs = T0 + 3_600_000;
      broker.join(b, joinedMs);
      broker.flush(joinedMs);
      expect(b.role).toBe('standby');
      expect(b.poll(joinedMs + 89_999)).toEqual({});
      expect(b.role).toBe('standby');
      const at = new Date(joinedMs + 90_000).toISOString();
      expect(b.poll(joinedMs + 90_000)).toEqual({
        publish: JSON.stringify({ clientId: 'kilowatch-bbbb', since: at, at }),
        roleChanged: true,
        expiredHolder: 'kilowatch-aaaa',
      });
      expect(b.isAggregator).toBe(true);
    });

    it('a standby counts 90 s from the last renewal it heard, not from when it arrived', () => {
      const broker = new Broker();
      const a = new AggregatorLease('kilowatch-aaaa', 500, RENEW);
      const b = new AggregatorLease('kilowatch-bbbb', 500, RENEW);
      broker.join(a, T0);
      broker.poll(T0 + 500);
      broker.join(b, T0 + 1000);
      run(broker, T0 + 1000, T0 + 61_000);
      // Claimed at +0.5 s; checks every 5 s from +1 s renewed it at +31 s and +61 s, heard by B.
      broker.vanish(a);
      run(broker, T0 + 62_000, T0 + 150_000, 1000);
      expect(b.role).toBe('standby');
      broker.poll(T0 + 151_000);
      expect(b.role).toBe('aggregator');
      expect(broker.holderOnBroker()).toBe('kilowatch-bbbb');
    });

    it('a holder that was merely slow gets the lease back by the tie-break, on the broker too', () => {
      const broker = new Broker();
      const a = new AggregatorLease('kilowatch-aaaa', 500, RENEW);
      const b = new AggregatorLease('kilowatch-bbbb', 500, RENEW);
      broker.join(a, T0);
      broker.poll(T0 + 500);
      broker.join(b, T0 + 1000);
      broker.flush(T0 + 1000);
      // A stalls (a long rebuild): nothing from it for 90 s, so B claims.
      const step = b.poll(T0 + 91_000);
      expect(step.expiredHolder).toBe('kilowatch-aaaa');
      broker.publish(step.publish as string);
      // A wakes: B's claim reaches it, and A's renewal reaches B.
      broker.poll(T0 + 92_000);
      expect(aggregators(broker)).toEqual(['kilowatch-aaaa']);
      expect(b.role).toBe('standby');
      expect(broker.holderOnBroker()).toBe('kilowatch-aaaa');
      expect(a.holder?.since).toBe(new Date(T0 + 500).toISOString());
    });

    it('reads claims without `at` (consoles that predate renewals), and expires them the same way', () => {
      const b = new AggregatorLease('kilowatch-bbbb', 500, RENEW);
      b.subscribed(T0);
      const old = JSON.stringify({ clientId: 'kilowatch-aaaa', since: '2025-03-10T07:00:00.000Z' });
      expect(b.received(old, true, T0 + 1)).toEqual({ roleChanged: true });
      expect(b.holder).toEqual({ clientId: 'kilowatch-aaaa', since: '2025-03-10T07:00:00.000Z' });
      expect(b.poll(T0 + 90_000)).toEqual({});
      expect(b.poll(T0 + 90_001).expiredHolder).toBe('kilowatch-aaaa');
    });

    it('never expires while deciding, disconnected or unchecked', () => {
      const a = new AggregatorLease('kilowatch-aaaa', 500, RENEW);
      expect(a.poll(T0 + 10 * 3_600_000)).toEqual({});
      expect(a.refused()).toEqual({ roleChanged: true });
      expect(a.poll(T0 + 20 * 3_600_000)).toEqual({});
      expect(a.role).toBe('unchecked');
    });
  });
});
