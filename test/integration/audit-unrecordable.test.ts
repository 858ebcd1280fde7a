/**
 * A switch the audit trail cannot record is not made: with the database refusing writes, a relay
 * command comes back with the storage error, before anything is sent to the device. Once writes
 * work again, the same command is recorded (requested, then how it ended).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const RELAY = 'shelly1-0FF1CE';
const CHANNEL = `channel:shellies/${RELAY}|relay:0`;

const dir = tempDir();
const t = testCore(`${dir.path}/audit.db`);

afterAll(async () => {
  await t.close();
  dir.remove();
});

describe('a manager command the audit trail cannot record', () => {
  it('is refused with the storage error and never reaches the device', async () => {
    t.feed(`shellies/${RELAY}/relay/0`, 'off');
    t.store.database.pragma('query_only = ON');
    const refused = await t.core.handlers['relay.set']({ channel: CHANNEL, on: true, timeoutMs: 500 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'storage-unavailable' } });

    t.store.database.pragma('query_only = OFF');
    // Not connected to a broker: the command now goes as far as sending, and fails there.
    const sent = await t.core.handlers['relay.set']({ channel: CHANNEL, on: true, timeoutMs: 500 });
    expect(sent.ok).toBe(false);
    expect(!sent.ok && sent.error.code).not.toBe('storage-unavailable');
    const trail = await t.core.handlers['audit.query']({ limit: 10 });
    if (!trail.ok) throw new Error(trail.error.message);
    expect(trail.value.entries.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['relay.set', 'failed', 'this machine'],
      ['relay.set', 'requested', 'this machine'],
    ]);
  });
});
