/**
 * Logs and "Export diagnostics" as users meet them: the built headless console against a real
 * Mosquitto with a password, a bridge token, a token in kilowatch.toml and a saved profile's
 * password, all known test strings. It connects, is refused a broker login, meets a broker that
 * is not there and a wrong sign-in; then the log files in its data folder are JSON lines at the
 * configured level, and neither they nor the diagnostics archive (unzipped with fflate) hold any
 * of the secrets.
 */
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JSON_ENTRIES } from '../../src/main/core/diagnostics/diagnostics-archive';
import { SCHEMA_VERSION } from '../../src/main/core/store/migrations';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { runHeadless, startHeadless, type Headless } from '../support/headless';
import { freePort } from '../support/mosquitto';
import { passwordFile, startBroker, type Broker } from '../support/mosquitto-tls';
import mqtt from 'mqtt';
import { tempDir } from '../support/temp-dir';

const USER = 'kilo';
const BROKER_PASSWORD = 'Brk-Pw-7f3a9c1e55';
const ENV_TOKEN = 'Env-Token-4b8d2e6f0a1c3e5d';
const CONFIG_TOKEN = 'Toml-Token-9a8b7c6d5e4f3a2b';
const PROFILE_PASSWORD = 'Saved-Profile-Pw-91x';
const NOWHERE_PASSWORD = 'Nowhere-Pw-33kq';
const WRONG_SIGN_IN = 'Env-Token-4b8d2e6f0a1c3e5X';
const SECRETS = [BROKER_PASSWORD, ENV_TOKEN, CONFIG_TOKEN, PROFILE_PASSWORD, NOWHERE_PASSWORD, WRONG_SIGN_IN];

const dir = tempDir('kw-logs-');
let broker: Broker;

beforeAll(async () => {
  broker = await startBroker([
    'allow_anonymous false',
    `password_file ${passwordFile(dir.path, { [USER]: BROKER_PASSWORD })}`,
  ]);
});

afterAll(async () => {
  await broker?.stop();
  dir.remove();
});

/** kilowatch.toml with the broker's password in its URL (a common mistake) and a token. */
function writeConfig(name: string, level: string): string {
  const path = join(dir.path, `${name}.toml`);
  writeFileSync(
    path,
    [
      '[[broker]]',
      'name = "site"',
      `url = "mqtt://${USER}:${BROKER_PASSWORD}@127.0.0.1:${broker.port}"`,
      `username = "${USER}"`,
      'subscribe = ["Coreflux/#"]',
      '[server]',
      `token = "${CONFIG_TOKEN}"`,
      '[logging]',
      `level = "${level}"`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o600);
  return path;
}

async function start(name: string, level: string, env: NodeJS.ProcessEnv = {}): Promise<Headless> {
  return startHeadless(
    ['--config', writeConfig(name, level), '--db', join(dir.path, name, 'kw.db'), '--port', '0'],
    { KILOWATCH_BROKER_PASSWORD: BROKER_PASSWORD, KILOWATCH_TOKEN: ENV_TOKEN, ...env },
  );
}

async function call(h: Headless, command: string, params: unknown = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.url}/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ENV_TOKEN}` },
    body: JSON.stringify(params),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** Polls `condition` every 100 ms (it may ask the console) until true, or fails naming `what`. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForState(h: Headless, ok: (state: Record<string, unknown>) => boolean): Promise<void> {
  let last: unknown;
  await until(
    async () => {
      last = (await call(h, 'connection.status')).value;
      return ok(last as Record<string, unknown>);
    },
    15_000,
    'the connection state',
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}; last state ${JSON.stringify(last)}`);
  });
}

const logDir = (name: string) => join(dir.path, name, 'logs');
const logText = (name: string) =>
  readdirSync(logDir(name))
    .sort()
    .map((file) => readFileSync(join(logDir(name), file), 'utf8'))
    .join('');
/** Every line parsed: one that is not JSON throws. */
const logLines = (name: string) =>
  logText(name)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string; [field: string]: unknown });

async function publishReading(n: number): Promise<void> {
  const client = await mqtt.connectAsync(broker.url(), {
    username: USER,
    password: BROKER_PASSWORD,
    reconnectPeriod: 0,
  });
  const prefix = `Coreflux/Porto/Lobby/Lamp${n}`;
  const nowS = Math.floor(Date.now() / 1000);
  await client.publishAsync(
    `${prefix}/events/rpc`,
    notifyStatus(plus1pmId(n), prefix, { tsS: nowS, minuteTsS: nowS - (nowS % 60), totalMWh: 1_000_000 }),
    { qos: 1 },
  );
  await client.endAsync();
}

describe('at debug level, with every kind of secret in play', () => {
  let headless: Headless;
  let firstArchive: Record<string, Uint8Array>;

  beforeAll(async () => {
    // Test hooks: SIGUSR2 makes the core's worker die as a bug would (the last test).
    headless = await start('debug', 'debug', { KILOWATCH_TEST_HOOKS: '1' });
  });
  afterAll(async () => {
    expect(await headless?.stop()).toBe(0);
  });

  it('logs the connection and the devices it discovers (debug)', async () => {
    await waitForState(headless, (s) => s.status === 'connected' && s.subscribed === true);
    await publishReading(1);
    await until(() => logText('debug').includes('"level":20'), 10_000, 'a debug line');
    const lines = logLines('debug');
    expect(lines[0]).toMatchObject({ level: 30, logLevel: 'debug', dataDir: join(dir.path, 'debug') });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 30,
        msg: `broker mqtt://127.0.0.1:${broker.port}: connected, subscribed`,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 20, msg: expect.stringMatching(/^discovered .*Lamp1/) }),
    );
  });

  it('exports diagnostics while connected: every entry, valid JSON, the secrets taken out', async () => {
    firstArchive = await exportDiagnostics(headless);
    const config = JSON.parse(strFromU8(firstArchive['config.json'] as Uint8Array)) as {
      'kilowatch.toml': { server: { token: string }; broker: Array<{ url: string }>; logging: unknown };
      connection: { password: string; url: string; username: string };
    };
    expect(config['kilowatch.toml'].server.token).toBe('[redacted]');
    expect(config['kilowatch.toml'].broker[0]?.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(config['kilowatch.toml'].logging).toEqual({ level: 'debug' });
    expect(config.connection).toMatchObject({ username: USER, password: '[redacted]' });
    const versions = JSON.parse(strFromU8(firstArchive['versions.json'] as Uint8Array)) as Record<
      string,
      unknown
    >;
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(versions).toMatchObject({
      kilowatch: pkg.version,
      node: process.versions.node,
      electron: null,
      betterSqlite3: expect.stringMatching(/^\d+\.\d+\.\d+/),
      sqlite: expect.stringMatching(/^3\.\d+\.\d+$/),
    });
    expect(JSON.parse(strFromU8(firstArchive['schema.json'] as Uint8Array))).toEqual({
      version: SCHEMA_VERSION,
      thisBuild: SCHEMA_VERSION,
    });
    expect(JSON.parse(strFromU8(firstArchive['stats.json'] as Uint8Array))).toMatchObject({
      received: expect.any(Number),
      devices: 1,
    });
  });

  it('logs a refused broker login, a broker that is not there and a wrong sign-in, without their secrets', async () => {
    const saved = await call(headless, 'connection.save', {
      profile: { name: 'spare', url: broker.url(), username: USER, password: PROFILE_PASSWORD },
      activate: false,
    });
    expect(saved).toMatchObject({ ok: true });
    const refused = await call(headless, 'connection.connect', { name: 'spare' });
    expect(refused).toMatchObject({ ok: false });
    const nowherePort = await freePort();
    await call(headless, 'connection.save', {
      profile: {
        name: 'nowhere',
        url: `mqtt://${USER}:${NOWHERE_PASSWORD}@127.0.0.1:${nowherePort}`,
        password: NOWHERE_PASSWORD,
      },
      activate: false,
    });
    expect(await call(headless, 'connection.connect', { name: 'nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'broker-unreachable' },
    });
    const signIn = await fetch(`${headless.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: WRONG_SIGN_IN }).toString(),
    });
    expect(signIn.status).toBe(401);

    await until(
      () => logLines('debug').some((l) => l.level === 40 && l.problem === 'broker-unreachable'),
      10_000,
      'the unreachable broker in the log',
    );
    const lines = logLines('debug');
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, problem: 'auth-rejected' }));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining(`127.0.0.1:${nowherePort}`) }),
    );
    const text = logText('debug');
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
    for (const secret of SECRETS) expect(headless.output(), secret).not.toContain(secret);
  });

  it('exports diagnostics after the failures: logs and alerts in, no secret in any entry', async () => {
    const archive = await exportDiagnostics(headless);
    const alerts = JSON.parse(strFromU8(archive['alerts.json'] as Uint8Array)) as Array<{ kind: string }>;
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.length).toBeLessThanOrEqual(200);
    const logs = Object.keys(archive).filter((name) => name.startsWith('logs/'));
    expect(logs).toEqual(['logs/kilowatch.1.log']);
    expect(strFromU8(archive['logs/kilowatch.1.log'] as Uint8Array)).toContain('auth-rejected');
    for (const entries of [firstArchive, archive])
      for (const [name, bytes] of Object.entries(entries)) {
        const text = strFromU8(bytes);
        for (const secret of SECRETS) expect(text, `${secret} in ${name}`).not.toContain(secret);
      }
  });

  it("writes the core worker's failure, with its stack, into the main thread's log file", async () => {
    process.kill(headless.child.pid as number, 'SIGUSR2');
    await until(
      () => logLines('debug').some((l) => l.msg === 'the counting engine hit an uncaught error'),
      10_000,
      "the worker's error in the log",
    );
    const failure = logLines('debug').find((l) => l.msg === 'the counting engine hit an uncaught error');
    expect(failure).toMatchObject({ level: 50 });
    expect((failure?.err as { stack: string }).stack).toMatch(/crash requested by a test[\s\S]*core-worker/);
    await until(
      () => logLines('debug').some((l) => /^the counting engine stopped \(exit code 1\)/.test(l.msg)),
      10_000,
      'the restart in the log',
    );
    await waitForState(headless, (s) => s.status !== 'disconnected');
  });
});

/** diagnostics.export over the bridge, unzipped; every listed entry is there and JSON ones parse. */
async function exportDiagnostics(h: Headless): Promise<Record<string, Uint8Array>> {
  const reply = (await call(h, 'diagnostics.export')) as {
    ok: boolean;
    value: { fileName: string; bytes: number; zipBase64: string };
  };
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  const zip = Buffer.from(reply.value.zipBase64, 'base64');
  expect(zip.length).toBe(reply.value.bytes);
  expect(reply.value.fileName).toMatch(/^kilowatch-diagnostics-\d{8}-\d{6}\.zip$/);
  const entries = unzipSync(new Uint8Array(zip));
  for (const name of ARCHIVE_JSON_ENTRIES) {
    expect(Object.keys(entries)).toContain(name);
    expect(() => JSON.parse(strFromU8(entries[name] as Uint8Array)), name).not.toThrow();
  }
  expect(Object.keys(entries).some((name) => /^logs\/kilowatch\.\d+\.log$/.test(name))).toBe(true);
  return entries;
}

describe('at info level', () => {
  it('KILOWATCH_LOG_LEVEL wins over [logging] level: no debug lines', async () => {
    const headless = await start('info', 'debug', { KILOWATCH_LOG_LEVEL: 'info' });
    try {
      await waitForState(headless, (s) => s.status === 'connected' && s.subscribed === true);
      await publishReading(2);
      await until(
        async () => ((await call(headless, 'stats.get')).value as { devices: number }).devices === 1,
        10_000,
        'the device counted',
      );
    } finally {
      expect(await headless.stop()).toBe(0);
    }
    const lines = logLines('info');
    expect(lines[0]).toMatchObject({ logLevel: 'info' });
    expect(lines.some((l) => l.msg.includes('connected, subscribed'))).toBe(true);
    expect(lines.filter((l) => l.level < 30)).toEqual([]);
  });

  it('a log level that is none is a start-up error in one line', async () => {
    const r = await runHeadless(['--demo', '--port', '0', '--db', join(dir.path, 'bad', 'kw.db')], 30_000, {
      KILOWATCH_LOG_LEVEL: 'loud',
    });
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe(
      'kilowatch: KILOWATCH_LOG_LEVEL is "loud"; use one of trace, debug, info, warn, error, fatal (or leave it unset for [logging] level, default info).',
    );
    const toml = writeConfig('bad-level', 'loud');
    const fromFile = await runHeadless(['--config', toml, '--port', '0'], 30_000, {
      KILOWATCH_TOKEN: ENV_TOKEN,
    });
    expect(fromFile.code).toBe(1);
    expect(fromFile.output.trim()).toMatch(/^kilowatch: .*bad-level\.toml: logging\.level.*"trace"/);
  });
});
