/**
 * The aggregator lease (src/main/core/aggregate/aggregator-lease.ts) as a state machine, with a
 * simulated broker that keeps the retained copy and delivers every publication to every console:
 * one holder at a time, a held lease is respected, simultaneous claims end with the lowest client
 * id whatever order the broker stores them in, a will or a graceful close hands over, a standby's
 * will does not.
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
    this.consoles.splice(this.consoles.indexOf(lease), 1);
    this.publish('');
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
    });
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
    expect(b.holder).toEqual({ clientId: 'kilowatch-bbbb', since: new Date(T0 + 5000).toISOString() });
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
    // The same claim, since included: the lease was never lost.
    expect(broker.retained).toBe(held);
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
    expect(a.received(claim, true, T0 + 10)).toEqual({ roleChanged: true });
    expect(a.isAggregator).toBe(true);
    expect(a.holder?.since).toBe('2025-03-10T07:00:00.000Z');
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
    expect(a.role).toBe('deciding');
    expect(a.poll(T0 + 500).publish).toBeDefined();
  });
});
