/**
 * A head office across sites (README "Head office"), with real parts: two site Mosquittos, each
 * bridged to a central one by Mosquitto's own bridge configuration (`topic kilowatch/# out 1`);
 * two built headless site consoles, each counting a Gen2 meter on its own broker; and a head-office
 * console on the central broker with `[headoffice] sites = ["kilowatch"]`, publishing under "hq".
 * Its company total must be the sites' sum exactly, also after a site console restarts on the
 * same database (it republishes everything: nothing may count twice, nothing be lost).
 *
 * Needs the build: `npx electron-vite build`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTotals, command, startConsole, until, type Totals } from '../support/console-run';
import { notifyStatus, plus1pmId } from '../support/gen-plus1pm';
import { assertBuilt, startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

interface Site {
  name: string;
  prefix: string;
  src: string;
  broker?: Mosquitto;
  console?: Headless;
  publisher?: MqttClient;
  /** The meter's counter now, mWh, and how many readings it has sent. */
  totalMWh: number;
  sent: number;
}

const SITES: Site[] = [
  { name: 'lisbon', prefix: 'Aurora/Lisbon/Office/Meter1', src: plus1pmId(1), totalMWh: 4_000_017, sent: 0 },
  { name: 'porto', prefix: 'Aurora/Porto/Lab/Meter2', src: plus1pmId(2), totalMWh: 91_003, sent: 0 },
];

let central: Mosquitto | undefined;
let office: Headless | undefined;
const dir = tempDir('kw-head-office-');
const startMinuteS = Math.floor(Date.now() / 60_000) * 60 - 60 * 60;

const bridgeTo = (port: number, name: string): string[] => [
  `connection ${name}`,
  `address 127.0.0.1:${port}`,
  'topic kilowatch/# out 1',
  `remote_clientid bridge-${name}-${process.pid}`,
  'bridge_protocol_version mqttv311',
];

const startSite = (site: Site): Promise<Headless> => {
  const siteDir = join(dir.path, site.name);
  mkdirSync(siteDir, { recursive: true });
  return startConsole({
    brokerUrl: (site.broker as Mosquitto).url,
    dbPath: join(siteDir, 'kilowatch.db'),
    dir: siteDir,
    filter: 'Aurora/#',
    publishIntervalS: 1,
  });
};

/** One minute's reading of the site's meter, one minute after the last; `riseMWh` added first. */
async function reading(site: Site, riseMWh: number): Promise<void> {
  site.totalMWh += riseMWh;
  const minuteTsS = startMinuteS + 60 * site.sent++;
  const payload = notifyStatus(site.src, site.prefix, {
    tsS: minuteTsS + 0.37,
    minuteTsS,
    totalMWh: site.totalMWh,
  });
  await (site.publisher as MqttClient).publishAsync(`${site.prefix}/events/rpc`, payload, { qos: 1 });
}

const companyWh = (t: Totals | undefined): number | undefined => t?.get('company:Aurora')?.energyWh;
const siteSum = async (): Promise<number> => {
  const [a, b] = await Promise.all(SITES.map((s) => apiTotals(s.console as Headless)));
  return Math.round(((companyWh(a) ?? NaN) + (companyWh(b) ?? NaN)) * 1000) / 1000;
};

/** Waits until every site counted `wh` and the head office shows the sites' sum. */
async function settled(expected: Record<string, number>): Promise<{ sum: number; office: Totals }> {
  for (const site of SITES) {
    const t = await until(
      () => apiTotals(site.console as Headless),
      (v) => companyWh(v) === expected[site.name],
      20_000,
    );
    expect(companyWh(t), `${site.name} company total`).toBe(expected[site.name]);
  }
  const sum = await siteSum();
  const t = await until(
    () => apiTotals(office as Headless),
    (v) => companyWh(v) === sum,
    30_000,
  );
  return { sum, office: t };
}

beforeAll(async () => {
  assertBuilt();
  central = await startMosquitto();
  for (const site of SITES) {
    site.broker = await startMosquitto(bridgeTo(central.port, site.name));
    site.console = await startSite(site);
    site.publisher = await mqtt.connectAsync(site.broker.url, {
      clientId: `kw-ho-${site.name}-${process.pid}`,
    });
  }
  const config = join(dir.path, 'hq.toml');
  writeFileSync(
    config,
    [
      '[site]',
      'timezone = "UTC"',
      '[publish]',
      'prefix = "hq"',
      '[headoffice]',
      'sites = ["kilowatch"]',
      '',
    ].join('\n'),
  );
  // Its own filter matches nothing: the site aggregates arrive only through the one it adds.
  office = await startHeadless(
    ['--config', config, '--broker', central.url, '--db', join(dir.path, 'hq.db'), '--port', '0'].concat([
      '--publish-interval',
      '1',
      '--subscribe',
      'Nothing/#',
    ]),
    { KILOWATCH_BROKER_PASSWORD: undefined, KILOWATCH_BROKER_USERNAME: undefined },
  );
}, 120_000);

afterAll(async () => {
  await office?.stop();
  for (const site of SITES) {
    await site.publisher?.endAsync().catch(() => undefined);
    await site.console?.stop();
    await site.broker?.stop();
  }
  await central?.stop();
  dir.remove();
});

describe('a head office reading two sites over Mosquitto bridges', () => {
  it('shows every site in one tree, its company total the sum of the sites', async () => {
    // The first reading is each site's baseline; the rest are counted there, and at the head office.
    const rises = { lisbon: [0, 1_250, 980, 1_111, 7], porto: [0, 333, 4_567, 12, 2_001] };
    for (let i = 0; i < 5; i++)
      for (const site of SITES) await reading(site, rises[site.name as 'lisbon' | 'porto'][i] as number);
    const expected = { lisbon: 3.348, porto: 6.913 };
    const { sum, office: totals } = await settled(expected);
    expect(sum).toBe(10.261);
    expect(companyWh(totals)).toBe(sum);
    expect(totals.get('office:Aurora/Lisbon')?.energyWh).toBe(3.348);
    expect(totals.get('office:Aurora/Porto')?.energyWh).toBe(6.913);
    expect(totals.get('room:Aurora/Porto/Lab')?.energyWh).toBe(6.913);
    expect(totals.get('device:Aurora/Lisbon/Office/Meter1')?.energyWh).toBe(3.348);

    const tree = await command<{ nodes: unknown }>(office as Headless, 'site.tree');
    const names = JSON.stringify(tree);
    for (const name of ['"Lisbon"', '"Porto"', '"Office"', '"Lab"', '"Meter1"', '"Meter2"'])
      expect(names).toContain(name);

    const now = Date.now();
    const history = await until(
      () =>
        command<{ total: { energyWh: number } }>(office as Headless, 'history.query', {
          node: 'company:Aurora',
          from: new Date(now - 3 * 3_600_000).toISOString(),
          to: new Date(now + 3_600_000).toISOString(),
          resolution: 'hour',
        }),
      (h) => h.total.energyWh === sum,
      10_000,
    );
    expect(history.total.energyWh).toBe(sum);
  });

  it('stays exact when a site console restarts on the same database', async () => {
    const lisbon = SITES[0] as Site;
    await lisbon.console?.stop();
    // While it is down its meter goes on; its broker keeps the readings for its persistent session.
    await reading(lisbon, 700);
    lisbon.console = await startSite(lisbon);
    await reading(lisbon, 41);
    await reading(SITES[1] as Site, 1_000);
    const { sum, office: totals } = await settled({ lisbon: 4.089, porto: 7.913 });
    expect(sum).toBe(12.002);
    expect(companyWh(totals)).toBe(sum);
    expect(totals.get('office:Aurora/Lisbon')?.energyWh).toBe(4.089);
    // And it stays there: the restarted site republishing everything adds nothing.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(companyWh(await apiTotals(office as Headless))).toBe(sum);
  });
});
