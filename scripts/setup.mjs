#!/usr/bin/env node
// Installs the npm dependencies when they are missing or older than package-lock.json, so the
// README's commands work on a fresh clone. Electron's binary is downloaded only for the desktop
// app (`--with-electron`): the headless console, the build and the tests do not need it.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { ELECTRON_NEEDS_NODE, isAtLeast } from './native-abi.mjs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21) {
  console.error(`setup: Kilowatch needs Node 20.19+ or 22.12+; this is ${process.version}.`);
  process.exit(1);
}
const withElectron = process.argv.includes('--with-electron');
if (withElectron && !isAtLeast(process.versions.node, ELECTRON_NEEDS_NODE)) {
  console.error(
    `setup: the desktop app (Electron) needs Node ${ELECTRON_NEEDS_NODE} or newer; this is ${process.version}. ` +
      'The headless console (npm run serve) and the tests run on this Node.',
  );
  process.exit(1);
}
const marker = 'node_modules/.package-lock.json';
const isCurrent = existsSync(marker) && statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs;
const hasElectron = existsSync('node_modules/electron/dist');
if (isCurrent && (!withElectron || hasElectron)) process.exit(0);
console.log(`setup: installing dependencies (npm ci${withElectron ? ', with the Electron binary' : ''})…`);
execSync('npm ci --no-audit --no-fund', {
  stdio: 'inherit',
  env: { ...process.env, ...(withElectron ? {} : { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }) },
});
