/**
 * The console's log files (src/main/log) on a real folder: JSON lines at the configured level,
 * secrets taken out of fields, messages and errors, the terminal's familiar lines, and rotation
 * past the size limit with old files removed.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listLogFiles } from '../../src/main/core/diagnostics/log-files';
import { redactText } from '../../src/main/core/diagnostics/redact';
import { resolveLogLevel } from '../../src/main/log/log-level';
import { openLog, type AppLog, type LogOptions } from '../../src/main/log/open-log';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
const logs: AppLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

async function open(options: Partial<LogOptions> = {}): Promise<{ log: AppLog; terminal: string[] }> {
  const dir = tempDir('kw-log-');
  dirs.push(dir);
  const terminal: string[] = [];
  const opened = await openLog({
    dir: join(dir.path, 'logs'),
    level: 'info',
    echo: { write: (text: string) => terminal.push(text) },
    ...options,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  logs.push(opened.value);
  return { log: opened.value, terminal };
}

/** Every line of every log file, parsed (a line that is not JSON fails the test). */
async function linesOf(log: AppLog): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const name of await listLogFiles(log.dir)) {
    const text = readFileSync(join(log.dir, name), 'utf8');
    for (const line of text.split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return lines;
}

const rawText = async (log: AppLog): Promise<string> =>
  (await listLogFiles(log.dir)).map((name) => readFileSync(join(log.dir, name), 'utf8')).join('');

describe('the log files', () => {
  it('are JSON lines at the configured level and above, readable by this user only', async () => {
    const { log, terminal } = await open({ level: 'info' });
    log.logger.debug('a debug line');
    log.logger.info({ broker: 'mqtt://10.0.0.5:1883' }, 'an info line');
    log.fileLogger.debug('a debug line for the file');
    log.fileLogger.info('an info line for the file');
    log.log('a warning, as the core says it');
    log.log('an error, as the core says it', new Error('boom'));
    const lines = await linesOf(log);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [30, 'an info line'],
      [30, 'an info line for the file'],
      [40, 'a warning, as the core says it'],
      [50, 'an error, as the core says it'],
    ]);
    expect(lines[0]).toMatchObject({ broker: 'mqtt://10.0.0.5:1883', pid: process.pid });
    expect(Date.parse(String(lines[0]?.time))).toBeGreaterThan(Date.now() - 60_000);
    expect((lines[3]?.err as { stack: string }).stack).toMatch(/^Error: boom\n\s+at /);
    expect(await listLogFiles(log.dir)).toEqual(['kilowatch.1.log']);
    expect(statSync(join(log.dir, 'kilowatch.1.log')).mode & 0o777).toBe(0o600);
    // The terminal gets the lines it always had (the file-only record stays off it).
    expect(terminal.join('')).toMatch(
      /^kilowatch: an info line\nkilowatch: a warning, as the core says it\nkilowatch: an error, as the core says it\nError: boom\n\s+at /,
    );
  });

  it('writes debug lines at debug, marked as such on the terminal', async () => {
    const { log, terminal } = await open({ level: 'debug' });
    log.logger.debug('a debug line');
    log.logger.trace('a trace line');
    expect((await linesOf(log)).map((l) => [l.level, l.msg])).toEqual([[20, 'a debug line']]);
    expect(terminal).toEqual(['kilowatch: [debug] a debug line\n']);
  });

  it('never holds a secret: secret keys, URLs with credentials, named values, keys in text, errors', async () => {
    const secrets = [
      'S3cret-Broker-Pw',
      'Tok-9f8e7d6c5b4a3928',
      'Pass-Phrase-77',
      'Login-Pw-1234',
      'Cookie-Val-42',
    ];
    const [brokerPw, token, passphrase, loginPw, cookie] = secrets as [
      string,
      string,
      string,
      string,
      string,
    ];
    const { log, terminal } = await open({ level: 'trace' });
    log.logger.info(
      {
        password: brokerPw,
        profile: { url: `mqtts://kilo:${brokerPw}@broker.lan:8883`, tls: { passphrase, key: '-----BEGIN' } },
        request: { headers: { authorization: `Bearer ${token}`, cookie: `kw_session=${cookie}` } },
        deep: { a: { b: { apiToken: token } } },
        alert: { key: 'broker:site' },
      },
      `connecting to mqtts://kilo:${brokerPw}@broker.lan:8883`,
    );
    log.logger.warn(`refused login with {"password":"${loginPw}"} and KILOWATCH_TOKEN=${token}`);
    log.log(
      'the broker failed',
      new Error(`connect ECONNREFUSED mqtt://kilo:${brokerPw}@10.0.0.5:1883 (token=${token})`),
    );
    log.logger.error(
      `a key pasted in a message: -----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHz${passphrase}\n-----END ENCRYPTED PRIVATE KEY-----`,
    );
    const text = await rawText(log);
    expect(text.split('\n').filter(Boolean)).toHaveLength(4);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(terminal.join('')).not.toContain(secret);
    }
    const [first] = await linesOf(log);
    expect(first).toMatchObject({
      password: '[redacted]',
      profile: { url: 'mqtts://broker.lan:8883', tls: { passphrase: '[redacted]', key: '[redacted]' } },
      request: { headers: { authorization: '[redacted]', cookie: '[redacted]' } },
      deep: { a: { b: { apiToken: '[redacted]' } } },
      alert: { key: 'broker:site' },
      msg: 'connecting to mqtts://broker.lan:8883',
    });
  });

  it('rolls to a new file past the size limit and keeps only the newest few', async () => {
    const { log } = await open({ maxFileBytes: 4 * 1024, keepFiles: 2 });
    const filler = 'x'.repeat(200);
    for (let i = 0; i < 200; i++) {
      log.logger.info({ i }, filler);
      // Rotation happens between writes (pino-roll waits for the stream to drain).
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 100));
    const files = await listLogFiles(log.dir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeLessThanOrEqual(3);
    expect(files.at(-1)).not.toBe('kilowatch.1.log');
    for (const name of files) expect(statSync(join(log.dir, name)).size).toBeLessThan(8 * 1024);
    // Every kept line is whole JSON, and the newest is there.
    const lines = await linesOf(log);
    expect(lines.at(-1)).toMatchObject({ i: 199 });
  });

  it('is a clear error when the folder cannot be written', async () => {
    const dir = tempDir('kw-log-');
    dirs.push(dir);
    // A file where the data folder should be.
    const blocker = join(dir.path, 'a-file');
    writeFileSync(blocker, '');
    const opened = await openLog({ dir: join(blocker, 'logs'), level: 'info' });
    expect(opened).toMatchObject({ ok: false, error: { code: 'storage-unavailable' } });
    if (!opened.ok) expect(opened.error.message).toMatch(/a-file\/logs \(ENOTDIR\)/);
  });
});

describe('the log level', () => {
  it('comes from KILOWATCH_LOG_LEVEL over [logging] level; a wrong one is refused, saying the choices', () => {
    expect(resolveLogLevel('warn', {})).toEqual({ ok: true, value: 'warn' });
    expect(resolveLogLevel('warn', { KILOWATCH_LOG_LEVEL: 'DEBUG' })).toEqual({ ok: true, value: 'debug' });
    expect(resolveLogLevel('info', { KILOWATCH_LOG_LEVEL: 'verbose' })).toEqual({
      ok: false,
      error: {
        code: 'invalid-params',
        message:
          'KILOWATCH_LOG_LEVEL is "verbose"; use one of trace, debug, info, warn, error, fatal (or leave it unset for [logging] level, default info).',
      },
    });
  });
});

describe('text redaction', () => {
  it('keeps hints and ordinary words, takes out values', () => {
    expect(redactText('Set KILOWATCH_TOKEN (e.g. KILOWATCH_TOKEN=$(openssl rand -hex 32))')).toBe(
      'Set KILOWATCH_TOKEN (e.g. KILOWATCH_TOKEN=$(openssl rand -hex 32))',
    );
    expect(redactText('password: too short; 3 tokens=left')).toBe('password: too short; 3 tokens=left');
    expect(redactText('GET /api?token=abc123&x=1')).toBe('GET /api?token=[redacted]&x=1');
    expect(redactText('{"user":"kilo","passWord": "a \\"quoted\\" one"}')).toBe(
      '{"user":"kilo","passWord": "[redacted]"}',
    );
    expect(redactText('Authorization: Basic a2lsbzpwdw==')).toBe('Authorization: [redacted]');
  });
});
