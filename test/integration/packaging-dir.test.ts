/**
 * `electron-builder --linux dir` with electron-builder.yml, for real, on the built out/: what ends
 * up in the app's asar archive and beside it. Two things cannot happen here and are switched off
 * for this run only, each named: Electron's binary cannot be downloaded, so a stand-in
 * distribution folder is packed around the app (electronDist); and better-sqlite3 cannot be
 * rebuilt for Electron without its headers, so npmRebuild is off (test/unit/packaging-config
 * checks that `npm run dist` keeps it on). Everything else is electron-builder's own work: file
 * patterns, production node_modules, asar, unpacking the native addon, no update feed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/headless';
import { tempDir } from '../support/temp-dir';

const REPO = resolve(__dirname, '../..');
const dir = tempDir('kw-packaging-');
const app = join(dir.path, 'dist', 'linux-unpacked');
let entries: Map<string, { unpacked?: boolean }>;

interface AsarNode {
  files?: Record<string, AsarNode>;
  unpacked?: boolean;
}

/** The asar archive's file list, from its header: a pickled length, then the JSON index. */
function asarEntries(file: string): Map<string, { unpacked?: boolean }> {
  const archive = readFileSync(file);
  const header = JSON.parse(archive.toString('utf8', 16, 16 + archive.readUInt32LE(12))) as AsarNode;
  const found = new Map<string, { unpacked?: boolean }>();
  const walk = (node: AsarNode, path: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const at = path ? `${path}/${name}` : name;
      if (child.files) walk(child, at);
      else found.set(at, { ...(child.unpacked && { unpacked: true }) });
    }
  };
  walk(header, '');
  return found;
}

beforeAll(() => {
  assertBuilt();
  const electronDist = join(dir.path, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
  writeFileSync(join(electronDist, 'version'), 'v45.4.1');
  const run = spawnSync(
    process.execPath,
    [
      join(REPO, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      '--publish',
      'never',
      '-c.npmRebuild=false',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${join(dir.path, 'dist')}`,
    ],
    { cwd: REPO, encoding: 'utf8', env: { ...process.env, CI: '1' } },
  );
  if (run.status !== 0)
    throw new Error(`electron-builder failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  entries = asarEntries(join(app, 'resources', 'app.asar'));
}, 180_000);
afterAll(() => dir.remove());

describe('the packaged app (electron-builder --linux dir)', () => {
  it('holds every built file of out/ (no source maps) and package.json', () => {
    const built = readdirSync(join(REPO, 'out'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.map'))
      .map((e) => relative(REPO, join(e.parentPath, e.name)).split('\\').join('/'));
    expect(built).toContain('out/main/index.js');
    for (const file of [...built, 'package.json'])
      expect({ file, packed: entries.has(file) }).toEqual({ file, packed: true });
    expect([...entries.keys()].filter((f) => f.startsWith('out/') && f.endsWith('.map'))).toEqual([]);
  });

  it('holds nothing but out/, package.json and node_modules: no sources, tests or bench', () => {
    const top = new Set([...entries.keys()].map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json']);
  });

  it('holds the production dependencies and none of the development ones', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const modules = new Set(
      [...entries.keys()]
        .filter((f) => f.startsWith('node_modules/'))
        .map((f) =>
          f
            .split('/')
            .slice(1, f.split('/')[1]?.startsWith('@') ? 3 : 2)
            .join('/'),
        ),
    );
    for (const name of Object.keys(pkg.dependencies))
      expect({ name, packed: modules.has(name) }).toEqual({ name, packed: true });
    for (const name of ['electron', 'electron-builder', 'vitest', 'react', 'typescript', 'playwright-core'])
      expect({ name, packed: modules.has(name) }).toEqual({ name, packed: false });
  });

  it('unpacks better-sqlite3’s addon beside the archive, without its sources', () => {
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(entries.get(addon)).toEqual({ unpacked: true });
    expect(existsSync(join(app, 'resources', 'app.asar.unpacked', addon))).toBe(true);
    const betterSqlite = [...entries.keys()].filter((f) => f.startsWith('node_modules/better-sqlite3/'));
    expect(betterSqlite.filter((f) => /\/(deps|src)\/|\/obj(\.target)?\/|test_extension/.test(f))).toEqual(
      [],
    );
  });

  it('unpacks koffi’s prebuilt addon for this platform beside the archive, without koffi’s sources', () => {
    const addon = `node_modules/@koromix/koffi-linux-${process.arch}/linux_${process.arch}/koffi.node`;
    expect(entries.get(addon)).toEqual({ unpacked: true });
    expect(existsSync(join(app, 'resources', 'app.asar.unpacked', addon))).toBe(true);
    const koffi = [...entries.keys()].filter((f) => f.startsWith('node_modules/koffi/'));
    expect(koffi).toContain('node_modules/koffi/index.js');
    expect(koffi.filter((f) => /^node_modules\/koffi\/(src|vendor|doc)\//.test(f))).toEqual([]);
  });

  it('is the executable `kilowatch`, with no update feed', () => {
    expect(existsSync(join(app, 'kilowatch'))).toBe(true);
    expect(readdirSync(join(app, 'resources')).sort()).toEqual(['app.asar', 'app.asar.unpacked']);
  });
});
