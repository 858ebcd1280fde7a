/**
 * The demo under a burst of relay commands: a dozen Switch.Set at once, three rounds, all
 * confirmed by the simulated devices, and the console's connection to the embedded broker never
 * drops (with a persistent session, aedes' in-memory store lost track of QoS 1 acknowledgements
 * and the connection flapped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage, SiteNode } from '../../src/shared/contract';
import { openConsole } from '../../src/main/core/open-console';
import type { KilowatchConsole } from '../../src/main/core/console';
import type { Store } from '../../src/main/core/store/store';
import { startDemo } from '../../src/main/demo';
import { waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const dir = tempDir();
let demo: Awaited<ReturnType<typeof startDemo>>;
let core: KilowatchConsole;
let store: Store;
const states: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ tickMs: 1000 });
  const opened = openConsole({
    dbPath: `${dir.path}/demo.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 5,
    isDemo: true,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  ({ console: core, store } = opened.value);
  core.on((m: EventMessage) => {
    if (m.event === 'connection.state') states.push((m.payload as { status: string }).status);
  });
  expect(
    await core.connect({ name: 'demo', url: demo.url, protocolVersion: 4, keepaliveS: 30, subscribe: ['#'] }),
  ).toBeNull();
});

afterAll(async () => {
  await core?.close();
  store?.close();
  await demo?.stop();
  dir.remove();
});

function relays(nodes: SiteNode[]): string[] {
  return nodes.flatMap((n) => [...(n.switchable ? [n.id] : []), ...relays(n.children)]);
}

describe('the demo under a burst of relay commands', () => {
  it('confirms every switch and keeps its connection', async () => {
    let ids: string[] = [];
    await waitFor(
      () => {
        void Promise.resolve(core.handlers['site.tree']({})).then((t) => {
          if (t.ok) ids = relays(t.value.nodes);
        });
        return ids.length >= 12;
      },
      15_000,
      'a dozen relays in the demo',
    );
    states.length = 0;
    for (const on of [false, true, false]) {
      const results = await Promise.all(
        ids.slice(0, 12).map((channel) => core.handlers['relay.set']({ channel, on, timeoutMs: 5000 })),
      );
      expect(results.filter((r) => !r.ok)).toEqual([]);
    }
    expect(states.filter((s) => s !== 'connected')).toEqual([]);
    expect(core.connectionState.status).toBe('connected');
  });
});
