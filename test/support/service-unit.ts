/** deploy/kilowatch.service, read the way systemd reads it: sections of `Key=value` lines. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const UNIT_FILE = resolve(__dirname, '../../deploy/kilowatch.service');
/** Where the unit expects the built checkout (README "Install"). */
export const INSTALL_ROOT = '/opt/kilowatch';

export type Unit = Map<string, Map<string, string[]>>;

/** Every value of every key, per section; comments and blank lines skipped, no line continuations. */
export function readUnit(file = UNIT_FILE): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  for (const [n, raw] of readFileSync(file, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.endsWith('\\')) throw new Error(`${file}:${n + 1}: line continuations are not expected here`);
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1] as string, section);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!pair || !section) throw new Error(`${file}:${n + 1}: not a Key=value line in a section: ${line}`);
    const [, key, value] = pair as unknown as [string, string, string];
    section.set(key, [...(section.get(key) ?? []), value]);
  }
  return unit;
}

/** The one value of a key; throws when it is missing or repeated. */
export function single(unit: Unit, section: string, key: string): string {
  const values = unit.get(section)?.get(key) ?? [];
  if (values.length !== 1) throw new Error(`[${section}] ${key}: expected one value, found ${values.length}`);
  return values[0] as string;
}

/** ExecStart split into words (the unit quotes nothing, which the unit test checks). */
export function execStart(unit: Unit): string[] {
  const command = single(unit, 'Service', 'ExecStart');
  if (/["'\\$%]/.test(command)) throw new Error(`ExecStart has quoting or specifiers: ${command}`);
  return command.split(/\s+/);
}
