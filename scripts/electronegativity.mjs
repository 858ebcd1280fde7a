#!/usr/bin/env node
/**
 * CI gate: Electronegativity (Doyensec's Electron security checks) over src/, for the Electron
 * version package.json names. Fails on any HIGH or MEDIUM finding, and on any file it could not
 * parse (a file it cannot read is a file nobody checked). A finding that does not apply is
 * answered in the code, on its line: `// eng-disable CHECK_ID`, with a comment saying why.
 *
 *   node scripts/electronegativity.mjs [directory]   (default: src)
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import run from '@doyensec/electronegativity';

const root = resolve(import.meta.dirname, '..');
const input = resolve(process.argv[2] ?? resolve(root, 'src'));

// Electronegativity reads the version from a package.json in its input; src/ has none, so it is
// given explicitly: the lowest version the range in package.json admits.
const range = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).devDependencies?.electron;
const electronVersion = /^[~^]?(\d+\.\d+\.\d+)$/.exec(range ?? '')?.[1];
if (!electronVersion) {
  console.error(
    `electronegativity: package.json's electron version "${range}" is not x.y.z, ^x.y.z or ~x.y.z.`,
  );
  process.exit(1);
}

// Compares package.json's Electron version with GitHub's release notes: there is no package.json
// under src/, and CI reaches only the npm registry, so it could only time out.
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck'];
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

// The library prints progress and "could not fetch translations" lines through console.log; they
// are kept back and shown only if the scan itself fails.
const chatter = [];
const consoleLog = console.log;
console.log = (...args) => void chatter.push(args.join(' '));
const started = Date.now();
let result;
try {
  result = await run({
    input,
    electronVersionOverride: electronVersion,
    excludeFromScan: EXCLUDED,
    isRelative: true,
  });
} catch (error) {
  console.log = consoleLog;
  console.error(chatter.join('\n'));
  console.error(`electronegativity: the scan of ${input} failed: ${error.stack ?? error}`);
  process.exit(1);
}
console.log = consoleLog;

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const unparsed = result.errors.filter((e) => !e.tolerable);
const blocking = result.issues.filter((issue) => BLOCKING.has(issue.severity.name));
const rest = result.issues.filter((issue) => !BLOCKING.has(issue.severity.name));
const where = (issue) => `${issue.file}:${issue.location.line}:${issue.location.column}`;
const describe = (issue) =>
  `  ${issue.severity.name} ${issue.id} at ${where(issue)}: ${issue.description} (${issue.shortenedURL})`;

for (const e of unparsed) console.log(`  could not parse ${relative(input, e.file)}: ${e.message}`);
for (const issue of [...blocking, ...rest]) console.log(describe(issue));
const scanned = input.startsWith(root) ? `${relative(root, input) || '.'}/` : input;
const summary =
  `electronegativity ${electronVersion}: ${result.globalChecks + result.atomicChecks} checks over ` +
  `${scanned} in ${seconds} s: ${blocking.length} high/medium, ` +
  `${rest.length} low/informational, ${unparsed.length} unparsed file(s)`;
if (blocking.length > 0 || unparsed.length > 0) {
  console.error(
    `${summary}. Fix each finding above marked HIGH or MEDIUM (or, if it cannot apply, say why in a ` +
      `comment and add // eng-disable <CHECK_ID> on its line), and make every file parse.`,
  );
  process.exit(1);
}
console.log(`${summary}.`);
