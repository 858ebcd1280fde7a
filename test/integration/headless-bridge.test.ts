/**
 * The headless console as users run it: the built entry point against a real Mosquitto, the
 * contract over HTTP, health, and one clear line plus a non-zero exit for each start-up mistake.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { api, runHeadless, startHeadless, type Headless } from '../support/headless';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

let mosquitto: Mosquitto;
let headless: Headless;
const dir = tempDir();

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    '--db',
    join(dir.path, 'kw.db'),
    '--port',
    '0',
    '--publish-interval',
    '0.2',
    '--subscribe',
    'Coreflux/#',
  ]);
});

afterAll(async () => {
  expect(await headless?.stop()).toBe(0);
  await mosquitto?.stop();
  dir.remove();
});

const notify = (total: number, minute: number) =>
  JSON.stringify({
    src: 'shellyplus1pm-a8032ab1c2d3',
    dst: 'Coreflux/Porto/MeetingRoom/Light1/events',
    method: 'NotifyStatus',
    params: {
      ts: minute + 0.22,
      'switch:0': {
        id: 0,
        aenergy: { by_minute: [0, 0, 0], minute_ts: minute, total: Number(total.toFixed(3)) },
      },
    },
  });

describe('the headless bridge', () => {
  it('reports health: connected, subscribed, database ok', async () => {
    const res = await fetch(`${headless.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ broker: 'connected', subscribed: true, db: 'ok' });
  });

  it('answers an invalid command with invalid-params naming the field', async () => {
    const { status, body } = await api(headless.url, 'history.query', {
      node: 'company:Coreflux',
      from: 'yesterday',
      to: '2025-01-01T00:00:00Z',
    });
    expect(status).toBe(200); // the Result is the answer; HTTP errors are for transport problems
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    expect(String((body.error as { message: string }).message)).toMatch(/^from/);
    const unknown = await api(headless.url, 'energy.steal', {});
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses commands posted cross-site (not JSON)', async () => {
    const res = await fetch(`${headless.url}/api/stats.get`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });

  it('counts Shelly messages published to the broker and publishes the room total back', async () => {
    const client = await testClient(mosquitto.url);
    const got: Record<string, number> = {};
    client.on('message', (topic, payload) => {
      got[topic] = Number((JSON.parse(payload.toString()) as { energyWh: number }).energyWh);
    });
    await client.subscribeAsync('kilowatch/#', { qos: 1 });
    const base = 1741593600;
    const totals = [1523.117, 1523.617, 1524.672, 1530.001];
    for (const [i, total] of totals.entries()) {
      await client.publishAsync(
        'Coreflux/Porto/MeetingRoom/Light1/events/rpc',
        notify(total, base + 60 * i),
        { qos: 1 },
      );
    }
    // 1530.001 − 1523.117 = 6.884 Wh after the baseline, exactly.
    const topics = [
      'kilowatch/Coreflux/Porto/MeetingRoom/energy',
      'kilowatch/Coreflux/Porto/energy',
      'kilowatch/Coreflux/energy',
      'kilowatch/Coreflux/Porto/MeetingRoom/Light1/energy',
    ];
    // 1530.001 − 1523.117 = 6.884 Wh after the baseline, exactly, on every level.
    await waitFor(() => topics.every((t) => got[t] === 6.884), 10_000, 'every aggregate');
    for (const t of topics) expect(got[t]).toBe(6.884);
    const tree = await api(headless.url, 'site.tree', {});
    expect(tree.body.ok).toBe(true);
    const stats = await api(headless.url, 'stats.get', {});
    expect((stats.body.value as { applied: number }).applied).toBeGreaterThanOrEqual(4);
    await client.endAsync();
  });

  it('answers /healthz with 503 while another program holds the database, and 200 once it lets go', async () => {
    const health = async () => {
      const res = await fetch(`${headless.url}/healthz`);
      return { status: res.status, db: ((await res.json()) as { db: string }).db };
    };
    const healthUntil = async (status: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = await health();
        if (seen.status === status || Date.now() > deadline) return seen;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // Another program takes the write lock and keeps it (a backup tool, a second copy of Kilowatch).
    const other = new Database(join(dir.path, 'kw.db'));
    other.exec('BEGIN EXCLUSIVE');
    const client = await testClient(mosquitto.url);
    try {
      await client.publishAsync(
        'Coreflux/Porto/MeetingRoom/Light1/events/rpc',
        notify(1531.5, 1741593600 + 600),
        { qos: 1 },
      );
      // The commit waits out SQLite's busy timeout (2 s), then fails.
      expect(await healthUntil(503, 15_000)).toEqual({ status: 503, db: 'error' });
    } finally {
      other.exec('COMMIT');
      other.close();
      await client.endAsync();
    }
    // The commit is retried with back-off; once it lands the database is ok again.
    expect(await healthUntil(200, 30_000)).toEqual({ status: 200, db: 'ok' });
  }, 60_000);
});

describe('start-up mistakes give one clear line and a non-zero exit', () => {
  // An unreachable broker is not one: the console starts and keeps retrying
  // (broker-unreachable-start.test.ts).

  it('a wrong URL scheme', async () => {
    const r = await runHeadless(['--broker', 'http://127.0.0.1:1883', '--db', join(dir.path, 'b.db')]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--broker "http:\/\/127\.0\.0\.1:1883" must start with mqtt:\/\//);
  });

  it('a port already in use', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((res) =>
      blocker.listen(0, '127.0.0.1', () => res((blocker.address() as { port: number }).port)),
    );
    const r = await runHeadless([
      '--broker',
      mosquitto.url,
      '--db',
      join(dir.path, 'c.db'),
      '--port',
      String(port),
    ]);
    blocker.close();
    expect(r.code).toBe(1);
    expect(r.output).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
  });

  it('a database path that cannot be written', async () => {
    const locked = join(dir.path, 'locked');
    mkdirSync(locked);
    writeFileSync(
      join(locked, 'kw.db'),
      'this is not a database, it is a text file that is long enough to be read'.repeat(20),
    );
    const r = await runHeadless(['--broker', mosquitto.url, '--db', join(locked, 'kw.db'), '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/is not a readable Kilowatch database/);
    chmodSync(locked, 0o755);
    const r2 = await runHeadless(['--broker', mosquitto.url, '--db', '/proc/kilowatch/kw.db', '--port', '0']);
    expect(r2.code).toBe(1);
    // The data folder is the database's: its logs are the first thing written there.
    expect(r2.output).toMatch(/kilowatch: Cannot write the log files in \/proc\/kilowatch\/logs \(ENOENT\)/);
  });
});
