/**
 * `kilowatch hash-password`: the scrypt hash of a password typed on standard input, for
 * `[[server.users]] password_hash`, so kilowatch.toml never holds a password.
 */
import { hashSecret } from '../core/access/secret-hash';

const MIN_PASSWORD_CHARS = 10;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The hash line to print, or why the input is no password. */
export async function hashPasswordFromStdin(): Promise<{ hash: string } | { error: string }> {
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
  // One trailing newline is the Enter that ended it, not part of the password.
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_CHARS)
    return { error: `a password for the bridge needs at least ${MIN_PASSWORD_CHARS} characters` };
  return { hash: await hashSecret(password) };
}
