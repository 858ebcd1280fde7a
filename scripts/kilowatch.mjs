#!/usr/bin/env node
// `kilowatch serve [flags]` runs the headless console; `kilowatch rollup --rebuild [--db FILE]`
// recomputes the history rollups from the minutes and reports what differed; `kilowatch
// hash-password` prints the hash of a password read on stdin (for [[server.users]]). Needs
// `npm run build`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abiOfBinary, binaryPath } from './native-abi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'out', 'main', 'headless.js');
if (!existsSync(entry)) {
  console.error('kilowatch: not built yet. Run: npm run build');
  process.exit(1);
}
// A checkout where the desktop app ran last has better-sqlite3 built for Electron: say so in one
// line (a service's log), instead of Node's loader error from deep inside the start.
const built = existsSync(binaryPath(root)) ? abiOfBinary(binaryPath(root)) : null;
if (typeof built === 'number' && built !== Number(process.versions.modules)) {
  console.error(
    `kilowatch: better-sqlite3 is built for another runtime (NODE_MODULE_VERSION ${built}; this Node ` +
      `${process.version} needs ${process.versions.modules}). Run: cd ${root} && node scripts/native-abi.mjs node`,
  );
  process.exit(1);
}
const [command, ...rest] = process.argv.slice(2);
let args;
if (command === 'rollup' && rest.includes('--rebuild'))
  args = ['--rebuild-rollups', ...rest.filter((a) => a !== '--rebuild')];
else if (command === 'serve' || command === undefined) args = rest;
else if (command === 'hash-password') args = ['--hash-password'];
else {
  console.error(
    `kilowatch: unknown command "${command}". Use: kilowatch serve [flags] | kilowatch rollup --rebuild [--db FILE] | kilowatch hash-password`,
  );
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];
createRequire(import.meta.url)(entry);
