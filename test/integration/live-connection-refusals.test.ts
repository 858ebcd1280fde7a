/**
 * The live connection (not the wizard's test) against a real Mosquitto with the dynamic-security
 * plugin: a refused subscription is reported as not-authorized naming the filter, and a wrong
 * password as a rejected user name or password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynsecLines, startBroker, type Broker } from '../support/mosquitto-tls';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const dir = tempDir();
let broker: Broker;

beforeAll(async () => {
  broker = await startBroker(dynsecLines(dir.path, 'frontdesk', 'right-password', ['Coreflux/#', '+/rpc']));
});
afterAll(async () => {
  await broker?.stop();
  dir.remove();
});

const profile = (password: string, subscribe: string[]) => ({
  name: 'site',
  url: broker.url('mqtt', '127.0.0.1'),
  protocolVersion: 4 as const,
  keepaliveS: 30,
  username: 'frontdesk',
  password,
  subscribe,
});

describe('the live connection', () => {
  it('reports a refused subscription as not-authorized, naming the filter', async () => {
    const t = testCore(`${dir.path}/a.db`);
    const failure = await t.core.connect(profile('right-password', ['Coreflux/#', 'secret/#']));
    expect(failure).toMatchObject({ code: 'not-authorized', message: expect.stringContaining('secret/#') });
    expect(failure?.message).not.toContain('Coreflux/#');
    expect(t.core.connectionState).toMatchObject({
      subscribed: false,
      lastError: { code: 'not-authorized' },
    });
    await t.close();
  });

  it('subscribes when every filter is allowed', async () => {
    const t = testCore(`${dir.path}/b.db`);
    expect(await t.core.connect(profile('right-password', ['Coreflux/#']))).toBeNull();
    expect(t.core.connectionState).toMatchObject({ status: 'connected', subscribed: true });
    await t.close();
  });

  it('stays connected when the ACL refuses the aggregator lease topic, publishing unchecked and saying so', async () => {
    // Mosquitto drops an MQTT 3.1.1 client whose publish its ACL denies, so this broker lets the
    // console ask devices for fresh state (shellies/command) but knows nothing of the lease.
    const site = await startBroker(
      dynsecLines(dir.path, 'frontdesk', 'right-password', ['Coreflux/#', '+/rpc', 'shellies/command']),
    );
    const t = testCore(`${dir.path}/d.db`);
    const alerts: string[] = [];
    t.core.on((m) => {
      if (m.event === 'alert') alerts.push((m.payload as { message: string }).message);
    });
    const failure = await t.core.connect({
      ...profile('right-password', ['Coreflux/#']),
      url: site.url('mqtt', '127.0.0.1'),
    });
    expect(failure).toBeNull();
    const deadline = Date.now() + 10_000;
    let role: string | undefined;
    while (Date.now() < deadline) {
      const stats = await t.core.handlers['stats.get']({});
      role = stats.ok ? stats.value.lease.role : undefined;
      if (role === 'unchecked') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(role).toBe('unchecked');
    expect(t.core.connectionState).toMatchObject({ status: 'connected', subscribed: true });
    // One connection throughout: refusing the lease never costs the site its link.
    expect(alerts.filter((a) => a.startsWith('Lost the broker'))).toEqual([]);
    expect(alerts).toContainEqual(
      expect.stringContaining('does not let Kilowatch read kilowatch/_lease/aggregator'),
    );
    await t.close();
    await site.stop();
  });

  it('reports a wrong password as a rejected user name or password, never showing it', async () => {
    const t = testCore(`${dir.path}/c.db`);
    const failure = await t.core.connect(profile('wrong-password', ['Coreflux/#']));
    expect(failure).toMatchObject({
      code: 'auth-rejected',
      message: expect.stringMatching(/user name or password/),
    });
    expect(JSON.stringify(t.core.connectionState)).not.toContain('wrong-password');
    await t.close();
  });
});
