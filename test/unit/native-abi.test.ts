/**
 * scripts/native-abi.mjs, which makes better-sqlite3's build fit the runtime about to start, on
 * real files: copies of this machine's real build and of one relabelled as Electron's (the same
 * bytes with its registration symbol renamed; no Electron build can be made here), in throwaway
 * project folders. It keeps a fitting build, restores a cached one, rebuilds otherwise, and puts
 * the previous build back when a rebuild fails the way @electron/rebuild fails offline (it deletes
 * the build folder first). The package.json scripts run it before every command that loads the
 * module, for the runtime that command uses.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  abiOfBinary,
  binaryPath,
  ELECTRON_NEEDS_NODE,
  isAtLeast,
  NativeAbiError,
  useRuntime,
  wantedRuntime,
  type Rebuilder,
} from '../../scripts/native-abi.mjs';
import { tempDir } from '../support/temp-dir';

const REPO = resolve(__dirname, '../..');
const SCRIPT = join(REPO, 'scripts/native-abi.mjs');
const NODE_ABI = Number(process.versions.modules);
const ELECTRON_ABI = Number(readFileSync(join(REPO, 'node_modules/electron/abi_version'), 'utf8'));
const REAL_BUILD = readFileSync(binaryPath(REPO));

const dir = tempDir('kw-native-abi-');
afterAll(() => dir.remove());

/** The real build with its registration symbol renamed: what the script reads as another runtime's. */
function relabelled(abi: number): Buffer {
  const copy = Buffer.from(REAL_BUILD);
  const from = Buffer.from(`node_register_module_v${NODE_ABI}`);
  const to = Buffer.from(`node_register_module_v${abi}`);
  expect(to.length).toBe(from.length);
  let at = copy.indexOf(from);
  expect(at).toBeGreaterThan(0);
  for (; at >= 0; at = copy.indexOf(from, at + 1)) to.copy(copy, at);
  return copy;
}

let projects = 0;
/** A project folder with better-sqlite3 (its loader and the given build) and the electron package. */
function project(build: Buffer | null): { root: string; binary: string; cache: string } {
  const root = join(dir.path, `project-${++projects}`);
  const modules = join(root, 'node_modules');
  for (const name of ['bindings', 'file-uri-to-path', 'better-sqlite3/lib', 'better-sqlite3/package.json'])
    cpSync(join(REPO, 'node_modules', name), join(modules, name), { recursive: true });
  mkdirSync(join(modules, 'electron'), { recursive: true });
  for (const name of ['package.json', 'abi_version'])
    cpSync(join(REPO, 'node_modules/electron', name), join(modules, 'electron', name));
  const binary = binaryPath(root);
  if (build) {
    mkdirSync(dirname(binary), { recursive: true });
    writeFileSync(binary, build);
  }
  return { root, binary, cache: join(modules, '.cache/kilowatch-native') };
}

const cached = (cache: string) => (existsSync(cache) ? readdirSync(cache).sort() : []);
const version = JSON.parse(readFileSync(join(REPO, 'node_modules/better-sqlite3/package.json'), 'utf8'))
  .version as string;
const cacheName = (abi: number) =>
  `better-sqlite3@${version}-${process.platform}-${process.arch}-abi${abi}.node`;

/** Loads the project's better-sqlite3 in a fresh Node and runs a query. */
function loadsInNode(root: string): string {
  const run = spawnSync(
    process.execPath,
    [
      '-e',
      `const D = require(${JSON.stringify(join(root, 'node_modules/better-sqlite3'))});` +
        `console.log(new D(':memory:').prepare('select 6 * 7 as n').get().n)`,
    ],
    { encoding: 'utf8' },
  );
  return run.status === 0 ? run.stdout.trim() : `failed: ${run.stderr}`;
}

const rebuildersThat = (node: Rebuilder, electron: Rebuilder) => ({ node, electron });
const never: Rebuilder = async () => {
  throw new Error('no rebuild expected');
};
const quiet = () => undefined;

describe('reading which runtime a build is for', () => {
  it('reads the NODE_MODULE_VERSION a build registers under', () => {
    expect(abiOfBinary(binaryPath(REPO))).toBe(NODE_ABI);
    const { binary } = project(relabelled(ELECTRON_ABI));
    expect(abiOfBinary(binary)).toBe(ELECTRON_ABI);
  });

  it('knows an ABI-stable (N-API) addon, and a file that names neither', () => {
    const { binary } = project(Buffer.from('\0ELF...napi_register_module_v1\0...'));
    expect(abiOfBinary(binary)).toBe('node-api');
    writeFileSync(binary, 'not an addon');
    expect(abiOfBinary(binary)).toBeNull();
  });

  it("takes Electron's ABI from the electron package, which ships it without the binary", () => {
    const wanted = wantedRuntime(REPO, 'electron');
    expect(wanted).toMatchObject({ runtime: 'electron', abi: ELECTRON_ABI, label: 'Electron 45.4.1' });
    expect(wanted.abi).not.toBe(NODE_ABI);
    expect(wantedRuntime(REPO, 'node')).toMatchObject({ abi: NODE_ABI, label: `Node ${process.version}` });
  });

  it('asks for the Node that Electron and @electron/rebuild declare they need', () => {
    for (const name of ['electron', '@electron/rebuild']) {
      const engines = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8'))
        .engines.node as string;
      expect({ name, engines: engines.replace(/\s/g, '') }).toEqual({
        name,
        engines: `>=${ELECTRON_NEEDS_NODE}`,
      });
    }
    expect([
      isAtLeast('20.19.0', '22.12.0'),
      isAtLeast('22.12.0', '22.12.0'),
      isAtLeast('v24.1.0', '22.12.0'),
    ]).toEqual([false, true, true]);
  });
});

describe('switching the build', () => {
  it('keeps a build that already fits, and rebuilds nothing', async () => {
    const { root, binary, cache } = project(REAL_BUILD);
    const result = await useRuntime({
      root,
      runtime: 'node',
      rebuilders: rebuildersThat(never, never),
      log: quiet,
    });
    expect(result.action).toBe('kept');
    expect(readFileSync(binary).equals(REAL_BUILD)).toBe(true);
    expect(cached(cache)).toEqual([]);
  });

  it('rebuilds for Electron, keeping the Node build, and switches back by copying it', async () => {
    const { root, binary, cache } = project(REAL_BUILD);
    const electronBuild = relabelled(ELECTRON_ABI);
    const asked: string[] = [];
    const toElectron = await useRuntime({
      root,
      runtime: 'electron',
      nodeVersion: ELECTRON_NEEDS_NODE,
      rebuilders: rebuildersThat(never, async (at, wanted) => {
        asked.push(`${at} ${wanted.version}`);
        writeFileSync(binary, electronBuild);
      }),
      log: quiet,
    });
    expect(toElectron.action).toBe('rebuilt');
    expect(asked).toEqual([`${root} 45.4.1`]);
    expect(abiOfBinary(binary)).toBe(ELECTRON_ABI);
    expect(cached(cache)).toEqual([cacheName(NODE_ABI), cacheName(ELECTRON_ABI)].sort());

    const toNode = await useRuntime({
      root,
      runtime: 'node',
      rebuilders: rebuildersThat(never, never),
      log: quiet,
    });
    expect(toNode.action).toBe('restored');
    expect(readFileSync(binary).equals(REAL_BUILD)).toBe(true);
    expect(loadsInNode(root)).toBe('42');
    const backToElectron = await useRuntime({
      root,
      runtime: 'electron',
      nodeVersion: '20.19.0',
      rebuilders: rebuildersThat(never, never),
      log: quiet,
    });
    // A cached build needs no rebuild, so no newer Node either.
    expect(backToElectron.action).toBe('restored');
    expect(readFileSync(binary).equals(electronBuild)).toBe(true);
  });

  it('puts the Node build back when the Electron rebuild fails after deleting the build folder', async () => {
    const { root, binary } = project(REAL_BUILD);
    const failure = useRuntime({
      root,
      runtime: 'electron',
      nodeVersion: ELECTRON_NEEDS_NODE,
      rebuilders: rebuildersThat(never, async () => {
        // What @electron/rebuild does offline: node-gyp removes build/ and then cannot fetch headers.
        rmSync(join(root, 'node_modules/better-sqlite3/build'), { recursive: true });
        throw new Error("node-gyp failed to rebuild '/x/node_modules/better-sqlite3'\nmore detail");
      }),
      log: quiet,
    });
    await expect(failure).rejects.toThrow(NativeAbiError);
    await expect(failure).rejects.toThrow(
      "rebuilding better-sqlite3 for Electron 45.4.1 failed (node-gyp failed to rebuild '/x/node_modules/better-sqlite3'). The previous build was put back.",
    );
    expect(readFileSync(binary).equals(REAL_BUILD)).toBe(true);
    expect(loadsInNode(root)).toBe('42');
  });

  it('puts the previous build back when a rebuild leaves a build for the wrong runtime', async () => {
    const electronBuild = relabelled(ELECTRON_ABI);
    const { root, binary } = project(electronBuild);
    const failure = useRuntime({
      root,
      runtime: 'node',
      rebuilders: rebuildersThat(async () => writeFileSync(binary, relabelled(999)), never),
      log: quiet,
    });
    await expect(failure).rejects.toThrow(
      `rebuilding better-sqlite3 for Node ${process.version} produced a build for NODE_MODULE_VERSION 999, not ${NODE_ABI}.`,
    );
    expect(readFileSync(binary).equals(electronBuild)).toBe(true);
  });

  it('refuses to rebuild for Electron on a Node older than it needs, touching nothing', async () => {
    const { root, binary, cache } = project(REAL_BUILD);
    const failure = useRuntime({
      root,
      runtime: 'electron',
      nodeVersion: '20.19.0',
      rebuilders: rebuildersThat(never, never),
      log: quiet,
    });
    await expect(failure).rejects.toThrow(
      `rebuilding better-sqlite3 for Electron 45.4.1 needs Node ${ELECTRON_NEEDS_NODE} or newer (Electron and @electron/rebuild require it); this is Node 20.19.0. Nothing was changed.`,
    );
    expect(readFileSync(binary).equals(REAL_BUILD)).toBe(true);
    expect(cached(cache)).toEqual([]);
  });
});

describe('the command package.json runs', () => {
  // A stand-in `npm` first on PATH: records its arguments and "rebuilds" by writing the real build.
  const bin = join(dir.path, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh\necho "$@" >> "$FAKE_NPM_LOG"\nmkdir -p node_modules/better-sqlite3/build/Release\n` +
      `cp "$REAL_BUILD" node_modules/better-sqlite3/build/Release/better_sqlite3.node\n`,
  );
  chmodSync(join(bin, 'npm'), 0o755);

  function run(root: string, runtime: string) {
    const log = join(root, 'npm.log');
    const result = spawnSync(process.execPath, [SCRIPT, runtime], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}${delimiter}${process.env.PATH}`,
        FAKE_NPM_LOG: log,
        REAL_BUILD: binaryPath(REPO),
      },
    });
    return { ...result, npm: existsSync(log) ? readFileSync(log, 'utf8') : '' };
  }

  it('rebuilds an Electron build for Node with `npm rebuild better-sqlite3`, then loads it', () => {
    const { root, binary } = project(relabelled(ELECTRON_ABI));
    const result = run(root, 'node');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.npm).toBe('rebuild better-sqlite3\n');
    expect(result.stdout).toContain(
      `native-abi: better-sqlite3 rebuilt for Node ${process.version} (NODE_MODULE_VERSION ${NODE_ABI}); loads.`,
    );
    expect(readFileSync(binary).equals(REAL_BUILD)).toBe(true);
    expect(loadsInNode(root)).toBe('42');
  });

  it('says why and fails when a build that fits does not load', () => {
    const { root } = project(Buffer.from(`junk node_register_module_v${NODE_ABI} junk`));
    const result = run(root, 'node');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^native-abi: better-sqlite3 is built for Node ${process.version.replace(/\./g, '\\.')} but does not load: .*better_sqlite3\\.node`,
      ),
    );
    expect(result.npm).toBe('');
  });

  it('fails with one line and changes nothing when asked for Electron on this Node', () => {
    if (isAtLeast(process.versions.node, ELECTRON_NEEDS_NODE)) return; // only an older Node refuses
    const { root, binary } = project(REAL_BUILD);
    const result = run(root, 'electron');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^native-abi: rebuilding better-sqlite3 for Electron 45\.4\.1 needs Node 22\.12\.0 or newer/,
    );
    expect(readFileSync(binary).equals(REAL_BUILD)).toBe(true);
  });

  it("leaves this repository's build loadable in Node after `npm test`'s preparation step", () => {
    const steps = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.test as string).split(
      ' && ',
    );
    const step = steps.find((s) => s.startsWith('node scripts/native-abi.mjs'));
    expect(step).toBe('node scripts/native-abi.mjs node');
    const result = spawnSync(process.execPath, [SCRIPT, 'node'], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(loadsInNode(REPO)).toBe('42');
  });
});

describe('`kilowatch serve` (the service’s command)', () => {
  it('refuses a build for another runtime with one line naming the fix, before starting anything', () => {
    const { root } = project(relabelled(ELECTRON_ABI));
    for (const script of ['kilowatch.mjs', 'native-abi.mjs'])
      cpSync(join(REPO, 'scripts', script), join(root, 'scripts', script));
    mkdirSync(join(root, 'out/main'), { recursive: true });
    writeFileSync(
      join(root, 'out/main/headless.js'),
      "require('fs').writeFileSync(__dirname + '/started', '')",
    );
    const run = spawnSync(process.execPath, [join(root, 'scripts/kilowatch.mjs'), 'serve'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `kilowatch: better-sqlite3 is built for another runtime (NODE_MODULE_VERSION ${ELECTRON_ABI}; this Node ` +
        `${process.version} needs ${NODE_ABI}). Run: cd ${root} && node scripts/native-abi.mjs node\n`,
    );
    expect(existsSync(join(root, 'out/main/started'))).toBe(false);
    // With the Node build in place it starts the console.
    writeFileSync(binaryPath(root), REAL_BUILD);
    expect(spawnSync(process.execPath, [join(root, 'scripts/kilowatch.mjs'), 'serve']).status).toBe(0);
    expect(existsSync(join(root, 'out/main/started'))).toBe(true);
  });
});

describe('`npm start` and `npm run dist` on an older Node', () => {
  it.skipIf(isAtLeast(process.versions.node, ELECTRON_NEEDS_NODE))(
    'stop at setup, before installing anything, and say which Node they need',
    () => {
      // In an empty folder: had the check let it through, `npm ci` would find nothing to install.
      const empty = join(dir.path, 'empty');
      mkdirSync(empty);
      const run = spawnSync(process.execPath, [join(REPO, 'scripts/setup.mjs'), '--with-electron'], {
        cwd: empty,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        `setup: the desktop app (Electron) needs Node ${ELECTRON_NEEDS_NODE} or newer; this is ${process.version}. ` +
          'The headless console (npm run serve) and the tests run on this Node.\n',
      );
      expect(readdirSync(empty)).toEqual([]);
    },
  );
});

describe('package.json scripts', () => {
  const scripts = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  /** Where in a script's `&&` chain a step starting with `prefix` is; -1 when absent. */
  const stepIndex = (name: string, prefix: string) =>
    (scripts[name] ?? '').split(' && ').findIndex((step) => step.startsWith(prefix));

  it.each([
    ['start', 'electron', 'electron-vite preview'],
    ['dev', 'electron', 'electron-vite dev'],
    ['dist', 'electron', 'electron-builder'],
    ['test', 'node', 'vitest'],
    ['test:unit', 'node', 'vitest'],
    ['test:integration', 'node', 'vitest'],
    ['test:e2e', 'node', 'vitest'],
    ['serve', 'node', 'node out/main/headless.js'],
    ['bench', 'node', 'tsx bench/run.ts'],
  ])('`npm run %s` fits better-sqlite3 to %s before `%s`', (name, runtime, user) => {
    const fit = stepIndex(name, `node scripts/native-abi.mjs ${runtime}`);
    expect(fit).toBeGreaterThanOrEqual(0);
    expect(stepIndex(name, user)).toBeGreaterThan(fit);
    // After the dependencies are installed, which builds for Node.
    expect(fit).toBeGreaterThan(stepIndex(name, 'node scripts/setup.mjs'));
    const other = runtime === 'node' ? 'electron' : 'node';
    expect(stepIndex(name, `node scripts/native-abi.mjs ${other}`)).toBe(-1);
  });
});
