/**
 * scripts/audit.mjs, the CI gate on `npm audit --omit=dev`, run for real with a stand-in `npm`
 * first on PATH that answers with recorded or hand-made audit output: a clean report passes, a
 * high or critical advisory fails, lower ones pass, an audit endpoint that does not answer passes
 * with one line saying so, and any other npm failure fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = resolve(__dirname, '../../scripts/audit.mjs');
const dir = mkdtempSync(join(tmpdir(), 'kw-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The stand-in npm: records its arguments, prints the canned stdout/stderr, exits with the canned code.
writeFileSync(
  join(dir, 'npm'),
  '#!/bin/sh\necho "$@" > "$FAKE_NPM_ARGS"\ncat "$FAKE_NPM_STDOUT"\ncat "$FAKE_NPM_STDERR" >&2\nexit "$FAKE_NPM_EXIT"\n',
);
chmodSync(join(dir, 'npm'), 0o755);

let runs = 0;
function audit(stdout: unknown, stderr: string, npmExit: number) {
  const n = ++runs;
  const files = { args: join(dir, `args-${n}`), out: join(dir, `out-${n}`), err: join(dir, `err-${n}`) };
  writeFileSync(files.out, typeof stdout === 'string' ? stdout : JSON.stringify(stdout, null, 2));
  writeFileSync(files.err, stderr);
  const run = spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`,
      FAKE_NPM_ARGS: files.args,
      FAKE_NPM_STDOUT: files.out,
      FAKE_NPM_STDERR: files.err,
      FAKE_NPM_EXIT: String(npmExit),
    },
  });
  const lines = (run.stdout + run.stderr).trimEnd().split('\n');
  return { status: run.status, lines, args: readFileSync(files.args, 'utf8').trim() };
}
// The timing in the summary line is the one part that varies.
const untimed = (line: string | undefined) => line?.replace(/ in \d+\.\d s:/, ' in T s:');

const metadata = (counts: Record<string, number>) => ({
  vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts },
  dependencies: { prod: 87, dev: 0, optional: 4, peer: 0, peerOptional: 0, total: 87 },
});
const WS_ADVISORY = {
  source: 1098392,
  name: 'ws',
  dependency: 'ws',
  title: 'ws affected by a DoS when handling a request with many HTTP headers',
  url: 'https://github.com/advisories/GHSA-3h5v-q93c-6h6q',
  severity: 'high',
  cwe: ['CWE-476'],
  cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
  range: '>=8.0.0 <8.17.1',
};
const MICROMATCH = {
  name: 'micromatch',
  severity: 'moderate',
  isDirect: false,
  via: [
    {
      source: 1098681,
      name: 'micromatch',
      dependency: 'micromatch',
      title: 'Regular Expression Denial of Service (ReDoS) in micromatch',
      url: 'https://github.com/advisories/GHSA-952p-6rrq-rcjv',
      severity: 'moderate',
      range: '<4.0.8',
    },
  ],
  effects: [],
  range: '<4.0.8',
  nodes: ['node_modules/micromatch'],
  fixAvailable: true,
};
// Recorded here: the registry refuses the bulk advisory endpoint with 405.
const REFUSED_405 = {
  message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  method: 'POST',
  uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
  headers: { allow: ['GET,HEAD'], 'content-length': ['0'], 'x-fetch-attempts': ['1'] },
  statusCode: 405,
  body: '',
  error: { summary: '', detail: '' },
};
const REFUSED_405_STDERR =
  'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk\n' +
  'npm error audit endpoint returned an error\n';

describe('the npm audit gate', () => {
  it('asks npm for the runtime dependencies only, as JSON, and passes a clean report', () => {
    const r = audit({ auditReportVersion: 2, vulnerabilities: {}, metadata: metadata({}) }, '', 0);
    expect(r.args).toBe('audit --omit=dev --json');
    expect(r.status).toBe(0);
    expect(r.lines.map(untimed)).toEqual([
      'npm audit: 87 runtime packages in T s: 0 high/critical, 0 lower.',
    ]);
  });

  it('fails on a high advisory, naming the package, the advisory and who inherits it', () => {
    const report = {
      auditReportVersion: 2,
      vulnerabilities: {
        ws: {
          name: 'ws',
          severity: 'high',
          isDirect: true,
          via: [WS_ADVISORY],
          effects: ['mqtt'],
          range: '8.0.0 - 8.17.0',
          nodes: ['node_modules/ws'],
          fixAvailable: true,
        },
        mqtt: {
          name: 'mqtt',
          severity: 'high',
          isDirect: true,
          via: ['ws'],
          effects: [],
          range: '5.0.0 - 5.7.0',
          nodes: ['node_modules/mqtt'],
          fixAvailable: false,
        },
        micromatch: MICROMATCH,
      },
      metadata: metadata({ high: 2, moderate: 1 }),
    };
    const r = audit(report, '', 1);
    expect(r.status).toBe(1);
    expect(r.lines.map(untimed)).toEqual([
      '  high ws 8.0.0 - 8.17.0: ws affected by a DoS when handling a request with many HTTP headers https://github.com/advisories/GHSA-3h5v-q93c-6h6q (fix available: npm audit fix)',
      '  high mqtt 5.0.0 - 5.7.0: through ws (no fix available yet)',
      '  moderate micromatch <4.0.8: Regular Expression Denial of Service (ReDoS) in micromatch https://github.com/advisories/GHSA-952p-6rrq-rcjv (fix available: npm audit fix)',
      'npm audit: 87 runtime packages in T s: 2 high/critical, 1 lower. Update or replace the high/critical ones above.',
    ]);
  });

  it('fails on a critical advisory too', () => {
    const critical = {
      ...MICROMATCH,
      severity: 'critical',
      via: [{ ...MICROMATCH.via[0], severity: 'critical' }],
    };
    const r = audit(
      {
        auditReportVersion: 2,
        vulnerabilities: { micromatch: critical },
        metadata: metadata({ critical: 1 }),
      },
      '',
      1,
    );
    expect(r.status).toBe(1);
    expect(untimed(r.lines.at(-1))).toBe(
      'npm audit: 87 runtime packages in T s: 1 high/critical, 0 lower. Update or replace the high/critical ones above.',
    );
  });

  it('lists a moderate advisory but passes', () => {
    const r = audit(
      {
        auditReportVersion: 2,
        vulnerabilities: { micromatch: MICROMATCH },
        metadata: metadata({ moderate: 1 }),
      },
      '',
      1,
    );
    expect(r.status).toBe(0);
    expect(r.lines.map(untimed)).toEqual([
      '  moderate micromatch <4.0.8: Regular Expression Denial of Service (ReDoS) in micromatch https://github.com/advisories/GHSA-952p-6rrq-rcjv (fix available: npm audit fix)',
      'npm audit: 87 runtime packages in T s: 0 high/critical, 1 lower.',
    ]);
  });

  it('passes with one line when the audit endpoint refuses (HTTP 405, recorded)', () => {
    const r = audit(REFUSED_405, REFUSED_405_STDERR, 1);
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([
      "npm audit: the registry's audit endpoint did not answer (405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk); advisories not checked.",
    ]);
  });

  it('passes with one line when the registry cannot be reached (connection refused, recorded)', () => {
    const refused = {
      message:
        'request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9',
      error: { summary: '', detail: '' },
    };
    const r = audit(refused, 'npm error audit endpoint returned an error\n', 1);
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([
      "npm audit: the registry's audit endpoint did not answer (request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9); advisories not checked.",
    ]);
  });

  it('fails when npm audit fails for another reason (no lockfile, recorded)', () => {
    const noLock = {
      error: {
        code: 'ENOLOCK',
        summary: 'This command requires an existing lockfile.',
        detail: 'Try creating one first with: npm i --package-lock-only',
      },
    };
    const r = audit(noLock, 'npm error code ENOLOCK\n', 1);
    expect(r.status).toBe(1);
    expect(r.lines).toEqual([
      'npm audit: failed without a report: This command requires an existing lockfile.',
    ]);
  });

  it('fails when npm prints no report at all', () => {
    const r = audit('', 'npm error something else went wrong\n', 1);
    expect(r.status).toBe(1);
    expect(r.lines).toEqual(['npm audit: failed without a report: npm error something else went wrong']);
  });
});
