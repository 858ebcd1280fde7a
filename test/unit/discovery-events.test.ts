/**
 * The tree shows devices that have something to show (a metered channel or a relay), so
 * `device.discovered` fires when a device first has one — not on a bare `online` message — and
 * carries its channels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMessage } from '../../src/shared/contract';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

describe('device.discovered', () => {
  it('fires once, when the device first has a channel, with that channel', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`);
    const events: EventMessage[] = [];
    t.core.on((m) => events.push(m));
    const prefix = 'Aurora/Lisbon/Reception/Light1';
    t.feed(`${prefix}/online`, 'true');
    expect(events.filter((e) => e.event === 'device.discovered')).toEqual([]);
    t.feed(`${prefix}/events/rpc`, switchNotify('shellyplus1pm-a8032ab1c2d3', prefix, 10, 1741593600));
    t.feed(`${prefix}/events/rpc`, switchNotify('shellyplus1pm-a8032ab1c2d3', prefix, 11, 1741593660));
    const discovered = events.filter((e) => e.event === 'device.discovered');
    expect(discovered).toHaveLength(1);
    expect(discovered[0]?.payload).toMatchObject({
      id: 'shellyplus1pm-a8032ab1c2d3',
      channels: ['switch:0'],
      path: ['Aurora', 'Lisbon', 'Reception', 'Light1'],
    });
    await t.close();
  });
});

describe('availability alerts', () => {
  it('a device flapping within one millisecond raises one alert per change, each with its own id', async () => {
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
      .map((e) => e.payload as { id: string; kind: string });
    expect(alerts.map((a) => a.kind)).toEqual(['device-offline', 'device-online', 'device-offline']);
    // The console counts an alert id once (a resent alert is not news): equal ids would hide changes.
    expect(new Set(alerts.map((a) => a.id)).size).toBe(3);
    await t.close();
  });
});
