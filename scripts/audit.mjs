#!/usr/bin/env node
/**
 * CI gate: known vulnerabilities in what Kilowatch runs, i.e. `npm audit --omit=dev` (build and
 * test tools are left out). Fails on a high or critical advisory and lists lower ones. When the
 * registry's audit endpoint does not answer (no network, or a mirror without it), says so in one
 * line and passes: an unreachable service is not a finding, and CI must still run the tests.
 * Any other failure of npm audit (no lockfile, an unreadable answer) fails.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BLOCKING = new Set(['high', 'critical']);
// npm's codes for a request that never got an answer.
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_TIMEOUT',
]);

const root = resolve(import.meta.dirname, '..');
const started = Date.now();
const npm = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  shell: process.platform === 'win32',
});
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
const firstLine = (text) =>
  String(text ?? '')
    .trim()
    .split('\n', 1)[0];

if (npm.error) {
  console.error(`npm audit: could not run npm: ${npm.error.message}`);
  process.exit(1);
}

let report;
try {
  report = JSON.parse(npm.stdout);
} catch {
  report = null;
}

const endpointFailure = (r) =>
  /audit endpoint returned an error/.test(npm.stderr) ||
  typeof r?.statusCode === 'number' ||
  /\/-\/npm\/v1\/security\//.test(r?.message ?? '') ||
  NETWORK_CODES.has(r?.error?.code) ||
  NETWORK_CODES.has(r?.code);

if (report?.auditReportVersion !== 2 || typeof report.vulnerabilities !== 'object') {
  if (endpointFailure(report)) {
    const why = firstLine(report?.message ?? report?.error?.summary ?? npm.stderr);
    console.log(`npm audit: the registry's audit endpoint did not answer (${why}); advisories not checked.`);
    process.exit(0);
  }
  const why = firstLine(report?.error?.summary ?? report?.message ?? npm.stderr) || 'no report on stdout';
  console.error(`npm audit: failed without a report: ${why}`);
  process.exit(1);
}

// One line per vulnerable package: the advisories themselves, or the package it inherits them from.
const describe = (name, v) => {
  const causes = (v.via ?? []).map((via) =>
    typeof via === 'string' ? `through ${via}` : `${via.title ?? 'advisory'} ${via.url ?? ''}`.trim(),
  );
  const fix = v.fixAvailable ? 'fix available: npm audit fix' : 'no fix available yet';
  return `  ${v.severity} ${name} ${v.range ?? ''}: ${causes.join('; ')} (${fix})`;
};
const entries = Object.entries(report.vulnerabilities);
const blocking = entries.filter(([, v]) => BLOCKING.has(v.severity));
const rest = entries.filter(([, v]) => !BLOCKING.has(v.severity));
for (const [name, v] of [...blocking, ...rest]) console.log(describe(name, v));

const packages = report.metadata?.dependencies?.prod;
const scope = typeof packages === 'number' ? `${packages} runtime packages` : 'the runtime packages';
const summary = `npm audit: ${scope} in ${seconds()} s: ${blocking.length} high/critical, ${rest.length} lower`;
if (blocking.length > 0) {
  console.error(`${summary}. Update or replace the high/critical ones above.`);
  process.exit(1);
}
console.log(`${summary}.`);
