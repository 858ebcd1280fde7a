/**
 * "Add a Shelly" (README "Add a Shelly"): the built headless console, a real Mosquitto, and the
 * demo's simulated plugs answering Shelly's local HTTP API on loopback — a Gen2+ Plus Plug S behind
 * digest authentication and a Gen1 Plug S. Read, refused, found by a scan, then put on the broker
 * under a place: each plug restarts, connects to the Mosquitto by itself and publishes there, and
 * the console hears it in the room it was given.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditEntry,
  CommissionReport,
  ShellyFound,
  SiteNode,
  SiteTree,
} from '../../src/shared/contract';
import { startHttpPlug, type HttpPlug } from '../../src/main/demo/http-devices';
import { api, startHeadless, type Headless } from '../support/headless';
import { freePort, startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

const PASSWORD = 'Correct Horse 7';
const hostOf = (plug: HttpPlug) => new URL(plug.url).host;

describe('Add a Shelly: read it on the LAN, put it on the broker, see it in its room', () => {
  const dir = tempDir('kw-commission-');
  let mosquitto: Mosquitto;
  let headless: Headless;
  let gen2: HttpPlug;
  let gen1: HttpPlug;
  let notShelly: Server;
  let notShellyAddress: string;
  const errors: Error[] = [];

  const reply = async <T>(command: string, params: unknown): Promise<Reply<T>> =>
    (await api(headless.url, command, params)).body as unknown as Reply<T>;
  async function call<T>(command: string, params: unknown = {}): Promise<T> {
    const r = await reply<T>(command, params);
    if (!r.ok) throw new Error(`${command}: ${r.error.message}`);
    return r.value;
  }
  async function refused(command: string, params: unknown): Promise<{ code: string; message: string }> {
    const r = await reply<unknown>(command, params);
    if (r.ok) throw new Error(`${command} was accepted: ${JSON.stringify(r.value)}`);
    return r.error;
  }
  async function waitForNode(id: string, what: (n: SiteNode) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let seen: SiteNode | undefined;
    for (;;) {
      const tree = await call<SiteTree>('site.tree');
      seen = findNode(tree.nodes, id);
      if (seen && what(seen)) return { node: seen, tree };
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${id}: ${JSON.stringify(seen ?? null)}; plug errors: ${errors}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const broker = () => ({ server: `127.0.0.1:${mosquitto.port}`, tls: 'none' as const });

  beforeAll(async () => {
    const onError = (e: Error) => errors.push(e);
    gen2 = await startHttpPlug({ generation: 2, name: 'Kettle', password: PASSWORD, tickMs: 300, onError });
    gen1 = await startHttpPlug({ generation: 1, name: 'Fan', tickMs: 300, onError });
    notShelly = createServer((_req, res) => res.writeHead(404).end('no such page'));
    await new Promise<void>((r) => notShelly.listen(0, '127.0.0.1', r));
    notShellyAddress = `127.0.0.1:${(notShelly.address() as AddressInfo).port}`;
    mosquitto = await startMosquitto();
    headless = await startHeadless(
      ['--broker', mosquitto.url, '--db', `${dir.path}/commission.db`, '--port', '0'],
      { KILOWATCH_BROKER_PASSWORD: undefined, KILOWATCH_BROKER_USERNAME: undefined },
    );
  }, 60_000);

  afterAll(async () => {
    await headless?.stop();
    await Promise.all([gen2?.stop(), gen1?.stop()]);
    await new Promise((r) => notShelly?.close(r));
    await mosquitto?.stop();
    dir.remove();
  });

  it('reads what a protected Gen2+ device says about itself, and asks for its password', async () => {
    const found = await call<ShellyFound>('device.probe', { address: hostOf(gen2) });
    expect(found).toMatchObject({
      address: hostOf(gen2),
      generation: 2,
      id: gen2.id,
      model: 'SNPL-00112EU',
      authRequired: true,
      mqtt: null,
      known: null,
    });
    const wrong = await refused('device.probe', { address: hostOf(gen2), login: { password: 'a guess' } });
    expect(wrong.code).toBe('auth-rejected');
    expect(wrong.message).toMatch(/refused the password for the user "admin" \(HTTP 401\)/);
    const right = await call<ShellyFound>('device.probe', {
      address: hostOf(gen2),
      login: { password: PASSWORD },
    });
    expect(right.mqtt).toEqual({ enabled: false, server: null, user: null, topicPrefix: gen2.prefix });
  });

  it('reads a Gen1 with its /settings, id included', async () => {
    const found = await call<ShellyFound>('device.probe', { address: hostOf(gen1) });
    expect(found).toMatchObject({ generation: 1, id: gen1.id, model: 'SHPLG-S', authRequired: false });
    expect(found.mqtt).toMatchObject({ enabled: false, topicPrefix: `shellies/${gen1.id}` });
  });

  it('says plainly when nothing, or something else, answers', async () => {
    const nobody = await refused('device.probe', { address: `127.0.0.1:${await freePort()}` });
    expect(nobody.code).toBe('device-unreachable');
    expect(nobody.message).toMatch(/Nothing answers at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const other = await refused('device.probe', { address: notShellyAddress });
    expect(other).toMatchObject({ code: 'device-unreachable' });
    expect(other.message).toMatch(/not as a Shelly/);
    for (const address of ['http://10.0.0.5', '10.0.0.5/rpc', 'user@10.0.0.5', ''])
      expect((await refused('device.probe', { address })).code).toBe('invalid-params');
  });

  it('finds the Shellys answering on a network, and only them', async () => {
    const port = Number(new URL(gen2.url).port);
    const scan = await call<{ scanned: number; found: ShellyFound[] }>('device.scan', {
      network: '127.0.0.0/30',
      port,
    });
    // 127.0.0.1 and .2: only the first has the plug listening.
    expect(scan.scanned).toBe(2);
    expect(scan.found.map((f) => [f.address, f.id])).toEqual([[hostOf(gen2), gen2.id]]);
    expect((await refused('device.scan', { network: '10.0.0.0/16' })).code).toBe('invalid-params');
  });

  it('changes nothing on the device when something is wrong', async () => {
    const wrong = await refused('device.commission', {
      address: hostOf(gen2),
      login: { password: 'a guess' },
      path: ['Aurora', 'Porto', 'Lobby'],
      name: 'Kettle',
      mqtt: broker(),
    });
    expect(wrong.code).toBe('auth-rejected');
    const noPassword = await refused('device.commission', {
      address: hostOf(gen2),
      path: ['Aurora', 'Porto', 'Lobby'],
      name: 'Kettle',
      mqtt: broker(),
    });
    expect(noPassword).toMatchObject({ code: 'auth-rejected', message: expect.stringMatching(/protected/) });
    const tls = await refused('device.commission', {
      address: hostOf(gen1),
      path: ['Aurora', 'Porto', 'Office'],
      name: 'Fan',
      mqtt: { ...broker(), tls: 'built-in-ca' },
    });
    expect(tls.message).toMatch(/Gen1 Shelly speaks plain MQTT only/);
    expect(gen2.mqtt.enabled).toBe(false);
    expect(gen1.mqtt.enabled).toBe(false);
  });

  it('puts a Gen2+ device on the broker under its place; it restarts and appears in that room', async () => {
    const report = await call<CommissionReport>('device.commission', {
      address: hostOf(gen2),
      login: { password: PASSWORD },
      path: ['Aurora', 'Porto', 'Lobby'],
      name: 'Kettle',
      mqtt: broker(),
    });
    expect(report).toEqual({
      device: 'device:Aurora/Porto/Lobby/Kettle',
      id: gen2.id,
      generation: 2,
      topicPrefix: 'Aurora/Porto/Lobby/Kettle',
      path: ['Aurora', 'Porto', 'Lobby'],
      restarted: true,
    });
    // What the device itself was told.
    expect(gen2.mqtt).toMatchObject({
      enabled: true,
      server: `127.0.0.1:${mosquitto.port}`,
      topicPrefix: 'Aurora/Porto/Lobby/Kettle',
    });
    // Its model arrives with its answer to the console's first questions (GetDeviceInfo over MQTT).
    const { node } = await waitForNode(
      report.device,
      (n) => n.online === true && n.children.length > 0 && n.model !== undefined,
    );
    expect(node.path).toEqual(['Aurora', 'Porto', 'Lobby', 'Kettle']);
    expect(node.model).toBe('SNPL-00112EU');
    expect(node.polled).toBeUndefined();
    // On the broker for real: it counts, and the console switches it over MQTT.
    const channel = `channel:Aurora/Porto/Lobby/Kettle|switch:0`;
    await waitForNode(channel, () => true);
    const switched = await call<{ on: boolean }>('relay.set', { channel, on: false });
    expect(switched.on).toBe(false);
    const again = await call<ShellyFound>('device.probe', {
      address: hostOf(gen2),
      login: { password: PASSWORD },
    });
    expect(again.known).toEqual({ node: report.device, path: ['Aurora', 'Porto', 'Lobby'] });
    expect(again.mqtt).toMatchObject({ enabled: true, topicPrefix: 'Aurora/Porto/Lobby/Kettle' });
    expect(errors).toEqual([]);
  });

  it('refuses a second device with the same name in the same room', async () => {
    const clash = await refused('device.commission', {
      address: hostOf(gen1),
      path: ['Aurora', 'Porto', 'Lobby'],
      name: 'Kettle',
      mqtt: broker(),
    });
    expect(clash.code).toBe('invalid-params');
    expect(clash.message).toMatch(/Lobby already has a device named "Kettle"/);
    expect(gen1.mqtt.enabled).toBe(false);
  });

  it('puts a Gen1 on the broker and places it, since its topics carry no place', async () => {
    const report = await call<CommissionReport>('device.commission', {
      address: hostOf(gen1),
      path: ['Aurora', 'Porto', 'Office'],
      name: 'Desk fan',
      mqtt: broker(),
    });
    expect(report).toMatchObject({
      id: gen1.id,
      generation: 1,
      topicPrefix: `shellies/${gen1.id}`,
      path: ['Aurora', 'Porto', 'Office'],
      restarted: true,
    });
    const { node } = await waitForNode(report.device, (n) => n.online === true && n.children.length > 0);
    expect(node.path).toEqual(['Aurora', 'Porto', 'Office', 'Desk fan']);
    expect(errors).toEqual([]);
  });

  it('keeps who added what, and where, in the audit trail, without a password', async () => {
    const { entries } = await call<{ entries: AuditEntry[] }>('audit.query', { action: 'device.commission' });
    const done = entries.filter((e) => e.outcome === 'done').map((e) => [e.target, e.after]);
    expect(done).toEqual([
      [hostOf(gen1), `MQTT 127.0.0.1:${mosquitto.port} (TLS none), in Aurora › Porto › Office › Desk fan`],
      [hostOf(gen2), `MQTT 127.0.0.1:${mosquitto.port} (TLS none), in Aurora › Porto › Lobby › Kettle`],
    ]);
    const all = JSON.stringify(await call('audit.query', {}));
    expect(all).not.toContain(PASSWORD);
  });
});
