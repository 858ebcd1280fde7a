#!/usr/bin/env node
// Before the tests: the real parts they drive must be on this machine. Installs them on Debian
// as root, or stops with the exact line to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = [];
if (!has('mosquitto') && !existsSync('/usr/sbin/mosquitto')) missing.push('mosquitto');
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
if (!has('openssl')) missing.push('openssl');
if (missing.length === 0) process.exit(0);

const line = `apt-get update && apt-get install -y ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && has('apt-get')) {
  console.log(`preflight: installing ${missing.join(', ')} (${line})`);
  execFileSync('sh', ['-c', line], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  process.exit(0);
}
console.error(`preflight: the tests need ${missing.join(', ')}. Install with:\n  sudo ${line}`);
process.exit(1);
