#!/usr/bin/env node
// `kilowatch serve [flags]` runs the headless console; `kilowatch rollup --rebuild [--db FILE]`
// recomputes the history rollups from the minutes and reports what differed. Needs `npm run build`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'headless.js');
if (!existsSync(entry)) {
  console.error('kilowatch: not built yet. Run: npm run build');
  process.exit(1);
}
const [command, ...rest] = process.argv.slice(2);
let args;
if (command === 'rollup' && rest.includes('--rebuild'))
  args = ['--rebuild-rollups', ...rest.filter((a) => a !== '--rebuild')];
else if (command === 'serve' || command === undefined) args = rest;
else {
  console.error(
    `kilowatch: unknown command "${command}". Use: kilowatch serve [flags] | kilowatch rollup --rebuild [--db FILE]`,
  );
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];
createRequire(import.meta.url)(entry);
