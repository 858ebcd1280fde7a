/**
 * The live connection's own liveness check, with short timings against a real Mosquitto: an idle
 * link that answers its probes stays up; a frozen broker (SIGSTOP) is declared stopped after
 * `stallMs` of silence, in plain words, and what was in flight is answered with an error; `stop`
 * does not hang on it; after SIGCONT it connects again by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionProfile, ConnectionState } from '../../src/shared/contract';
import { BrokerConnection, type LivenessTiming } from '../../src/main/core/broker/connection';
import { brokerOptions, safeBrokerUrl } from '../../src/main/core/broker/options';
import { startBroker, type Broker } from '../support/mosquitto-tls';
import { waitFor } from '../support/mqtt-client';

const FAST: LivenessTiming = { probeAfterMs: 150, stallMs: 600, checkEveryMs: 25 };

let broker: Broker | undefined;
let connection: BrokerConnection | undefined;
afterEach(async () => {
  if (broker) process.kill(broker.pid, 'SIGCONT');
  await connection?.stop();
  await broker?.stop();
  broker = connection = undefined;
});

function connect(b: Broker, states: ConnectionState[]): BrokerConnection {
  const profile: ConnectionProfile = {
    name: 'site',
    url: b.url(),
    protocolVersion: 4,
    keepaliveS: 60, // mqtt.js alone would notice a stall only after 90 s
    subscribe: ['Liveness/#'],
  };
  const options = brokerOptions(profile, `kilowatch-live-${Math.random().toString(16).slice(2, 8)}`);
  if (!options.ok) throw new Error(options.error.message);
  return new BrokerConnection(
    options.value,
    safeBrokerUrl(profile.url),
    profile.subscribe,
    { onState: (s) => states.push(s), onMessage: () => undefined },
    false,
    FAST,
  );
}

describe('liveness of the live connection', () => {
  it('keeps an idle link that answers its probes; declares a frozen broker stopped; reconnects after it thaws', async () => {
    broker = await startBroker([]);
    const b = broker;
    const states: ConnectionState[] = [];
    connection = connect(b, states);
    const c = connection;
    expect(await c.start()).toBeNull();

    // Idle for four stall periods: only the PINGREQ probes and their answers cross the link.
    await new Promise((r) => setTimeout(r, 4 * FAST.stallMs));
    expect(states.map((s) => s.status).filter((s) => s !== 'connected')).toEqual(['connecting']);
    expect(c.current).toMatchObject({ status: 'connected', subscribed: true, lastError: null });

    process.kill(b.pid, 'SIGSTOP');
    const frozenMs = Date.now();
    const inFlight = c.publish('Liveness/x', 'into the freeze', false);
    await waitFor(() => c.current.lastError?.code === 'timeout', 5_000, 'the stall');
    const noticedMs = Date.now() - frozenMs;
    // Silence counts from the broker's last packet, which came at most one probe before the freeze.
    expect(noticedMs).toBeLessThan(FAST.stallMs + 1_000);
    expect(c.current.lastError?.message).toBe(
      `The broker at ${b.url()} stopped answering (no reply for 1 s).`,
    );
    await waitFor(() => c.current.status === 'reconnecting' && !c.current.subscribed, 2_000, 'reconnecting');
    expect(await inFlight).toBeInstanceOf(Error);

    process.kill(b.pid, 'SIGCONT');
    await waitFor(() => c.current.status === 'connected' && c.current.subscribed, 30_000, 'the reconnect');
    expect(c.current.lastError).toBeNull();
  }, 60_000);

  it('stops within its grace time even while the broker is frozen', async () => {
    broker = await startBroker([]);
    const b = broker;
    const c = connect(b, []);
    expect(await c.start()).toBeNull();
    process.kill(b.pid, 'SIGSTOP');
    void c.publish('Liveness/y', 'never acknowledged', false);
    const startedMs = Date.now();
    await c.stop();
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    expect(c.current.status).toBe('disconnected');
  }, 30_000);
});
