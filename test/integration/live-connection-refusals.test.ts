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
