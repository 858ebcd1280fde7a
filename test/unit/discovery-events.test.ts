/**
 * The tree shows every device heard from (issue #13 item 4), so `device.discovered` fires on a
 * device's first accepted message — a bare `online` too — and once more when it first has a
 * channel or relay to show, carrying its channels: the windows refetch the tree on each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage } from '../../src/shared/contract';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('device.discovered', () => {
  it('fires when the device is first heard, and again when it first has a channel, with that channel', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    const prefix = 'Aurora/Lisbon/Reception/Light1';
    t.feed(`${prefix}/online`, 'true');
    expect(events.filter((e) => e.event === 'device.discovered').map((e) => e.payload)).toMatchObject([
      { id: prefix, channels: [], online: true, lastSeen: '2025-03-10T08:00:00.000Z' },
    ]);
    t.feed(`${prefix}/events/rpc`, switchNotify('shellyplus1pm-a8032ab1c2d3', prefix, 10, 1741593600));
    t.feed(`${prefix}/events/rpc`, switchNotify('shellyplus1pm-a8032ab1c2d3', prefix, 11, 1741593660));
    const discovered = events.filter((e) => e.event === 'device.discovered');
    expect(discovered).toHaveLength(2);
    expect(discovered[1]?.payload).toMatchObject({
      id: 'shellyplus1pm-a8032ab1c2d3',
      channels: ['switch:0'],
      path: ['Aurora', 'Lisbon', 'Reception', 'Light1'],
    });
    await t.close();
  });
});

describe('availability alerts', () => {
  it('a device flapping within one millisecond raises one alert per change, a repeat counted on its alert', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    const prefix = 'Aurora/Lisbon/Reception/Light1';
    // One socket read can carry several of these; the clock does not move between them.
    for (const online of ['true', 'false', 'true', 'false']) t.feed(`${prefix}/online`, online);
    const alerts = events
      .filter((e) => e.event === 'alert')
      .map((e) => e.payload as { id: string; kind: string; count: number; resolvedAt: string | null });
    // Back online also sends the offline alert again, now over; offline again makes it current.
    expect(alerts.map((a) => [a.kind, a.count, a.resolvedAt !== null])).toEqual([
      ['device-offline', 1, false],
      ['device-online', 1, false],
      ['device-offline', 1, true],
      ['device-offline', 2, false],
    ]);
    // Every change is sent; the second time offline is the same stored alert, counted twice.
    expect(alerts[2]?.id).toBe(alerts[0]?.id);
    expect(alerts[3]?.id).toBe(alerts[0]?.id);
    expect(alerts[1]?.id).not.toBe(alerts[0]?.id);
    await t.close();
  });
});
