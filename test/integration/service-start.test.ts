/**
 * The headless console started the way deploy/kilowatch.service starts it: its ExecStart, with
 * this checkout for /opt/kilowatch, a temporary folder for /var/lib/kilowatch (also the working
 * directory) and the README's copy of the example config for /etc/kilowatch/kilowatch.toml, plus
 * `--demo --port 0` so it needs no broker and no fixed port. It answers /healthz, writes its
 * database and API token into the data folder and nowhere else, and SIGTERM (the unit's
 * KillSignal) ends it with 0.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/headless';
import { execStart, INSTALL_ROOT, readUnit } from '../support/service-unit';
import { tempDir } from '../support/temp-dir';

const REPO = resolve(__dirname, '../..');
const dir = tempDir('kw-service-');
afterAll(() => dir.remove());

/** The unit's command line with its paths mapped onto this machine. */
function commandLine(dataDir: string, configFile: string): string[] {
  const [, ...words] = execStart(readUnit());
  return words.map((word) =>
    word.startsWith(`${INSTALL_ROOT}/`)
      ? join(REPO, word.slice(INSTALL_ROOT.length + 1))
      : word === '/var/lib/kilowatch'
        ? dataDir
        : word === '/etc/kilowatch/kilowatch.toml'
          ? configFile
          : word,
  );
}

describe('kilowatch serve as the systemd unit runs it', () => {
  it('answers /healthz and keeps its files in the data folder', async () => {
    assertBuilt();
    const dataDir = join(dir.path, 'var-lib-kilowatch');
    const elsewhere = join(dir.path, 'home');
    mkdirSync(dataDir);
    mkdirSync(elsewhere);
    const configFile = join(dir.path, 'kilowatch.toml');
    copyFileSync(join(REPO, 'resources/kilowatch.example.toml'), configFile);
    const args = [...commandLine(dataDir, configFile), '--demo', '--port', '0'];
    expect(args.slice(0, 6)).toEqual([
      join(REPO, 'scripts/kilowatch.mjs'),
      'serve',
      '--config',
      configFile,
      '--data-dir',
      dataDir,
    ]);

    const env: NodeJS.ProcessEnv = { ...process.env, KILOWATCH_DEMO_HISTORY: 'off', HOME: elsewhere };
    for (const name of ['KILOWATCH_TOKEN', 'KILOWATCH_BROKER_PASSWORD', 'XDG_DATA_HOME', 'KILOWATCH_CONFIG'])
      delete env[name];
    const child = spawn(process.execPath, args, { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((found, failed) => {
        const timer = setTimeout(() => failed(new Error(`not running after 45 s:\n${output}`)), 45_000);
        child.stdout.on('data', () => {
          const m = /Kilowatch is running at (http:\/\/\S+?)\/?\s/.exec(output);
          if (m) {
            clearTimeout(timer);
            found(m[1] as string);
          }
        });
        void exited.then((code) => failed(new Error(`exited with ${code}:\n${output}`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ db: 'ok' });
      expect(output).toContain(`database: ${join(dataDir, 'kilowatch-demo.db')}`);
      expect(existsSync(join(dataDir, 'kilowatch-demo.db'))).toBe(true);
      expect(existsSync(join(dataDir, 'api-token'))).toBe(true);
      // The default data folder (under HOME) was never made.
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
