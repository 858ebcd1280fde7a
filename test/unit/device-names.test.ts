/**
 * What devices say about themselves is bounded: a name from MQTT is cut to 128 characters, with
 * one alert naming the device, wherever it is read (announce, GetDeviceInfo, a BLU sensor's).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, EventMessage } from '../../src/shared/contract';
import { MAX_DEVICE_NAME, nameField } from '../../src/main/core/shelly/device-name';
import { switchNotify, testCore, type TestCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const GATEWAY = 'shellyblugwg3-a8032ab1c2d3';
const PREFIX = 'Aurora/Lisbon/Reception/Gateway';
const LONG = 'N'.repeat(200_000);

const dirs: Array<{ remove(): void }> = [];
let t: TestCore | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  dirs.splice(0).forEach((d) => d.remove());
});

function start(): { core: TestCore; alerts: Alert[] } {
  const dir = tempDir();
  dirs.push(dir);
  t = testCore(`${dir.path}/kw.db`);
  const alerts: Alert[] = [];
  t.core.on((m: EventMessage) => {
    if (m.event === 'alert') alerts.push(m.payload as Alert);
  });
  // Known by prefix and id, as after its first status message.
  t.feed(`${PREFIX}/events/rpc`, switchNotify(GATEWAY, PREFIX, 10, 1741593600));
  return { core: t, alerts };
}

const nameAlerts = (alerts: Alert[]) => alerts.filter((a) => a.key.startsWith('message-rejected|long-name:'));

describe('a device name from MQTT', () => {
  it('is cut to 128 characters, with one alert naming the device (Gen2 announce)', () => {
    const { core, alerts } = start();
    const announce = JSON.stringify({ id: GATEWAY, model: 'S3GW-1DBT001', gen: 3, name: LONG });
    core.feed(`${PREFIX}/announce`, announce);
    core.feed(`${PREFIX}/announce`, announce); // the same again: no news
    const device = core.core.registry.devices.get(PREFIX);
    expect(device?.row.name).toBe('N'.repeat(128));
    expect(nameAlerts(alerts)).toHaveLength(1);
    expect(nameAlerts(alerts)[0]).toMatchObject({
      severity: 'warning',
      kind: 'message-rejected',
      node: `device:${PREFIX}`,
      message: `${GATEWAY} announced a name of 200000 characters; only its first 128 are kept.`,
    });
  });

  it('is cut in a Shelly.GetDeviceInfo reply too', () => {
    const { core, alerts } = start();
    const reply = { id: 7, src: GATEWAY, dst: 'kilowatch-test', result: { id: GATEWAY, gen: 3, name: LONG } };
    core.feed('kilowatch-test/rpc', reply);
    expect(core.core.registry.devices.get(PREFIX)?.row.name).toHaveLength(128);
    expect(nameAlerts(alerts)).toHaveLength(1);
  });

  it('of a BLU sensor (GetComponents) is cut, and the alert names sensor and gateway', () => {
    const { core, alerts } = start();
    const reply = {
      id: 8,
      src: GATEWAY,
      dst: 'kilowatch-test',
      result: {
        components: [{ key: 'bthomedevice:200', config: { addr: '7c:c6:b6:61:e8:fa', name: LONG } }],
      },
    };
    core.feed('kilowatch-test/rpc', reply);
    core.feed('kilowatch-test/rpc', reply);
    expect(core.core.sensors.list().map((s) => s.name?.length)).toEqual([128]);
    expect(nameAlerts(alerts).map((a) => a.message)).toEqual([
      `The BLU sensor 7c:c6:b6:61:e8:fa (via ${GATEWAY}) announced a name of 200000 characters; only its first 128 are kept.`,
    ]);
  });

  it('of 128 characters is kept whole, without an alert', () => {
    const { core, alerts } = start();
    const name = 'Ø'.repeat(128);
    core.feed(`${PREFIX}/announce`, { id: GATEWAY, gen: 3, name });
    expect(core.core.registry.devices.get(PREFIX)?.row.name).toBe(name);
    expect(nameAlerts(alerts)).toEqual([]);
  });

  it('is never cut inside a surrogate pair', () => {
    expect(MAX_DEVICE_NAME).toBe(128);
    const cut = nameField(`${'a'.repeat(127)}😀tail`);
    expect(cut).toEqual({ name: 'a'.repeat(127), nameLength: 133 });
    expect(nameField(42)).toEqual({});
  });
});
