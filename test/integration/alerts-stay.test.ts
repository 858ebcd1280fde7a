/**
 * Alerts that stay (#14 item 3), through the built headless console, a real Mosquitto and a real
 * SQLite file: a >1 MW counter jump and an impossible power reading each raise one stored alert
 * naming the channel's place in words; a device going offline twice is one alert counted twice;
 * after a restart they are all still there; acknowledging and clearing work through the API, and
 * a fault after an acknowledgement is news again.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/shared/contract';
import { energyFrame, powerFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

/** Two CoffeeMachines, in two offices: only the path says which one. */
const PORTO: FixtureDevice = {
  prefix: 'Aurora/Porto/Kitchen/CoffeeMachine',
  src: 'shellyplus1pm-a1a000000001',
};
const LISBON: FixtureDevice = {
  prefix: 'Aurora/Lisbon/Kitchen/CoffeeMachine',
  src: 'shellyplus1pm-a1b000000002',
};
const PORTO_CHANNEL = `channel:${PORTO.prefix}|switch:0`;
const LISBON_DEVICE = `device:${LISBON.prefix}`;

let mosquitto: Mosquitto;
let headless: Headless;
let client: MqttClient;
const dir = tempDir();
const dbPath = join(dir.path, 'alerts.db');
const minuteS = Math.floor(Date.now() / 60_000) * 60 - 10 * 60;

const start = () => startHeadless(['--broker', mosquitto.url, '--port', '0', '--db', dbPath]);

async function query(params: Record<string, unknown> = {}): Promise<Alert[]> {
  const { body } = await api(headless.url, 'alerts.query', params);
  if (body.ok !== true) throw new Error(`alerts.query failed: ${JSON.stringify(body)}`);
  return (body.value as { alerts: Alert[] }).alerts;
}

/** Polls the stored alerts until `pick` finds one matching `isDone`. */
async function alertWhere(
  pick: (a: Alert) => boolean,
  isDone: (a: Alert) => boolean,
  what: string,
): Promise<Alert> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = await query();
    const found = all.find(pick);
    if (found && isDone(found)) return found;
    // Everything stored goes with the failure: an intermittent miss here is otherwise unexplained.
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(found)}\nall alerts: ${JSON.stringify(
          all.map((a) => [a.id, a.kind, a.node, a.count, a.at, a.message]),
        )}\nconsole output:\n${headless.output().slice(-3000)}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const offlineOfLisbon = (a: Alert) => a.kind === 'device-offline' && a.node === LISBON_DEVICE;
const rateOfPorto = (a: Alert) => a.node === PORTO_CHANNEL && a.key.endsWith('|implausible-rate');
const powerOfPorto = (a: Alert) => a.node === PORTO_CHANNEL && a.key.endsWith('|implausible-power');

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await start();
  client = await testClient(mosquitto.url);
});

afterAll(async () => {
  await client?.endAsync();
  await headless?.stop();
  await mosquitto?.stop();
  dir.remove();
});

describe('alerts that stay', () => {
  let firstOffline: Alert;

  it('a >1 MW counter jump and a 1.2 GW power reading each raise one alert in words, with the place', async () => {
    const frame = (i: number, totalWh: number) =>
      energyFrame(PORTO, { minuteTsS: minuteS + 60 * i, totalWh });
    await publish(client, `${PORTO.prefix}/events/rpc`, frame(0, 1000));
    // 2 MWh in (at least) a minute would be 120 MW: refused, twice, on one alert.
    await publish(client, `${PORTO.prefix}/events/rpc`, frame(1, 2_001_000));
    await publish(client, `${PORTO.prefix}/events/rpc`, frame(2, 2_001_001));
    await publish(client, `${PORTO.prefix}/events/rpc`, powerFrame(PORTO, 1.2e9, minuteS + 150));

    const rate = await alertWhere(rateOfPorto, (a) => a.count === 2, 'the implausible-rate alert, twice');
    expect(rate).toMatchObject({
      kind: 'message-rejected',
      severity: 'warning',
      path: 'Aurora / Porto / Kitchen / CoffeeMachine',
      message:
        'Aurora / Porto / Kitchen / CoffeeMachine: a meter reading that would mean 120 MW on average ' +
        'was ignored as impossible (over 1 MW); nothing was counted from it.',
      ackedAt: null,
      clearedAt: null,
    });
    expect(rate.technical).toContain('reason: implausible-rate');
    expect(rate.technical).toContain('previousWh: 1000');
    const power = await alertWhere(powerOfPorto, () => true, 'the implausible-power alert');
    expect(power.message).toBe(
      'Aurora / Porto / Kitchen / CoffeeMachine: a power reading of 1.2 GW was ignored as ' +
        'impossible (over 1 MW); nothing was counted from it.',
    );
    expect(power.count).toBe(1);
    expect(power.technical).toContain('value: 1200000000');
  });

  it('a device going offline twice is one alert, counted twice, naming which CoffeeMachine', async () => {
    await publish(
      client,
      `${LISBON.prefix}/events/rpc`,
      energyFrame(LISBON, { minuteTsS: minuteS, totalWh: 500 }),
    );
    await publish(client, `${LISBON.prefix}/online`, 'true');
    await publish(client, `${LISBON.prefix}/online`, 'false');
    firstOffline = await alertWhere(offlineOfLisbon, () => true, 'the first offline alert');
    expect(firstOffline).toMatchObject({ count: 1, resolvedAt: null });
    await publish(client, `${LISBON.prefix}/online`, 'true');
    // Back online: the alert stays, saying the fault is over, and when.
    const over = await alertWhere(offlineOfLisbon, (a) => a.resolvedAt !== null, 'the offline alert, over');
    expect(over).toMatchObject({ id: firstOffline.id, count: 1, clearedAt: null });
    expect(Date.parse(over.resolvedAt as string)).toBeGreaterThanOrEqual(Date.parse(firstOffline.at));
    await publish(client, `${LISBON.prefix}/online`, 'false');
    const offline = await alertWhere(offlineOfLisbon, (a) => a.count === 2, 'the offline alert, twice');
    // Offline again: on again, no longer over.
    expect(offline.resolvedAt).toBeNull();
    expect(offline).toMatchObject({
      id: firstOffline.id,
      firstAt: firstOffline.firstAt,
      severity: 'warning',
      path: 'Aurora / Lisbon / Kitchen / CoffeeMachine',
      message: 'Aurora / Lisbon / Kitchen / CoffeeMachine went offline.',
      ackedAt: null,
    });
    expect(Date.parse(offline.at)).toBeGreaterThanOrEqual(Date.parse(firstOffline.at));
    expect((await query()).filter(offlineOfLisbon)).toHaveLength(1);
    // Filtered by kind: only the offline one.
    expect((await query({ kinds: ['device-offline'] })).map((a) => a.id)).toEqual([offline.id]);
  });

  it('are all still there after a restart', async () => {
    const before = await query();
    expect(await headless.stop()).toBe(0);
    headless = await start();
    const after = await query();
    const pick = (alerts: Alert[]) =>
      alerts
        .filter((a) => offlineOfLisbon(a) || rateOfPorto(a) || powerOfPorto(a))
        .map((a) => ({ id: a.id, count: a.count, message: a.message, firstAt: a.firstAt }));
    expect(pick(after)).toEqual(pick(before));
    expect(
      pick(after)
        .map((a) => a.count)
        .sort(),
    ).toEqual([1, 2, 2]);
  });

  it('acknowledges and clears through the API; a fault after that is news again', async () => {
    const offline = (await query()).find(offlineOfLisbon) as Alert;
    const acked = await api(headless.url, 'alerts.ack', { id: offline.id });
    expect(acked.body).toMatchObject({ ok: true, value: { id: offline.id, count: 2 } });
    // Named as the audit trail names whoever acknowledged: here a browser session of the bridge.
    expect((acked.body.value as { ackedBy: string }).ackedBy).toMatch(/^browser session [0-9a-f]{8}$/);
    const ackedAt = (acked.body.value as Alert).ackedAt;
    expect(ackedAt).not.toBeNull();
    // Acknowledging again changes nothing.
    const again = await api(headless.url, 'alerts.ack', { id: offline.id });
    expect((again.body.value as Alert).ackedAt).toBe(ackedAt);

    const rate = (await query()).find(rateOfPorto) as Alert;
    const cleared = await api(headless.url, 'alerts.clear', { id: rate.id });
    expect(cleared.body).toMatchObject({ ok: true, value: { id: rate.id } });
    expect((await query()).find(rateOfPorto)).toBeUndefined();
    expect((await query({ includeCleared: true })).find(rateOfPorto)?.clearedAt).toBe(
      (cleared.body.value as Alert).clearedAt,
    );

    // Bad ids get a clear no.
    const bad = await api(headless.url, 'alerts.ack', { id: 'abc' });
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const missing = await api(headless.url, 'alerts.clear', { id: '999999' });
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'not-found' } });

    // Offline again after the acknowledgement: a new occurrence nobody has acknowledged.
    await publish(client, `${LISBON.prefix}/online`, 'true');
    await publish(client, `${LISBON.prefix}/online`, 'false');
    const news = await alertWhere(offlineOfLisbon, (a) => a.id !== offline.id, 'a new offline occurrence');
    expect(news).toMatchObject({ count: 1, ackedAt: null, ackedBy: null });
    expect(Number(news.id)).toBeGreaterThan(Number(offline.id));
  });
});
