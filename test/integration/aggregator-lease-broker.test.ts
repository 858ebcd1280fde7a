/**
 * The aggregator lease (src/main/core/aggregate/aggregator-lease.ts) as the console runs it over a
 * real link:
 *
 *   - Expiry, on a real Mosquitto: a claim left retained by a holder that died without a will (it
 *     lost power while the broker was away) is respected for one expiry window, then taken; the new
 *     holder renews its claim (same `since`, a fresh `at`). Renewal is shortened to 400 ms here.
 *   - Brokers that behave unlike Mosquitto 2, played by an in-process aedes with policy hooks
 *     (Mosquitto 2.0 never refuses a CONNECT for its will topic: it checks the will only when it
 *     fires; EMQX and Mosquitto 1.x auth plugins check it at CONNECT):
 *       - one that refuses a CONNECT whose will it may not publish: the console connects without
 *         the will and publishes unchecked, saying why;
 *       - one whose link drops before the lease SUBACK: no "the broker denies read access" alert,
 *         and the lease is decided on the next connect.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, ConnectionProfile } from '../../src/shared/contract';
import { KilowatchConsole } from '../../src/main/core/console';
import { Store } from '../../src/main/core/store/store';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const LEASE_TOPIC = 'kilowatch/_lease/aggregator';
const DEAD_HOLDER = 'kilowatch-0000000000';

interface Running {
  core: KilowatchConsole;
  alerts: Alert[];
  role(): Promise<string>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startConsole(clientId: string, leaseRenewMs?: number): Running {
  const dir = tempDir();
  const opened = Store.open(`${dir.path}/kw.db`);
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const core = new KilowatchConsole({
    store,
    clientId,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    ...(leaseRenewMs !== undefined && { leaseRenewMs }),
  });
  const alerts: Alert[] = [];
  core.on((m) => {
    if (m.event === 'alert') alerts.push(m.payload as Alert);
  });
  const running: Running = {
    core,
    alerts,
    role: async () => {
      const stats = await core.handlers['stats.get']({});
      if (!stats.ok) throw new Error(stats.error.message);
      return stats.value.lease.role;
    },
    close: async () => {
      await core.close();
      store.close();
      dir.remove();
    },
  };
  cleanups.push(running.close);
  return running;
}

const profile = (url: string): ConnectionProfile => ({
  name: 'site',
  url,
  protocolVersion: 4,
  keepaliveS: 30,
  subscribe: ['shellies/#'],
});

async function roleBecomes(c: Running, role: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await c.role();
    if (last === role) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`lease role stayed ${last}, never ${role}`);
}

/** aedes on a loopback port, with the policy hooks a test gives it. */
async function standInBroker(hooks: Partial<AedesOptions>): Promise<{ url: string; stop(): Promise<void> }> {
  const aedes = await Aedes.createBroker(hooks);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(stop);
  return { url: `mqtt://127.0.0.1:${port}`, stop };
}

describe('aggregator lease expiry, on a real Mosquitto', () => {
  let broker: Mosquitto | undefined;
  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('a claim left retained by a holder that died without a will is taken after one expiry window, then renewed', async () => {
    broker = await startMosquitto();
    // The dead holder: its claim, retained, and no will to clear it.
    const ghost = await testClient(broker.url, DEAD_HOLDER);
    const since = '2025-03-10T07:00:00.000Z';
    await ghost.publishAsync(LEASE_TOPIC, JSON.stringify({ clientId: DEAD_HOLDER, since, at: since }), {
      qos: 1,
      retain: true,
    });
    await ghost.endAsync();

    const watcher = await testClient(broker.url);
    const claims: Array<{ clientId: string; since: string; at: string; seenMs: number }> = [];
    watcher.on('message', (_topic, payload) => {
      const text = payload.toString('utf8');
      if (text !== '') claims.push({ ...(JSON.parse(text) as (typeof claims)[number]), seenMs: Date.now() });
    });
    await watcher.subscribeAsync(LEASE_TOPIC, { qos: 1 });

    const c = startConsole('kilowatch-ffffffffff', 400);
    const connectedMs = Date.now();
    expect(await c.core.connect(profile(broker.url))).toBeNull();
    await roleBecomes(c, 'standby');
    await roleBecomes(c, 'aggregator');
    const tookMs = Date.now();
    // Not before one expiry window (3 × 400 ms) from hearing the retained claim.
    expect(tookMs - connectedMs).toBeGreaterThanOrEqual(1200);
    expect(c.alerts.filter((a) => a.message.includes('has not renewed it'))).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining(
          `${DEAD_HOLDER} held the aggregator lease but has not renewed it for 1 s`,
        ),
      }),
    ]);
    // The new holder renews: its claim again, same `since`, later `at`s.
    await waitFor(
      () => claims.filter((x) => x.clientId === 'kilowatch-ffffffffff').length >= 3,
      5000,
      'renewals',
    );
    const own = claims.filter((x) => x.clientId === 'kilowatch-ffffffffff');
    expect(new Set(own.map((x) => x.since)).size).toBe(1);
    const ats = own.map((x) => Date.parse(x.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(new Set(ats).size).toBe(own.length);
    await watcher.endAsync();
  });
});

describe('publishing while the lease is being decided, on a real Mosquitto', () => {
  it('a publish asked for right after a reconnect waits for the lease instead of being skipped', async () => {
    const broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    const device = await testClient(broker.url);
    cleanups.push(() => device.endAsync());
    const c = startConsole('kilowatch-ffffffffff');
    const site = { ...profile(broker.url), subscribe: ['Coreflux/#'] };
    const topic = 'Coreflux/Porto/Reception/Light1/status/switch:0';
    const status = (totalWh: number) =>
      JSON.stringify({ id: 0, output: true, apower: 72, aenergy: { total: totalWh } });

    expect(await c.core.connect(site)).toBeNull();
    await roleBecomes(c, 'aggregator');
    for (const totalWh of [800, 801.2]) await device.publishAsync(topic, status(totalWh), { qos: 1 });
    const deadline = Date.now() + 5000;
    let first = 0;
    while (first === 0 && Date.now() < deadline) {
      // The readings reach the totals on the store's write timer: let it run.
      await new Promise((r) => setTimeout(r, 20));
      first = await c.core.publishAggregates();
    }
    // Room, office, company and device, once the second reading counted 1.2 Wh.
    expect(first).toBe(4);

    await c.core.disconnect();
    expect(await c.core.connect(site)).toBeNull();
    // A new link publishes everything again; asked for at once, while the lease is still being
    // decided, it waits for the decision rather than returning as a standby would.
    expect(await c.core.publishAggregates()).toBe(4);
    expect(await c.role()).toBe('aggregator');
  });
});

describe('brokers unlike Mosquitto 2 (an aedes stand-in)', () => {
  it('a broker that refuses the CONNECT for its will topic: connected without the will, unchecked, and said why', async () => {
    const attempts: Array<{ hasWill: boolean }> = [];
    const site = await standInBroker({
      // Like EMQX with an ACL that does not let this user write the lease topic.
      authenticate: (client, _user, _password, done) => {
        const will = (client as unknown as { _will?: { topic: string } })._will;
        attempts.push({ hasWill: will !== undefined });
        done(null, will?.topic !== LEASE_TOPIC);
      },
    });
    const c = startConsole('kilowatch-ffffffffff');
    expect(await c.core.connect(profile(site.url))).toBeNull();
    await roleBecomes(c, 'unchecked');
    expect(attempts).toEqual([{ hasWill: true }, { hasWill: false }]);
    expect(c.core.connectionState).toMatchObject({ status: 'connected', subscribed: true, lastError: null });
    expect(c.alerts.map((a) => a.message)).toContainEqual(
      expect.stringContaining(
        `refused Kilowatch's connection while it carried a Last Will on ${LEASE_TOPIC}`,
      ),
    );
  });

  it('a broker that refuses the credentials: the refusal is reported as before, after one try without the will', async () => {
    const attempts: Array<{ hasWill: boolean }> = [];
    const site = await standInBroker({
      authenticate: (client, _user, _password, done) => {
        attempts.push({ hasWill: (client as unknown as { _will?: unknown })._will !== undefined });
        done(null, false);
      },
    });
    const c = startConsole('kilowatch-ffffffffff');
    const failure = await c.core.connect(profile(site.url));
    expect(failure).toMatchObject({ code: 'auth-rejected' });
    expect(attempts).toEqual([{ hasWill: true }, { hasWill: false }]);
    expect(c.core.connectionState).toMatchObject({
      status: 'reconnecting',
      lastError: { code: 'auth-rejected' },
    });
  });

  it('a link that drops before the lease SUBACK is no ACL refusal: no alert, and the next connect decides', async () => {
    let leaseSubscriptions = 0;
    const site = await standInBroker({
      authorizeSubscribe: (client, sub, done) => {
        if (sub.topic === LEASE_TOPIC && ++leaseSubscriptions === 1) {
          // The link goes before the broker answers.
          (client as unknown as { conn: Socket }).conn.destroy();
          return;
        }
        done(null, sub);
      },
    });
    const c = startConsole('kilowatch-ffffffffff');
    expect(await c.core.connect(profile(site.url))).toBeNull();
    await roleBecomes(c, 'aggregator');
    expect(leaseSubscriptions).toBe(2);
    expect(c.alerts.filter((a) => a.message.includes(LEASE_TOPIC))).toEqual([]);
  });
});
