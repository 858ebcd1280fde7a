/**
 * The headless console without its broker, as users run it (the built entry, a real Mosquitto):
 * started while nothing listens at the broker's address it stays up, answers /healthz, says in one
 * line that it keeps retrying, and connects once the broker is there. Only a configuration
 * mistake ends start-up. A frozen broker (SIGSTOP) is noticed within 20 s and reconnected after
 * SIGCONT.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/mosquitto';
import { startBroker, type Broker } from '../support/mosquitto-tls';
import { api, assertBuilt, runHeadless, startHeadless, type Headless } from '../support/headless';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

interface Health {
  broker: string;
  brokerProblem: string | null;
  nextRetryAt: string | null;
  subscribed: boolean;
  db: string;
}

const dir = tempDir('kw-nobroker-');
let headless: Headless | undefined;
let broker: Broker | undefined;

beforeAll(() => assertBuilt());
afterEach(async () => {
  // A failed freeze test must not leave the broker stopped: the console's shutdown would wait on it.
  if (broker) process.kill(broker.pid, 'SIGCONT');
  await headless?.stop();
  headless = undefined;
  await broker?.stop();
  broker = undefined;
});
afterAll(() => dir.remove());

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/healthz`);
  return (await res.json()) as Health;
}

/** Polls /healthz until `ok`; resolves with the milliseconds it took from `sinceMs`. */
async function healthWithin(
  url: string,
  ok: (h: Health) => boolean,
  timeoutMs: number,
  sinceMs = Date.now(),
) {
  let last: Health | null = null;
  while (Date.now() - sinceMs <= timeoutMs) {
    last = await health(url);
    if (ok(last)) return Date.now() - sinceMs;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/healthz did not get there within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

describe('started while the broker is down', () => {
  it('stays up and says it keeps retrying; connects once Mosquitto is there and counts a reading', async () => {
    const port = await freePort(); // nothing listens here
    headless = await startHeadless([
      '--broker', `mqtt://127.0.0.1:${port}`, '--subscribe', 'Hotel/#',
      '--db', `${dir.path}/a.db`, '--port', '0',
    ]); // prettier-ignore
    const h = headless;
    const first = await health(h.url);
    expect(first).toMatchObject({
      broker: 'error',
      brokerProblem: 'broker-unreachable',
      subscribed: false,
      db: 'ok',
    });
    expect(Date.parse(first.nextRetryAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const said = h
      .output()
      .split('\n')
      .filter((l) => l.includes('keeps retrying'));
    expect(said).toEqual([
      expect.stringMatching(
        new RegExp(
          `^kilowatch: broker unreachable: Nothing is listening at mqtt://127\\.0\\.0\\.1:${port}: connection refused\\.`,
        ),
      ),
    ]);
    // The console serves meanwhile: its API answers.
    expect((await api(h.url, 'stats.get', {})).body).toMatchObject({ ok: true, value: { received: 0 } });

    broker = await startBroker([], { port });
    const upMs = await healthWithin(h.url, (s) => s.broker === 'connected' && s.subscribed, 45_000);
    expect(await health(h.url)).toMatchObject({ brokerProblem: null, nextRetryAt: null });

    const src = plus1pmId(1);
    const prefix = 'Hotel/Porto/Lobby/Lamp';
    const nowS = Math.floor(Date.now() / 1000);
    const minuteS = nowS - (nowS % 60);
    const devices = await testClient(broker.url());
    await devices.publishAsync(`${prefix}/events/rpc`, notifyStatus(src, prefix, { tsS: nowS, minuteTsS: minuteS - 60, totalMWh: 1_000_000 }), { qos: 1 }); // prettier-ignore
    await devices.publishAsync(`${prefix}/events/rpc`, notifyStatus(src, prefix, { tsS: nowS + 1, minuteTsS: minuteS, totalMWh: 1_001_500 }), { qos: 1 }); // prettier-ignore
    await devices.endAsync();
    const node = `device:${prefix}`;
    let energyWh: number | undefined;
    const deadline = Date.now() + 10_000;
    while (energyWh !== 1.5 && Date.now() < deadline) {
      const tree = await api(h.url, 'site.tree', {});
      const totals = (tree.body.value as { totals: Array<{ id: string; energyWh: number }> }).totals;
      energyWh = totals.find((t) => t.id === node)?.energyWh;
      if (energyWh !== 1.5) await new Promise((r) => setTimeout(r, 100));
    }
    expect(energyWh).toBe(1.5);
    console.log(`[figures] nothing at the broker's port: connected ${upMs} ms after Mosquitto started`);
  }, 90_000);
});

describe('a configuration mistake still ends start-up, in one line', () => {
  const lines = (output: string) => output.trim().split('\n');

  it('a broker URL that is no URL (exit 1), without the password typed into it', async () => {
    const r = await runHeadless(['--broker', 'mqtt://kilo:s3cret@127.0.0.1:99999', '--db', `${dir.path}/b.db`, '--port', '0']); // prettier-ignore
    expect(r.code).toBe(1);
    expect(lines(r.output)).toEqual(['kilowatch: "mqtt://127.0.0.1:99999" is not a valid broker URL.']);
  });

  it('a --broker flag that is mistyped (exit 2), without the password typed into it', async () => {
    const r = await runHeadless(['--broker', 'mqtt//kilo:s3cret@127.0.0.1:1883']);
    expect(r.code).toBe(2);
    expect(lines(r.output)[0]).toBe(
      'kilowatch: --broker "mqtt//127.0.0.1:1883" must start with mqtt://, mqtts://, ws:// or wss://',
    );
    expect(r.output).not.toContain('s3cret');
  });

  it('a database that cannot be opened (exit 1), even though the broker is only unreachable', async () => {
    const folder = `${dir.path}/a-folder.db`; // a folder where the database file should be
    mkdirSync(folder, { recursive: true });
    const port = await freePort();
    const r = await runHeadless(['--broker', `mqtt://127.0.0.1:${port}`, '--db', folder, '--port', '0']);
    expect(r.code).toBe(1);
    expect(lines(r.output)).toHaveLength(1);
    expect(r.output).toMatch(/^kilowatch: .*a-folder\.db/);
    expect(r.output).not.toMatch(/keeps retrying/);
  });
});

describe('a broker that freezes (SIGSTOP)', () => {
  it('is noticed by /healthz within 20 s and reconnected after SIGCONT', async () => {
    broker = await startBroker([]);
    const b = broker;
    headless = await startHeadless(['--broker', b.url(), '--db', `${dir.path}/c.db`, '--port', '0']);
    const h = headless;
    await healthWithin(h.url, (s) => s.broker === 'connected' && s.subscribed, 10_000);

    const frozenMs = Date.now();
    process.kill(b.pid, 'SIGSTOP');
    const noticedMs = await healthWithin(h.url, (s) => s.broker !== 'connected', 20_000, frozenMs);
    expect(await health(h.url)).toMatchObject({
      broker: 'error',
      brokerProblem: 'timeout',
      subscribed: false,
    });
    const state = await api(h.url, 'connection.status', {});
    expect((state.body.value as { lastError: { message: string } }).lastError.message).toMatch(
      new RegExp(
        `^The broker at mqtt://127\\.0\\.0\\.1:${b.port} stopped answering \\(no reply for 1[5-6] s\\)\\.$`,
      ),
    );

    const thawedMs = Date.now();
    process.kill(b.pid, 'SIGCONT');
    const backMs = await healthWithin(
      h.url,
      (s) => s.broker === 'connected' && s.subscribed,
      45_000,
      thawedMs,
    );
    console.log(
      `[figures] SIGSTOP noticed by /healthz after ${noticedMs} ms; connected ${backMs} ms after SIGCONT`,
    );
  }, 90_000);
});
