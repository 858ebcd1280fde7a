/**
 * scripts/electronegativity.mjs, the CI gate on Electronegativity, run for real on a small app
 * written here: a MEDIUM finding fails it, an `eng-disable` comment on a finding's line answers
 * that finding (and only it), a LOW finding is listed without failing, and a file that cannot be
 * parsed fails it (a file nobody could read is a file nobody checked).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const SCRIPT = resolve(__dirname, '../../scripts/electronegativity.mjs');
const app = mkdtempSync(join(tmpdir(), 'kw-eng-'));
afterAll(() => rmSync(app, { recursive: true, force: true }));

writeFileSync(
  join(app, 'main.js'),
  `const { BrowserWindow, shell, session } = require('electron');
session.defaultSession.setPermissionRequestHandler((_c, _p, callback) => callback(false));
const win = new BrowserWindow({ webPreferences: { sandbox: true, contextIsolation: true, disableBlinkFeatures: 'Auxclick' } });
win.webContents.on('will-navigate', (event) => event.preventDefault());
win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
const link = process.argv[2];
shell.openExternal(link);
shell.openExternal(link); // eng-disable OPEN_EXTERNAL_JS_CHECK
`,
);
writeFileSync(
  join(app, 'index.html'),
  `<!doctype html>\n<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'" /></head><body></body></html>\n`,
);
writeFileSync(join(app, 'broken.ts'), 'const x: number = ;\n');

// The descriptions come from the tool's translations, which it may refresh over the network.
const withoutDescription = (line: string) => line.replace(/^(.*?:\d+:\d+): .* \((https:[^)]+)\)$/, '$1 ($2)');

it(
  'fails on a medium finding and on an unparsable file, honouring eng-disable on its line',
  { timeout: 60_000 },
  () => {
    const run = spawnSync(process.execPath, [SCRIPT, app], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout.trimEnd().split('\n').map(withoutDescription)).toEqual([
      '  could not parse broken.ts: Unexpected token (1:18)',
      '  MEDIUM OPEN_EXTERNAL_JS_CHECK at main.js:7:0 (https://git.io/JeuMC)',
      '  LOW CSP_GLOBAL_CHECK at index.html:2:0 (https://git.io/JeuMe)',
    ]);
    expect(run.stderr.replace(/ in \d+\.\d s:/, ' in T s:').trimEnd()).toBe(
      `electronegativity 45.4.1: 41 checks over ${app} in T s: 1 high/medium, 1 low/informational, 1 unparsed file(s). ` +
        'Fix each finding above marked HIGH or MEDIUM (or, if it cannot apply, say why in a comment and add ' +
        '// eng-disable <CHECK_ID> on its line), and make every file parse.',
    );
  },
);
