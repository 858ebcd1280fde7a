/**
 * A full disk, for real: the database is capped with PRAGMA max_page_count while readings stream
 * in. Counting goes on in memory, the user is told (alert, /healthz db error), and once there is
 * room again everything counted meanwhile is on disk: totals and history exact.
 */
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../src/shared/contract';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

describe('a full disk', () => {
  it('keeps counting in memory, alerts, and saves everything once there is room', async () => {
    const dir = tempDir();
    const t = testCore(`${dir.path}/kw.db`);
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    const t0 = Date.parse('2025-06-01T08:00:00Z');
    const devices = Array.from({ length: 40 }, (_, i) => ({
      prefix: `Aurora/Lisbon/Room${100 + (i % 8)}/Dev${i}`,
      src: `shellyplus1pm-a8032a${(0x100000 + i).toString(16)}`,
    }));
    let minute = 0;
    const tick = () => {
      t.setTime(t0 + minute * 60_000 + 500);
      for (const d of devices)
        t.feed(
          `${d.prefix}/events/rpc`,
          switchNotify(d.src, d.prefix, 100 + minute * 2, t0 / 1000 + minute * 60),
        );
      minute++;
    };
    for (let i = 0; i < 5; i++) tick();
    expect(t.core.writer.flush()).toBe(true);

    const db = t.store.database;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    for (let i = 0; i < 120; i++) tick();
    expect(t.core.writer.flush()).toBe(false);
    expect(t.core.health().db).toBe('error');
    const storageAlert = events.find(
      (e) => e.event === 'alert' && (e.payload as { kind: string }).kind === 'storage',
    );
    expect(storageAlert?.payload).toMatchObject({
      severity: 'error',
      message: expect.stringMatching(/full/),
    });
    // Counting never stopped: 40 devices × 124 rises × 2 Wh after their baselines.
    expect(await t.totalWh('company:Aurora')).toBe(40 * 124 * 2);

    db.pragma('max_page_count = 1073741823');
    expect(t.core.writer.flush()).toBe(true);
    expect(t.core.health().db).toBe('ok');
    expect(
      events.some(
        (e) => e.event === 'alert' && /writable again/.test((e.payload as { message: string }).message),
      ),
    ).toBe(true);
    const history = await t.core.handlers['history.query']({
      node: 'company:Aurora',
      from: '2025-06-01T00:00:00Z',
      to: '2025-06-02T00:00:00Z',
      resolution: 'hour',
    });
    if (!history.ok) throw new Error(history.error.message);
    const sum = history.value.points.reduce((s, p) => s + p.energyWh, 0);
    expect(Math.round(sum * 1000) / 1000).toBe(40 * 124 * 2);
    await t.close();

    // And after a restart the stored totals are the same.
    const again = testCore(`${dir.path}/kw.db`);
    expect(await again.totalWh('company:Aurora')).toBe(40 * 124 * 2);
    await again.close();
    dir.remove();
  });
});
