/**
 * Who may switch building power, through the headless console as a site runs it (the built
 * console, its bridge, a real Mosquitto and a fake Gen1 relay that obeys): without a manager PIN
 * everyone may; with one, a browser session is at the desk until it unlocks, and each session
 * unlocks for itself. Every switch, refusal and PIN use lands in the audit trail, which nothing
 * can change; the PIN is kept only as a hash.
 */
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessStatus, AuditEntry } from '../../src/shared/contract';
import { sessionCookie, startHeadless, type Headless } from '../support/headless';
import { freePort, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const RELAY_ID = 'shelly1-ACCE55';
const CHANNEL = `channel:shellies/${RELAY_ID}|relay:0`;
const PIN = '2468';

const dir = tempDir();
const dbPath = `${dir.path}/access.db`;
let mosquitto: Mosquitto;
let headless: Headless;
let device: MqttClient;
let port: number;

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** One browser: its own session cookie, so its own unlock. */
async function browser(): Promise<<T>(command: string, params?: unknown) => Promise<Reply<T>>> {
  const cookie = await sessionCookie(headless.url);
  return async <T>(command: string, params: unknown = {}) => {
    const res = await fetch(`${headless.url}/api/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(params),
    });
    return (await res.json()) as Reply<T>;
  };
}

async function start(): Promise<void> {
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    '--subscribe',
    'shellies/#',
    '--db',
    dbPath,
    '--port',
    String(port),
  ]);
}

beforeAll(async () => {
  mosquitto = await startMosquitto();
  port = await freePort();
  await start();
  // A Gen1 relay that does what it is told and says so.
  device = await testClient(mosquitto.url, 'fake-relay');
  device.on('message', (topic, payload) => {
    const text = payload.toString('utf8');
    if (text === 'on' || text === 'off') void device.publishAsync(`shellies/${RELAY_ID}/relay/0`, text);
  });
  await device.subscribeAsync(`shellies/${RELAY_ID}/relay/0/command`, { qos: 1 });
  await device.publishAsync(`shellies/${RELAY_ID}/relay/0`, 'off', { qos: 1, retain: true });
  const page = await browser();
  await waitFor(
    () => {
      void page<{ nodes: unknown[] }>('site.tree').then((t) => {
        if (t.ok && JSON.stringify(t.value).includes(CHANNEL)) seen = true;
      });
      return seen;
    },
    15_000,
    'the relay in the tree',
  );
}, 60_000);
let seen = false;

afterAll(async () => {
  await device?.endAsync();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

async function audit(page: Awaited<ReturnType<typeof browser>>, params: unknown = {}): Promise<AuditEntry[]> {
  const r = await page<{ entries: AuditEntry[] }>('audit.query', params);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.entries;
}

describe('the manager PIN and the audit trail', () => {
  it('lets everyone switch while no PIN is set, and records who did', async () => {
    const desk = await browser();
    const status = await desk<AccessStatus>('access.status');
    expect(status).toMatchObject({ ok: true, value: { isPinSet: false, role: 'manager', until: null } });
    expect(await desk('relay.set', { channel: CHANNEL, on: true })).toMatchObject({ ok: true });
    const entries = await audit(desk, { action: 'relay.set' });
    expect(entries.map((e) => [e.outcome, e.role, e.before, e.after])).toEqual([
      ['confirmed', 'manager', 'off', 'on'],
      ['requested', 'manager', 'off', 'on'],
    ]);
    expect(entries[0]?.actor).toMatch(/^browser session [0-9a-f]{8}$/);
    expect(entries[0]?.target).toBe(CHANNEL);
  });

  it('refuses a desk session, lets the session that unlocked switch, and records both', async () => {
    const manager = await browser();
    const set = await manager<AccessStatus>('access.setPin', { pin: PIN });
    expect(set).toMatchObject({ ok: true, value: { isPinSet: true, role: 'manager' } });

    // Another browser: at the desk. Looking is allowed, switching is not.
    const desk = await browser();
    expect(await desk<AccessStatus>('access.status')).toMatchObject({ ok: true, value: { role: 'desk' } });
    expect(await desk('stats.get')).toMatchObject({ ok: true });
    const refused = await desk('relay.set', { channel: CHANNEL, on: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!refused.ok && refused.error.message).toMatch(
      /Only a manager may do this .*Unlock with the manager PIN/,
    );

    // The same browser unlocks, and may.
    expect(await desk('access.unlock', { pin: PIN })).toMatchObject({ ok: true, value: { role: 'manager' } });
    expect(await desk('relay.set', { channel: CHANNEL, on: false })).toMatchObject({ ok: true });

    const entries = await audit(manager, { action: 'relay.set' });
    expect(entries.slice(0, 3).map((e) => [e.outcome, e.role, e.before, e.after])).toEqual([
      ['confirmed', 'manager', 'on', 'off'],
      ['requested', 'manager', 'on', 'off'],
      ['denied', 'desk', 'on', 'off'],
    ]);
    expect(entries[2]?.detail).toMatch(/Only a manager/);
    const unlocks = await audit(manager, { action: 'access.unlock' });
    expect(unlocks.map((e) => [e.outcome, e.before, e.after])).toEqual([['done', 'desk', 'manager']]);

    // Locking goes back to the desk at once.
    expect(await desk('access.lock')).toMatchObject({ ok: true, value: { role: 'desk', until: null } });
    expect(await desk('relay.set', { channel: CHANNEL, on: true })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('counts wrong PINs and stops a guesser, even with the right PIN, and records every try', async () => {
    const guesser = await browser();
    for (let i = 0; i < 5; i++)
      expect(await guesser('access.unlock', { pin: `000${i}` })).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: 'That is not the manager PIN.' },
      });
    const locked = await guesser('access.unlock', { pin: PIN });
    expect(locked).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!locked.ok && locked.error.message).toMatch(/^Too many wrong PINs\. Try again in \d+ s\.$/);
    const failed = await audit(guesser, { action: 'access.unlock', outcome: 'failed' });
    expect(failed.length).toBeGreaterThanOrEqual(6);
    expect(await guesser('access.unlock', { pin: 'abcd' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-params' },
    });
  });

  it('changes the PIN only for a manager who knows the current one', async () => {
    const desk = await browser();
    expect(await desk('access.setPin', { current: PIN, pin: '1357' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const entries = await audit(desk, { action: 'access.setPin' });
    expect(entries[0]).toMatchObject({
      outcome: 'failed',
      role: 'desk',
      before: 'PIN set',
      after: 'PIN set',
    });
  });

  it('exports the trail as CSV, and keeps it and the PIN (as a hash only) across a restart', async () => {
    await headless.stop();
    const db = new Database(dbPath);
    try {
      const pin = db.prepare('SELECT hash FROM access_pin').get() as { hash: string };
      expect(pin.hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(pin.hash).not.toContain(PIN);
      // Nothing may change or delete what the trail says, whoever opens the file.
      expect(() => db.prepare("UPDATE audit SET outcome = 'done'").run()).toThrow(/cannot be changed/);
      expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/cannot be deleted/);
    } finally {
      db.close();
    }
    await start();
    const page = await browser();
    expect(await page<AccessStatus>('access.status')).toMatchObject({
      ok: true,
      value: { isPinSet: true, role: 'desk' },
    });
    const csv = await page<{ fileName: string; csv: string }>('audit.csv', { action: 'relay.set' });
    if (!csv.ok) throw new Error(csv.error.message);
    expect(csv.value.fileName).toMatch(/^kilowatch-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.value.csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('at,role,actor,action,target,before,after,outcome,detail');
    expect(lines.filter((l) => l.includes(',denied,'))).toHaveLength(2);
    expect(lines).toHaveLength(1 + (await audit(page, { action: 'relay.set' })).length);
  });
});
