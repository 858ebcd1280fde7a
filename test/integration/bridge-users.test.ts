/**
 * Named sign-ins on the headless bridge (`[[server.users]]`, passwords as scrypt hashes): with
 * users configured even a loopback browser signs in, each user gets the role the file gives them,
 * and the audit trail names them. The token still signs in without a user name. One user's hash
 * comes from `kilowatch hash-password`, as an operator would make it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/main/core/access/secret-hash';
import type { AccessStatus, AuditEntry } from '../../src/shared/contract';
import { send, startHeadless, type Headless } from '../support/headless';
import { tempDir } from '../support/temp-dir';

const TOKEN = 'users-test-token-0123456789abcdef';
const dir = tempDir();
let headless: Headless;

/** Signs in through the form; the session cookie, or the failed reply's status. */
async function signIn(fields: Record<string, string>): Promise<string | number> {
  const r = await send(headless.url, '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  if (r.status !== 303) return r.status;
  return String((r.headers['set-cookie'] as string[])[0]).split(';')[0] as string;
}

async function call<T>(
  cookie: string,
  command: string,
  params: unknown = {},
): Promise<{ ok: boolean; value?: T; error?: { code: string } }> {
  const r = await send(headless.url, `/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(params),
  });
  return JSON.parse(r.body) as { ok: boolean; value?: T; error?: { code: string } };
}

/** `kilowatch hash-password`, as an operator runs it: the password on stdin, the hash printed. */
function hashFromCli(password: string): string {
  const out = spawnSync(process.execPath, [join(__dirname, '../../scripts/kilowatch.mjs'), 'hash-password'], {
    input: `${password}\n`,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`hash-password failed: ${out.stderr}`);
  return out.stdout.trim();
}

beforeAll(async () => {
  const config = join(dir.path, 'kilowatch.toml');
  writeFileSync(
    config,
    [
      '[[server.users]]',
      'name = "ana"',
      'role = "manager"',
      `password_hash = "${await hashSecret('ana-password-1')}"`,
      '[[server.users]]',
      'name = "bob"',
      'role = "desk"',
      `password_hash = "${hashFromCli('bob-password-2')}"`,
    ].join('\n'),
    { mode: 0o600 },
  );
  headless = await startHeadless(['--config', config, '--db', join(dir.path, 'users.db'), '--port', '0'], {
    KILOWATCH_TOKEN: TOKEN,
  });
}, 60_000);

afterAll(async () => {
  await headless?.stop();
  dir.remove();
});

describe('named users on the bridge', () => {
  it('sends a loopback browser to the sign-in form, which asks for a user name', async () => {
    const page = await send(headless.url, '/');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login');
    const form = await send(headless.url, '/login');
    expect(form.body).toContain('name="user"');
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    expect(await signIn({ user: 'bob', token: 'not-bobs' })).toBe(401);
    expect(await signIn({ user: 'carol', token: 'bob-password-2' })).toBe(401);
    expect(await signIn({ user: 'bob', token: TOKEN })).toBe(401);
  });

  it('gives each user the role the file says, and names them in the audit trail', async () => {
    const bob = (await signIn({ user: 'bob', token: 'bob-password-2' })) as string;
    const ana = (await signIn({ user: 'ana', token: 'ana-password-1' })) as string;
    expect(typeof bob).toBe('string');
    // No manager PIN is set: a desk user is still at the desk, a manager user a manager.
    expect(await call<AccessStatus>(bob, 'access.status')).toMatchObject({
      ok: true,
      value: { role: 'desk', user: 'bob', isPinSet: false },
    });
    expect(await call<AccessStatus>(ana, 'access.status')).toMatchObject({
      ok: true,
      value: { role: 'manager', user: 'ana' },
    });
    expect(await call(bob, 'alerts.clearAll')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Nor may a desk user set the first PIN: it would make them a manager by their own unlock.
    expect(await call(bob, 'access.setPin', { pin: '24680' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await call<AccessStatus>(ana, 'access.status')).toMatchObject({
      ok: true,
      value: { isPinSet: false },
    });
    expect(await call(ana, 'alerts.clearAll')).toMatchObject({ ok: true });
    const trail = await call<{ entries: AuditEntry[] }>(ana, 'audit.query', { action: 'alerts.clearAll' });
    expect(trail.value?.entries.map((e) => [e.actor, e.role, e.outcome])).toEqual([
      ['ana', 'manager', 'done'],
      ['bob', 'desk', 'denied'],
    ]);
  });

  it('still signs the token in without a user name', async () => {
    const viaToken = await signIn({ token: TOKEN });
    expect(typeof viaToken).toBe('string');
    expect(await call<AccessStatus>(viaToken as string, 'access.status')).toMatchObject({
      ok: true,
      value: { user: null },
    });
  });
});
