/**
 * deploy/kilowatch.service against the code it starts: ExecStart runs this repository's CLI with
 * `serve` and only flags the CLI knows (its usage lists them and its parser accepts them), the
 * data folder it passes is the one systemd creates and lets it write, the environment file it
 * reads holds only variables the console reads, and systemd's own checker finds nothing wrong.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags, USAGE } from '../../src/main/headless/flags';
import { execStart, INSTALL_ROOT, readUnit, single, UNIT_FILE } from '../support/service-unit';

const REPO = resolve(__dirname, '../..');
const unit = readUnit();
const [node, script, command, ...flags] = execStart(unit);

describe('deploy/kilowatch.service', () => {
  it('runs this checkout’s `kilowatch serve` with Node', () => {
    expect(node).toBe('/usr/bin/node');
    expect(script?.startsWith(`${INSTALL_ROOT}/`)).toBe(true);
    const inRepo = join(REPO, (script as string).slice(INSTALL_ROOT.length + 1));
    expect(inRepo).toBe(join(REPO, 'scripts/kilowatch.mjs'));
    expect(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).bin.kilowatch).toBe(
      'scripts/kilowatch.mjs',
    );
    expect(command).toBe('serve');
  });

  it('passes only flags the CLI lists in its usage and accepts', () => {
    const names = flags.filter((word) => word.startsWith('--'));
    expect(names).toEqual(['--config', '--data-dir']);
    for (const name of names) expect(USAGE).toMatch(new RegExp(`^  ${name} `, 'm'));
    const parsed = parseFlags(flags);
    expect(parsed).toEqual({
      flags: expect.objectContaining({
        config: '/etc/kilowatch/kilowatch.toml',
        dataDir: '/var/lib/kilowatch',
      }),
    });
    expect(parseFlags(['--data-dir', ' '])).toEqual({
      error: '--data-dir needs a folder, e.g. --data-dir /var/lib/kilowatch',
    });
  });

  it('keeps its data in the state folder systemd creates, the one place it may write', () => {
    const dataDir = flags[flags.indexOf('--data-dir') + 1];
    expect(dataDir).toBe(`/var/lib/${single(unit, 'Service', 'StateDirectory')}`);
    expect(single(unit, 'Service', 'ReadWritePaths').split(/\s+/)).toEqual([dataDir]);
    expect(single(unit, 'Service', 'WorkingDirectory')).toBe(dataDir);
    expect(single(unit, 'Service', 'StateDirectoryMode')).toBe('0700');
  });

  it('runs as its own user, restarts on failure, and is stopped with the signal that saves', () => {
    expect([single(unit, 'Service', 'User'), single(unit, 'Service', 'Group')]).toEqual([
      'kilowatch',
      'kilowatch',
    ]);
    expect(single(unit, 'Service', 'Restart')).toBe('on-failure');
    expect(single(unit, 'Service', 'KillSignal')).toBe('SIGTERM');
    expect(single(unit, 'Install', 'WantedBy')).toBe('multi-user.target');
  });

  it('is hardened: no new privileges, a read-only system, no home folders', () => {
    for (const [key, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['CapabilityBoundingSet', ''],
    ])
      expect({ key, value: single(unit, 'Service', key as string) }).toEqual({ key, value });
    // Node's JIT needs writable, executable memory.
    expect(unit.get('Service')?.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('reads secrets from an environment file whose example names only variables the console reads', () => {
    expect(single(unit, 'Service', 'EnvironmentFile')).toBe('-/etc/kilowatch/kilowatch.env');
    const example = readFileSync(join(REPO, 'deploy/kilowatch.env.example'), 'utf8');
    const names = [...example.matchAll(/^#?([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(names).toEqual(['KILOWATCH_TOKEN', 'KILOWATCH_BROKER_PASSWORD']);
    // Commented out: systemd would set an empty value, which the console counts as set.
    expect(example).not.toMatch(/^[A-Z_]+=/m);
    const sources = [
      readFileSync(join(REPO, 'src/main/headless/api-token.ts'), 'utf8'),
      readFileSync(join(REPO, 'src/main/core/broker/secret-store.ts'), 'utf8'),
    ].join('\n');
    for (const name of names) expect(sources).toContain(`env.${name}`);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes `systemd-analyze verify`', () => {
    const run = spawnSync('/usr/bin/systemd-analyze', ['verify', UNIT_FILE], { encoding: 'utf8' });
    expect(
      `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.includes('kilowatch.service')),
    ).toEqual([]);
    expect(run.status).toBe(0);
  });
});
