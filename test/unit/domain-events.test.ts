/**
 * Ingest says what it saw into one sink of typed domain events (events.ts) and calls nobody:
 * the order and content of what it says for real frames, and that the alert book listens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alertId } from '../../src/main/core/alert-id';
import type { DomainEventName, DomainEvents } from '../../src/main/core/events';
import { switchNotify, testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const PREFIX = 'Aurora/Lisbon/Reception/Light1';
const SRC = 'shellyplus1pm-a8032ab1c2d3';
const NAMES: DomainEventName[] = [
  'device.discovered',
  'device.state',
  'sensor.reading',
  'alert',
  'rpc.reply',
  'component.unknown',
  'config.changed',
  'device.read',
];

function recorded() {
  const dir = tempDir();
  dirs.push(dir);
  const t = testCore(`${dir.path}/kw.db`);
  const said: Array<{ name: DomainEventName; event: DomainEvents[DomainEventName] }> = [];
  for (const name of NAMES) t.core.events.on(name, (event) => said.push({ name, event }));
  return { t, said };
}

describe('the domain event sink', () => {
  it('a first online message: the state, then the discovery, then that the device was read', async () => {
    const { t, said } = recorded();
    t.feed(`${PREFIX}/online`, 'true');
    expect(said.map((s) => s.name)).toEqual(['device.state', 'device.discovered', 'device.read']);
    expect(said[0]?.event).toMatchObject({ payload: { id: PREFIX, online: true, outputs: {} } });
    expect(said[1]?.event).toMatchObject({ payload: { id: PREFIX, channels: [] } });
    const device = t.core.registry.devices.get(PREFIX);
    expect(said.every((s) => 'device' in s.event && s.event.device === device)).toBe(true);
    await t.close();
  });

  it('an RPC reply is said with the device it came from, its request id and its error', async () => {
    const { t, said } = recorded();
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 10, 1741593600));
    said.length = 0;
    const inbox = 'kilowatch-test/rpc';
    t.feed(inbox, { id: 42, src: SRC, dst: 'kilowatch-test', result: { was_on: false } });
    t.feed(inbox, { id: 43, src: SRC, dst: 'kilowatch-test', error: { code: -103, message: 'bad id' } });
    expect(said.filter((s) => s.name === 'rpc.reply').map((s) => s.event)).toEqual([
      { deviceKey: PREFIX, requestId: 42 },
      { deviceKey: PREFIX, requestId: 43, error: { code: -103, message: 'bad id' } },
    ]);
    await t.close();
  });

  it('a config change is said once, naming the device', async () => {
    const { t, said } = recorded();
    const asked: string[] = [];
    t.feed(`${PREFIX}/events/rpc`, switchNotify(SRC, PREFIX, 10, 1741593600));
    t.core.events.on('config.changed', ({ device }) => asked.push(device.row.key));
    t.feed(
      `${PREFIX}/events/rpc`,
      JSON.stringify({
        src: SRC,
        dst: `${PREFIX}/events`,
        method: 'NotifyEvent',
        params: {
          ts: 1741593660.1,
          events: [{ component: 'sys', event: 'config_changed', ts: 1741593660.1 }],
        },
      }),
    );
    expect(said.filter((s) => s.name === 'config.changed')).toHaveLength(1);
    expect(asked).toEqual([PREFIX]);
    await t.close();
  });

  it('an alert said into the sink goes out to the windows as the alert book stored and counted it', async () => {
    const { t } = recorded();
    const out: unknown[] = [];
    t.core.on((m) => m.event === 'alert' && out.push(m.payload));
    const raised = {
      id: alertId('test-subject', Date.parse('2025-03-10T08:00:00.000Z')),
      at: '2025-03-10T08:00:00.000Z',
      severity: 'warning' as const,
      kind: 'broker' as const,
      message: 'A test alert.',
    };
    t.core.events.emit('alert', { alert: raised });
    t.core.events.emit('alert', {
      alert: { ...raised, id: alertId('test-subject', Date.parse('2025-03-10T08:00:01.000Z')) },
    });
    expect(out).toMatchObject([
      { message: 'A test alert.', count: 1 },
      { message: 'A test alert.', count: 2 },
    ]);
    await t.close();
  });
});
