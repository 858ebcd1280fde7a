/**
 * Devices not on MQTT (README "Devices not on MQTT"): the built headless console, a real
 * Mosquitto (the console needs a broker; the plugs never touch it), and the demo's simulated plugs
 * answering HTTP on loopback — a Gen2+ Plus Plug S behind digest authentication, a Gen1 Plug S,
 * and a third plug the console is given the wrong password for. Every figure is checked against
 * what the plugs' own simulated counters printed in the answers they gave.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, SiteNode, SiteTree } from '../../src/shared/contract';
import { loadConfig } from '../../src/main/core/config';
import { pollTargets } from '../../src/main/core/polling/poll-targets';
import { startHttpPlug, type HttpPlug } from '../../src/main/demo/http-devices';
import { api, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import type { MqttClient } from 'mqtt';
import { tempDir } from '../support/temp-dir';
import { findNode } from '../support/find-node';

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

const INTERVAL_S = 5;
const GEN2_PREFIX = 'Aurora/Lisbon/Kitchen/Fridge';
const LOCKED_PREFIX = 'Aurora/Lisbon/Kitchen/Locked';

/**
 * What Kilowatch must have counted from the answers a plug gave, in the counter's own integer
 * unit: the first is the baseline, a rise counts, a drop is a reset counted from zero.
 */
function countedFrom(served: readonly number[], toInteger: (v: number) => number): number {
  let sum = 0;
  for (let i = 1; i < served.length; i++) {
    const now = toInteger(served[i] as number);
    const before = toInteger(served[i - 1] as number);
    sum += now >= before ? now - before : now;
  }
  return sum;
}

/** Gen2+ `aenergy.total` is Wh to 3 decimals: counted in mWh. */
const gen2Wh = (plug: HttpPlug) => countedFrom(plug.served, (wh) => Math.round(wh * 1000)) / 1000;
/** Gen1 `total` is watt-minutes: Wh = Wmin / 60, shown to the mWh. */
const gen1Wh = (plug: HttpPlug) => Math.round((countedFrom(plug.served, (wm) => wm) * 1000) / 60) / 1000;

describe('[[poll]] in kilowatch.toml', () => {
  const dir = tempDir('kw-poll-config-');
  afterAll(() => dir.remove());
  const load = (toml: string) => {
    const path = `${dir.path}/kilowatch.toml`;
    writeFileSync(path, toml);
    const loaded = loadConfig(path);
    return loaded.ok ? loaded.value.config : loaded.error.message;
  };

  it('says what is wrong with an entry, in one line', () => {
    const entry = (fields: string) => `[[poll]]\n${fields}\n`;
    expect(load(entry('url = "http://10.0.0.5"\nprefix = "A/B/C/D"\ngeneration = 2\nintervalS = 2'))).toMatch(
      /poll\.0\.intervalS/,
    );
    expect(
      load(entry('url = "http://10.0.0.5"\nprefix = "Aurora/Lisbon/Kitchen/Kettle"\ngeneration = 1')),
    ).toMatch(/for generation = 1 must be "shellies\/<device id>"/);
    expect(load(entry('url = "http://admin:pw@10.0.0.5"\nprefix = "A/B/C/D"\ngeneration = 2'))).toMatch(
      /must be the device address/,
    );
    expect(load(entry('url = "http://10.0.0.5"\nprefix = "A/+/C/D"\ngeneration = 2'))).toMatch(
      /topic-wildcard/,
    );
    expect(load(entry('url = "http://10.0.0.5"\nprefix = "A/B/C/D"\ngeneration = 3'))).toMatch(/generation/);
    const twice = entry('url = "http://10.0.0.5"\nprefix = "A/B/C/D"\ngeneration = 2');
    expect(load(twice + twice)).toMatch(/each prefix only once/);
    const ok = load(entry('url = "http://10.0.0.5/"\nprefix = "A/B/C/D"\ngeneration = 2'));
    expect(typeof ok === 'string' ? ok : ok.poll).toEqual([
      { url: 'http://10.0.0.5/', prefix: 'A/B/C/D', generation: 2, intervalS: 30 },
    ]);
  });

  it('reads a password file only when others cannot', () => {
    const path = `${dir.path}/plug.pw`;
    writeFileSync(path, 'secret\n');
    chmodSync(path, 0o644);
    const entry = {
      url: 'http://10.0.0.5',
      prefix: 'A/B/C/D',
      generation: 2 as const,
      intervalS: 30,
      passwordFile: path,
    };
    const refused = pollTargets([entry]);
    expect(refused.ok ? null : refused.error.message).toMatch(
      /A\/B\/C\/D: .* readable by other users .* chmod 600/,
    );
    chmodSync(path, 0o600);
    expect(pollTargets([entry])).toEqual({
      ok: true,
      value: [
        {
          url: 'http://10.0.0.5',
          prefix: 'A/B/C/D',
          generation: 2,
          intervalMs: 30_000,
          username: 'admin',
          password: 'secret',
        },
      ],
    });
  });
});

describe('Shellys polled over HTTP, through the same decoders and energy rules', () => {
  const dir = tempDir('kw-poll-');
  let mosquitto: Mosquitto;
  let headless: Headless;
  let gen2: HttpPlug;
  let gen1: HttpPlug;
  let locked: HttpPlug;
  let gen1Key: string;
  let listener: MqttClient | undefined;
  const asked: string[] = [];

  async function call<T>(command: string, params: unknown = {}): Promise<T> {
    const reply = (await api(headless.url, command, params)).body as unknown as Reply<T>;
    if (!reply.ok) throw new Error(`${command}: ${reply.error.message}`);
    return reply.value;
  }

  let tree: SiteTree | null = null;
  async function refreshTree(): Promise<SiteTree> {
    tree = await call<SiteTree>('site.tree');
    return tree;
  }
  const node = (id: string) => (tree ? findNode(tree.nodes, id) : undefined);
  const energyOf = (id: string) => tree?.totals.find((t) => t.id === id)?.energyWh;

  /** Checks every 200 ms (the console is asked, not flooded) until true, or fails saying what. */
  async function waitFor(
    check: () => boolean | Promise<boolean>,
    timeoutMs: number,
    what: string,
    state: () => string = () => '',
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${state()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Waits until the console's figure for `key` equals what the plug counted; the plug's answers
   * are read before and after the tree, so a poll landing in between only means another look.
   */
  async function energyMatches(key: string, plug: HttpPlug, expected: () => number, what: string) {
    let got: number | undefined;
    await waitFor(
      async () => {
        const before = plug.served.length;
        got = energyOf(`device:${key}`);
        await refreshTree();
        got = energyOf(`device:${key}`);
        return plug.served.length === before && got === expected();
      },
      20_000,
      what,
      () => `(console ${got} Wh, plug ${expected()} Wh after ${plug.served.length} answers)`,
    );
  }

  beforeAll(async () => {
    gen2 = await startHttpPlug({
      generation: 2,
      name: 'Fridge',
      prefix: GEN2_PREFIX,
      password: 'Correct Horse 7',
    });
    gen1 = await startHttpPlug({ generation: 1, name: 'Heater' });
    locked = await startHttpPlug({
      generation: 2,
      name: 'Locked',
      prefix: LOCKED_PREFIX,
      password: 'the real one',
    });
    gen1Key = gen1.prefix;
    const secret = (name: string, text: string) => {
      const path = `${dir.path}/${name}`;
      writeFileSync(path, `${text}\n`);
      chmodSync(path, 0o600);
      return path;
    };
    const config = `${dir.path}/kilowatch.toml`;
    writeFileSync(
      config,
      [
        '[site]',
        'timezone = "UTC"',
        '',
        '[[poll]]',
        `url = "${gen2.url}"`,
        `prefix = "${GEN2_PREFIX}"`,
        'generation = 2',
        `intervalS = ${INTERVAL_S}`,
        `passwordFile = "${secret('fridge.pw', 'Correct Horse 7')}"`,
        '',
        '[[poll]]',
        `url = "${gen1.url}/"`,
        `prefix = "${gen1Key}"`,
        'generation = 1',
        `intervalS = ${INTERVAL_S}`,
        '',
        '[[poll]]',
        `url = "${locked.url}"`,
        `prefix = "${LOCKED_PREFIX}"`,
        'generation = 2',
        `intervalS = ${INTERVAL_S}`,
        'username = "admin"',
        `passwordFile = "${secret('locked.pw', 'a guess')}"`,
        '',
      ].join('\n'),
    );
    mosquitto = await startMosquitto();
    // Whatever the console asks the polled devices over MQTT, from its first connect on.
    listener = await testClient(mosquitto.url);
    listener.on('message', (topic) => asked.push(topic));
    await listener.subscribeAsync(
      [GEN2_PREFIX, LOCKED_PREFIX, gen1Key].flatMap((p) => [`${p}/rpc`, `${p}/command`, `${p}/command/#`]),
    );
    headless = await startHeadless(
      ['--broker', mosquitto.url, '--db', `${dir.path}/poll.db`, '--config', config, '--port', '0'],
      { KILOWATCH_BROKER_PASSWORD: undefined, KILOWATCH_BROKER_USERNAME: undefined },
    );
  }, 60_000);

  afterAll(async () => {
    await listener?.endAsync();
    await headless?.stop();
    await Promise.all([gen2?.stop(), gen1?.stop(), locked?.stop()]);
    await mosquitto?.stop();
    dir.remove();
  });

  it('files each device under its prefix, marked polled, with its identity', async () => {
    await waitFor(
      async () => {
        await refreshTree();
        return node(`device:${GEN2_PREFIX}`) !== undefined && node(`device:${gen1Key}`) !== undefined;
      },
      20_000,
      'both polled devices in site.tree',
    );
    const fridge = node(`device:${GEN2_PREFIX}`) as SiteNode;
    expect(fridge.path).toEqual(['Aurora', 'Lisbon', 'Kitchen', 'Fridge']);
    expect(fridge.polled).toBe(true);
    expect(fridge.online).toBe(true);
    expect(fridge.model).toBe('SNPL-00112EU');
    expect(fridge.children.map((c) => c.id)).toEqual([`channel:${GEN2_PREFIX}|switch:0`]);
    // Its relay answers HTTP, not the console's MQTT commands: shown, not offered as a switch.
    expect(fridge.children[0]?.switchable).toBe(false);
    const plug = node(`device:${gen1Key}`) as SiteNode;
    expect(plug.polled).toBe(true);
    expect(plug.model).toBe('SHPLG-S');
    expect(plug.reason).toBe('no-placement'); // Gen1 carries no hierarchy: staff place it
    expect(plug.children.map((c) => c.id)).toEqual([`channel:${gen1Key}|relay:0`]);
  });

  it('counts exactly what the simulated meters counted, Gen2+ in Wh and Gen1 in watt-minutes', async () => {
    await waitFor(() => gen2.served.length >= 3 && gen1.served.length >= 3, 30_000, 'three answers each');
    await energyMatches(GEN2_PREFIX, gen2, () => gen2Wh(gen2), 'Gen2 energy equals the plug’s counter');
    await energyMatches(gen1Key, gen1, () => gen1Wh(gen1), 'Gen1 energy equals the plug’s counter');
    expect(gen2Wh(gen2)).toBeGreaterThan(0);
    expect(gen1Wh(gen1)).toBeGreaterThan(0);
  });

  it('takes a counter reset on the device as MQTT would: counted from zero, never negative or twice', async () => {
    const before2 = gen2.served.length;
    const before1 = gen1.served.length;
    const wh2 = energyOf(`device:${GEN2_PREFIX}`) as number;
    const wh1 = energyOf(`device:${gen1Key}`) as number;
    gen2.reboot();
    gen1.reboot();
    await waitFor(
      () => gen2.served.length >= before2 + 2 && gen1.served.length >= before1 + 2,
      30_000,
      'two answers after the reboot',
    );
    // The counters really went back down.
    expect(gen2.served[before2] as number).toBeLessThan(gen2.served[before2 - 1] as number);
    expect(gen1.served[before1] as number).toBeLessThan(gen1.served[before1 - 1] as number);
    await energyMatches(GEN2_PREFIX, gen2, () => gen2Wh(gen2), 'Gen2 energy across the reset');
    await energyMatches(gen1Key, gen1, () => gen1Wh(gen1), 'Gen1 energy across the reset');
    expect(energyOf(`device:${GEN2_PREFIX}`)).toBeGreaterThanOrEqual(wh2);
    expect(energyOf(`device:${gen1Key}`)).toBeGreaterThanOrEqual(wh1);
  });

  it('marks an unreachable device offline at the next poll, backs off, and counts on exactly when it is back', async () => {
    const unpluggedAt = Date.now();
    const from = gen2.requestTimes.length;
    gen2.setUnplugged(true);
    const tries = () => gen2.requestTimes.slice(from);
    await waitFor(
      async () => {
        await refreshTree();
        return tries().length >= 1 && node(`device:${GEN2_PREFIX}`)?.online === false;
      },
      (INTERVAL_S + 6) * 1000,
      'offline after the next poll',
    );
    // The second try waits twice the interval.
    await waitFor(() => tries().length >= 2, 4 * INTERVAL_S * 1000, 'a second try');
    const [first, second] = tries() as [number, number];
    expect(first - unpluggedAt).toBeLessThanOrEqual((INTERVAL_S + 1) * 1000);
    expect(second - first).toBeGreaterThanOrEqual(2 * INTERVAL_S * 1000 - 500);
    expect(second - first).toBeLessThan(3 * INTERVAL_S * 1000);
    const alerts = await call<{ alerts: Alert[] }>('alerts.query', {});
    expect(alerts.alerts.some((a) => a.kind === 'device-offline' && a.node === `device:${GEN2_PREFIX}`)).toBe(
      true,
    );

    // Back on the network: the third try (four intervals later) reads it again.
    const reads = gen2.statusReads;
    gen2.setUnplugged(false);
    await waitFor(() => gen2.statusReads > reads, 6 * INTERVAL_S * 1000, 'read again');
    const back = gen2.requestTimes.slice(from + 2)[0] as number;
    expect(back - second).toBeGreaterThanOrEqual(4 * INTERVAL_S * 1000 - 500);
    // Three tries in all while away, where polling on would have made about six.
    expect(tries().filter((t) => t < back)).toHaveLength(2);
    await waitFor(
      async () => {
        await refreshTree();
        return node(`device:${GEN2_PREFIX}`)?.online === true;
      },
      10_000,
      'online again',
    );
    // What it metered while away arrives with the first answer, once.
    await energyMatches(GEN2_PREFIX, gen2, () => gen2Wh(gen2), 'energy continues exactly after the outage');
  }, 90_000);

  it('says a refused password in words, and keeps running', async () => {
    let found: Alert | undefined;
    await waitFor(
      async () => {
        const { alerts } = await call<{ alerts: Alert[] }>('alerts.query', {});
        found = alerts.find((a) => a.node === `device:${LOCKED_PREFIX}`);
        return found !== undefined;
      },
      15_000,
      'an alert about the locked plug',
    );
    expect(found?.severity).toBe('error');
    expect(found?.message).toMatch(/refused the user name "admin" or its password \(HTTP 401\)/);
    expect(found?.message).toContain('passwordFile');
    expect(found?.message).not.toContain('a guess');
    expect(locked.statusReads).toBe(0);
    // Never read, so not in the tree; the console still answers.
    await refreshTree();
    expect(node(`device:${LOCKED_PREFIX}`)).toBeUndefined();
    expect(headless.child.exitCode).toBeNull();
  });
  it('never asks a polled device anything over MQTT: nobody would answer there', () => {
    expect(asked).toEqual([]);
  });
});
