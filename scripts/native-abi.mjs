#!/usr/bin/env node
// better-sqlite3 is compiled for one runtime at a time: Node (the tests, `npm run serve`, the
// bench) and Electron (the desktop app) each have their own NODE_MODULE_VERSION, and loading a
// build made for the other fails. `node scripts/native-abi.mjs node|electron` runs before each of
// those commands (package.json) and makes the build in node_modules fit the runtime about to start:
//   - it reads which runtime the build is for from the compiled file itself (the symbol every
//     addon registers under, node_register_module_v<N>), so there is no marker that can go stale;
//   - before switching away it keeps the current build in node_modules/.cache/kilowatch-native,
//     so switching back is a copy, offline and instant;
//   - otherwise it rebuilds (`npm rebuild better-sqlite3` for Node, @electron/rebuild for
//     Electron), and when a rebuild fails it puts the previous build back: a failed switch never
//     leaves node_modules without a loadable better-sqlite3.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODULE = 'better-sqlite3';
/** Electron 45 and @electron/rebuild both declare it in their engines (a unit test keeps this in step). */
export const ELECTRON_NEEDS_NODE = '22.12.0';

export class NativeAbiError extends Error {}

export function modulePath(root) {
  return join(root, 'node_modules', MODULE);
}

export function binaryPath(root) {
  return join(modulePath(root), 'build', 'Release', 'better_sqlite3.node');
}

/**
 * What a compiled addon was built for: the NODE_MODULE_VERSION it registers under, 'node-api' for
 * an ABI-stable (N-API) addon that loads in any runtime, or null when the file names neither.
 */
export function abiOfBinary(file) {
  const text = readFileSync(file).toString('latin1');
  const versioned = /node_register_module_v(\d+)/.exec(text);
  if (versioned) return Number(versioned[1]);
  return text.includes('napi_register_module_v1') ? 'node-api' : null;
}

/** The runtime about to start and the NODE_MODULE_VERSION it loads. */
export function wantedRuntime(root, runtime) {
  if (runtime === 'node')
    return { runtime, abi: Number(process.versions.modules), label: `Node ${process.version}` };
  if (runtime !== 'electron') throw new NativeAbiError(`unknown runtime "${runtime}"; use node or electron.`);
  const electronDir = join(root, 'node_modules', 'electron');
  // The electron package ships the ABI of its binary (abi_version), so this works without it.
  if (!existsSync(join(electronDir, 'abi_version')))
    throw new NativeAbiError(
      'the electron package is not installed: run `npm run setup -- --with-electron`.',
    );
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const abi = Number(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim());
  return { runtime, abi, version, label: `Electron ${version}` };
}

export function isAtLeast(version, minimum) {
  const parts = (v) => v.replace(/^v/, '').split('.').map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function stashPath(root, abi) {
  const { version } = JSON.parse(readFileSync(join(modulePath(root), 'package.json'), 'utf8'));
  return join(
    root,
    'node_modules',
    '.cache',
    'kilowatch-native',
    `${MODULE}@${version}-${process.platform}-${process.arch}-abi${abi}.node`,
  );
}

/** Copies beside the target and renames over it, so no reader ever sees half a file. */
function placeFile(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  const partial = `${to}.${process.pid}.tmp`;
  copyFileSync(from, partial);
  renameSync(partial, to);
}

const defaultRebuilders = {
  node: async (root) => {
    // prebuild-install first (a download), else node-gyp from the sources in node_modules.
    execFileSync('npm', ['rebuild', MODULE], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
  },
  electron: async (root, wanted) => {
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({ buildPath: root, electronVersion: wanted.version, onlyModules: [MODULE], force: true });
  },
};

/**
 * Makes node_modules' better-sqlite3 the build for `runtime`. Resolves with what it did: 'kept'
 * (it already was), 'restored' (copied back from the cache) or 'rebuilt'. Throws NativeAbiError,
 * with the previous build back in place, when it cannot.
 */
export async function useRuntime({
  root,
  runtime,
  nodeVersion = process.versions.node,
  rebuilders = defaultRebuilders,
  log = console.log,
}) {
  const wanted = wantedRuntime(root, runtime);
  const file = binaryPath(root);
  const current = existsSync(file) ? abiOfBinary(file) : null;
  if (current === wanted.abi || current === 'node-api') return { action: 'kept', wanted };

  const cached = stashPath(root, wanted.abi);
  if (!existsSync(cached) && runtime === 'electron' && !isAtLeast(nodeVersion, ELECTRON_NEEDS_NODE))
    throw new NativeAbiError(
      `rebuilding ${MODULE} for ${wanted.label} needs Node ${ELECTRON_NEEDS_NODE} or newer (Electron and ` +
        `@electron/rebuild require it); this is Node ${nodeVersion}. Nothing was changed. The desktop app ` +
        `needs that newer Node; the headless console (npm run serve) and the tests run on this one.`,
    );
  // Kept for the way back, and as the copy put back if the rebuild fails.
  const previous = typeof current === 'number' ? stashPath(root, current) : null;
  if (previous) placeFile(file, previous);
  if (existsSync(cached)) {
    placeFile(cached, file);
    return { action: 'restored', wanted };
  }

  const putBack = () => {
    if (previous) placeFile(previous, file);
  };
  log(`native-abi: rebuilding ${MODULE} for ${wanted.label} (NODE_MODULE_VERSION ${wanted.abi})…`);
  try {
    await rebuilders[runtime](root, wanted);
  } catch (e) {
    putBack();
    throw new NativeAbiError(
      `rebuilding ${MODULE} for ${wanted.label} failed (${firstLine(e)}). ` +
        `${previous ? 'The previous build was put back. ' : ''}${FIX[runtime]}`,
    );
  }
  const built = existsSync(file) ? abiOfBinary(file) : null;
  if (built !== wanted.abi) {
    putBack();
    throw new NativeAbiError(
      `rebuilding ${MODULE} for ${wanted.label} produced ${built === null ? 'no usable build' : `a build for NODE_MODULE_VERSION ${built}`}, ` +
        `not ${wanted.abi}. ${previous ? 'The previous build was put back. ' : ''}${FIX[runtime]}`,
    );
  }
  placeFile(file, stashPath(root, wanted.abi));
  return { action: 'rebuilt', wanted };
}

const FIX = {
  node:
    'It builds from source when no prebuilt binary can be downloaded: install python3, make and a C++ ' +
    'compiler (Windows: Visual Studio Build Tools), then run the command again.',
  electron:
    'It needs Electron’s headers (downloaded from electronjs.org) or a prebuilt binary from GitHub, and a ' +
    'C++ toolchain: check the network, then run the command again.',
};

function firstLine(e) {
  return (e instanceof Error ? e.message : String(e)).split('\n', 1)[0];
}

/** Loads the build in the runtime that will use it: a broken module is found here, not at start. */
function checkLoads(root, wanted) {
  const probe = `const D = require(${JSON.stringify(modulePath(root))}); new D(':memory:').close();`;
  let command = process.execPath;
  let env = process.env;
  if (wanted.runtime === 'electron') {
    const electronDir = join(root, 'node_modules', 'electron');
    const pathFile = join(electronDir, 'path.txt');
    command = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8')) : '';
    if (!existsSync(command)) return 'not loaded: no Electron binary in node_modules';
    env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  }
  const run = spawnSync(command, ['-e', probe], { env, encoding: 'utf8' });
  if (run.status === 0) return 'loads';
  const reason = (run.stderr ?? '').split('\n').find((l) => /Error|error:/.test(l)) ?? `exit ${run.status}`;
  throw new NativeAbiError(
    `${MODULE} is built for ${wanted.label} but does not load: ${reason.trim()} ` +
      `Run \`npm rebuild ${MODULE}\` (Node) or \`npm start\` (Electron) to build it again.`,
  );
}

async function main() {
  const runtime = process.argv[2];
  const root = process.cwd();
  try {
    const { action, wanted } = await useRuntime({ root, runtime });
    const did = { kept: 'is built for', restored: 'restored from the cache for', rebuilt: 'rebuilt for' }[
      action
    ];
    const loads = checkLoads(root, wanted);
    console.log(
      `native-abi: ${MODULE} ${did} ${wanted.label} (NODE_MODULE_VERSION ${wanted.abi}); ${loads}.`,
    );
  } catch (e) {
    if (!(e instanceof NativeAbiError)) throw e;
    console.error(`native-abi: ${e.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
