/**
 * diagnostics.export on an in-process console over a real SQLite file and a real log folder:
 * the archive's entries, unzipped with fflate, are exactly the listed JSON files and the rotated
 * logs (byte for byte), the last 200 alerts, and no secret from the configuration, the alerts or
 * anywhere else.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/main/core/config';
import type { KilowatchConsole } from '../../src/main/core/console';
import { ARCHIVE_JSON_ENTRIES } from '../../src/main/core/diagnostics/diagnostics-archive';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import { tempDir } from '../support/temp-dir';

const TOKEN = 'Toml-Token-5e6f7a8b9c0d1e2f';
const URL_PASSWORD = 'Url-Pw-3c4d5e6f';
const HASH = 'scrypt$16384$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==';
const ALERT_PASSWORD = 'Alert-Pw-7a8b9c';
const SECRETS = [TOKEN, URL_PASSWORD, HASH, ALERT_PASSWORD];
const NOW = Date.parse('2025-03-14T09:30:05.250Z');

const dir = tempDir('kw-diag-');
const logDir = join(dir.path, 'logs');
/** 3 MB of log lines: many slices of the zip's compressor. */
const bigLog = Array.from(
  { length: 20_000 },
  (_, i) => `{"level":30,"i":${i},"msg":"${'y'.repeat(120)}"}\n`,
).join('');
let core: KilowatchConsole;
let store: Store;

beforeAll(() => {
  mkdirSync(logDir);
  writeFileSync(join(logDir, 'kilowatch.1.log'), '{"level":30,"msg":"the first"}\n');
  writeFileSync(join(logDir, 'kilowatch.2.log'), bigLog);
  writeFileSync(join(logDir, 'notes.txt'), 'not a log of ours');
  const config = {
    ...defaultConfig(),
    server: {
      port: 5178,
      host: '0.0.0.0',
      hosts: [],
      token: TOKEN,
      users: [{ name: 'desk', role: 'desk', password_hash: HASH }],
    },
    broker: [
      {
        name: 'site',
        url: `mqtts://kilo:${URL_PASSWORD}@broker.lan:8883`,
        protocolVersion: 4,
        username: 'kilo',
        passwordFile: '/etc/kilowatch/broker-password',
        verifyServer: true,
        active: true,
      },
    ],
  } as Config;
  const opened = openConsole({
    dbPath: join(dir.path, 'kw.db'),
    outPrefix: 'kilowatch',
    publishIntervalS: 30,
    clock: () => NOW,
    diagnostics: { logDir, config },
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  for (let i = 0; i < 205; i++)
    core.alerts.raise({
      id: `test-${i}`,
      at: new Date(NOW - (205 - i) * 1000).toISOString(),
      severity: 'warning',
      kind: 'broker',
      message: `Could not reach mqtt://kilo:${ALERT_PASSWORD}@10.0.0.${i % 250}:1883 (attempt ${i}).`,
    });
});

afterAll(async () => {
  await core?.close();
  store?.close();
  dir.remove();
});

async function exported(): Promise<{ fileName: string; entries: Record<string, Uint8Array> }> {
  const reply = await core.handlers['diagnostics.export']({});
  if (!reply.ok) throw new Error(reply.error.message);
  const zip = Buffer.from(reply.value.zipBase64, 'base64');
  expect(zip.length).toBe(reply.value.bytes);
  return { fileName: reply.value.fileName, entries: unzipSync(new Uint8Array(zip)) };
}

const json = (entries: Record<string, Uint8Array>, name: string): unknown =>
  JSON.parse(strFromU8(entries[name] as Uint8Array));

describe('the diagnostics archive', () => {
  it('holds the listed entries and the rotated logs, byte for byte', async () => {
    const { fileName, entries } = await exported();
    expect(fileName).toBe('kilowatch-diagnostics-20250314-093005.zip');
    expect(Object.keys(entries).sort()).toEqual(
      [...ARCHIVE_JSON_ENTRIES, 'logs/kilowatch.1.log', 'logs/kilowatch.2.log'].sort(),
    );
    expect(strFromU8(entries['logs/kilowatch.2.log'] as Uint8Array)).toBe(bigLog);
    expect(json(entries, 'schema.json')).toMatchObject({ version: expect.any(Number) });
    expect(json(entries, 'stats.json')).toMatchObject({ received: 0, devices: 0 });
    expect(json(entries, 'config.json')).toMatchObject({
      console: {
        outPrefix: 'kilowatch',
        publishIntervalS: 30,
        logs: logDir,
        database: join(dir.path, 'kw.db'),
      },
      connection: null,
    });
  });

  it('keeps the newest 200 alerts', async () => {
    const alerts = json((await exported()).entries, 'alerts.json') as Array<{ id: string; message: string }>;
    expect(alerts).toHaveLength(200);
    expect(alerts[0]?.message).toBe('Could not reach mqtt://10.0.0.204:1883 (attempt 204).');
  });

  it('takes every secret out of the configuration, and finds none anywhere', async () => {
    const { entries } = await exported();
    const toml = (
      json(entries, 'config.json') as { 'kilowatch.toml': Config & { server: { users: unknown } } }
    )['kilowatch.toml'];
    expect(toml.server.token).toBe('[redacted]');
    expect(toml.server.users).toEqual([{ name: 'desk', role: 'desk', password_hash: '[redacted]' }]);
    expect(toml.broker[0]).toMatchObject({
      url: 'mqtts://broker.lan:8883',
      username: 'kilo',
      passwordFile: '/etc/kilowatch/broker-password',
    });
    for (const [name, bytes] of Object.entries(entries)) {
      const text = strFromU8(bytes);
      for (const secret of SECRETS) expect(text, `${secret} in ${name}`).not.toContain(secret);
    }
  });
});
